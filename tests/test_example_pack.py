"""The made-up example show ships as a real pack: it validates, `--pack example` finds it from
any folder, and the README's console examples print what the README says they print."""
from __future__ import annotations

import re
import shlex

from conftest import ROOT, run_cli

from runaway_companion.pack import load_pack, shipped_pack


def test_the_example_pack_validates_and_loads_by_name():
    assert shipped_pack("example") is not None
    pack = load_pack("example", parse_cache=False)
    assert pack.episode_count >= 2 and len(pack.characters) >= 3
    proc = run_cli("--pack", "example", "validate")
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_a_pack_name_that_is_not_shipped_is_one_problem_line():
    proc = run_cli("--pack", "no-such-pack", "show", "characters")
    assert proc.returncode == 1
    assert "pack folder not found" in proc.stdout + proc.stderr


def _console_examples(markdown: str):
    """(command, expected output lines) for every `$ companion …` in a console block."""
    for block in re.findall(r"```console\n(.+?)\n```", markdown, flags=re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ companion "):
                out = []
                for follow in lines[i + 1:]:
                    if follow.startswith("$ "):
                        break
                    out.append(follow)
                yield shlex.split(line[2:])[1:], out


def test_the_readme_console_examples_print_what_they_say(tmp_path):
    examples = []
    for doc in ("README.md", "data/README.md"):
        examples += list(_console_examples((ROOT / doc).read_text(encoding="utf-8")))
    assert examples
    for args, expected in examples:
        proc = run_cli(*args)
        assert proc.returncode in (0, 1), (args, proc.stderr)
        got = (proc.stdout + proc.stderr).splitlines()
        for line in expected:
            assert line in got, (args, line, got[:10])
