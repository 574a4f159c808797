"""Shell completion: scripts written out from the parser (commands, flags, fixed values), run in
a real bash; nothing from a pack in them; a plain launch builds no subcommand's parser."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from runaway_companion.cli import COMMANDS, _command_of, build_parser
from runaway_companion.completion import SHELLS, script

from conftest import run_cli


@pytest.mark.parametrize("shell", SHELLS)
def test_each_script_names_every_command(shell):
    text = script(shell, build_parser())
    for command in COMMANDS:
        assert command in text
    assert "start early mid late end" in text


@pytest.mark.parametrize("shell", SHELLS)
def test_no_script_holds_a_name_from_the_shipped_pack(shell, real_pack):
    text = script(shell, build_parser())
    names = {n.text for ch in real_pack.characters for n in ch.names}
    names |= {t.text for thr in real_pack.threads for t in thr.titles}
    names |= {ep.title.text for ep in real_pack.episodes if ep.title}
    assert not [n for n in names if n in text]


@pytest.mark.skipif(not shutil.which("bash"), reason="no bash here")
@pytest.mark.parametrize("words,expected", [
    (["sh"], {"show"}),
    (["show", ""], {"character", "characters", "episodes", "recap", "relationships", "threads",
                    "--at", "--episode"}),
    (["--at", ""], {"start", "early", "mid", "late", "end"}),
    (["show", "recap", "--at", "m"], {"mid"}),
    (["export", "--format", ""], {"json", "markdown"}),
    (["completion", ""], {"bash", "zsh", "fish"}),
    (["progress", "--y"], {"--yes"}),
])
def test_bash_completes_commands_flags_and_fixed_values(words, expected, tmp_path):
    path = tmp_path / "companion.bash"
    path.write_text(script("bash", build_parser()))
    words = ["companion", *words]
    quoted = " ".join(f"'{w}'" for w in words)
    probe = (f"source {path}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
             "_companion; printf '%s\\n' \"${COMPREPLY[@]}\"")
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    got = set(out.stdout.split())
    assert expected <= got
    assert all(w.startswith(words[-1]) for w in got)


def test_the_command_prints_the_script_and_refuses_an_unknown_shell_in_one_line():
    ok = run_cli("completion", "bash")
    assert ok.returncode == 0 and "complete -o default -F _companion companion" in ok.stdout
    bad = run_cli("completion", "tcsh")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_a_plain_launch_builds_no_subcommand_parser():
    assert _command_of([]) == "" and _command_of(["-e", "3", "--at", "mid"]) == ""
    assert _command_of(["completion", "bash"]) == "completion"
