"""The command line end to end, through subprocesses."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import MINI, run_cli


def test_progress_set_and_print(tmp_path):
    env = {"COMPANION_STATE_DIR": str(tmp_path)}
    assert "nothing saved yet" in run_cli("progress", "--pack", str(MINI), env=env).stdout
    proc = run_cli("progress", "2:late", "--pack", str(MINI), env=env)
    assert proc.returncode == 0 and "2:late" in proc.stdout
    assert run_cli("progress", "--pack", str(MINI), env=env).stdout.startswith("2:late (Episode 2 · three quarters in)")


def test_show_uses_saved_progress_and_override_does_not_save(tmp_path):
    env = {"COMPANION_STATE_DIR": str(tmp_path)}
    run_cli("progress", "2:early", "--pack", str(MINI), env=env)
    assert "The Stranger" in run_cli("show", "characters", "--pack", str(MINI), env=env).stdout
    out = run_cli("show", "characters", "--pack", str(MINI), "--episode", "3", "--at", "end", env=env).stdout
    assert "Zed Quill" in out
    assert run_cli("progress", "--pack", str(MINI), env=env).stdout.startswith("2:early")


@pytest.mark.parametrize("what", ["characters", "relationships", "threads", "episodes", "recap"])
def test_every_show_command_runs(what):
    proc = run_cli("show", what, "--pack", str(MINI), "--episode", "2", "--at", "mid")
    assert proc.returncode == 0, proc.stderr
    for hidden in ("Papa Canary", "Canary fact", "Canary father", "Canary resolution", "secret father"):
        assert hidden not in proc.stdout


def test_show_character_card_and_relationships_of_one(tmp_path):
    out = run_cli("show", "character", "Alice", "--pack", str(MINI), "-e", "1", "--at", "end").stdout
    assert "Alice Moon" in out and "Runs a bakery." in out and "Bob Moon: Siblings" in out
    out = run_cli("show", "relationships", "bob", "--pack", str(MINI), "-e", "1", "--at", "end").stdout
    assert "Alice Moon: Siblings" in out  # one person's side: what each other person is to them


def test_unknown_and_not_yet_known_names_get_the_same_answer():
    hidden = run_cli("show", "character", "papa", "--pack", str(MINI), "-e", "3", "--at", "mid")
    never = run_cli("show", "character", "nobody", "--pack", str(MINI), "-e", "3", "--at", "mid")
    assert hidden.stdout.replace("papa", "X") == never.stdout.replace("nobody", "X")
    assert hidden.returncode == never.returncode == 1


@pytest.mark.parametrize("args", [["--episode", "9", "export"], ["--at", "soon", "export"],
                                  ["progress", "banana"], ["progress", "0:end"], ["--episode", "0", "export"],
                                  ["--episode", "two", "export"], ["show", "nothing"], ["export", "--format", "xml"],
                                  ["--at", "late", "export"], ["frobnicate"], ["progress", "4:end"]])
def test_bad_flags_are_one_line_and_exit_2(args):
    proc = run_cli(*args, "--pack", str(MINI)) if args[0] != "frobnicate" else run_cli(*args)
    assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: error:"), proc.stderr


def test_export_json_has_the_documented_shape():
    data = json.loads(run_cli("export", "--pack", str(MINI), "-e", "2", "--at", "mid").stdout)
    assert set(data) == {"show", "progress", "episodes", "characters", "relationships", "threads"}
    assert data["progress"] == {"episode": 2, "at": "mid"}
    assert set(data["characters"][0]) == {"id", "name", "aliases", "actor", "role", "status", "facts",
                                          "relationships"}
    assert data["episodes"][2] == {"number": 3, "title": None, "recap": []}
    assert set(data["relationships"][0]) == {"between", "label", "history"}
    assert set(data["threads"][0]) == {"id", "title", "status", "beats"}


def test_export_markdown():
    out = run_cli("export", "--format", "markdown", "--pack", str(MINI), "-e", "1", "--at", "end").stdout
    assert out.startswith("# Mini Show — as of Episode 1 · finished")
    assert "### Alice Moon" in out


def test_audit_walks_every_checkpoint_with_sources():
    out = run_cli("audit", "--spoilers", "--pack", str(MINI)).stdout
    assert "== 1:early" in out and "== 3:end" in out and "<S2>" in out
    data = json.loads(run_cli("audit", "--spoilers", "--pack", str(MINI), "--format", "json").stdout)
    assert len(data["checkpoints"]) == 12


def test_validate_default_pack_passes():
    proc = run_cli("validate")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\n"


def test_launch_without_a_terminal_is_a_clear_error():
    proc = run_cli("--pack", str(MINI))
    assert proc.returncode == 2 and "needs a terminal" in proc.stderr


def test_headless_commands_never_import_textual():
    code = ("import sys; from runaway_companion.cli import main; "
            "rc = main(['show', 'characters']); main(['export']); main(['audit', '--spoilers']); main(['validate']);"
            "main(['progress']);"
            "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if m.startswith('textual'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "runaway_companion", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("companion ")


def test_show_characters_in_a_pipe_is_a_readable_list_and_a_wide_terminal_gets_a_table():
    narrow = run_cli("show", "characters", "--pack", str(MINI), "-e", "3", "--at", "end", env={"COLUMNS": "80"})
    assert narrow.returncode == 0, narrow.stderr
    assert "┃" not in narrow.stdout and all(len(line) <= 80 for line in narrow.stdout.splitlines())
    assert all(line == line.rstrip() for line in narrow.stdout.splitlines())
    wide = run_cli("show", "characters", "--pack", str(MINI), "-e", "3", "--at", "end", env={"COLUMNS": "140"})
    assert "┃" in wide.stdout and "Role" in wide.stdout
