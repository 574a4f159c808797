"""Piped output: a reader that stops early (`| head -1`) is not a failure."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args", [
    ["show", "characters"], ["show", "threads"], ["show", "episodes"],
    ["export", "--format", "markdown"], ["export"], ["audit", "--spoilers"], ["progress"],
    ["profiles"],
])
def test_a_reader_that_stops_early_gets_exit_0_and_no_traceback(args, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "runaway_companion", *args, "--pack", "example",
                             "--episode", "3", "--at", "end"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={"COMPANION_STATE_DIR": str(tmp_path),
                                                         "PATH": "/usr/bin:/bin", "COLUMNS": "60"})
    proc.stdout.close()  # as `head -1` does, here before the first line: every write meets EPIPE
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err


def _cli(args, env_extra, tmp_path):
    env = {"COMPANION_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **env_extra}
    return subprocess.run([sys.executable, "-m", "runaway_companion", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_piped_output_without_a_width_is_not_hard_wrapped(tmp_path):
    run = _cli(["show", "character", "simon", "--episode", "1", "--at", "end"], {}, tmp_path)
    assert run.returncode == 0
    bullets = [line for line in run.stdout.splitlines() if line.startswith("  • ")]
    assert any(len(line) > 80 for line in bullets)  # one line per bullet, whatever its length
    assert all(not line.startswith("    ") or line.startswith("  • ") for line in run.stdout.splitlines()
               if line and not line.startswith(("  • ", "Episode")))


def test_columns_wraps_with_a_hanging_indent_and_no_trailing_spaces(tmp_path):
    run = _cli(["show", "character", "simon", "--episode", "1", "--at", "end"], {"COLUMNS": "50"},
               tmp_path)
    lines = run.stdout.splitlines()
    assert all(len(line) <= 50 for line in lines)
    assert all(line == line.rstrip() for line in lines)
    first = next(i for i, line in enumerate(lines) if line.startswith("  • "))
    assert lines[first + 1].startswith("    ") and not lines[first + 1].startswith("    •")


def test_markdown_lists_unstarted_episodes_in_one_line_not_as_empty_headings(tmp_path):
    run = _cli(["export", "--format", "markdown", "--pack", "example", "--episode", "1", "--at",
                "end"], {}, tmp_path)
    lines = run.stdout.splitlines()
    headings = [i for i, line in enumerate(lines) if line.startswith("### Episode")]
    assert len(headings) == 1
    assert "*Not started yet: episodes 2–3.*" in lines


def test_recap_is_the_last_finished_episode_and_the_current_one(tmp_path):
    run = _cli(["show", "recap", "--pack", "example", "--episode", "3", "--at", "mid"], {}, tmp_path)
    lines = run.stdout.splitlines()
    assert [line for line in lines if line.startswith("Episode ")] == [
        "Episode 2: Low Tide", "Episode 3: The Last Light  (so far)"]
    assert lines[-1] == "Earlier (episode 1): companion show episodes"


def test_every_subcommand_help_has_a_description_and_examples(tmp_path):
    from runaway_companion.cli import COMMANDS

    for args in [[c] for c in COMMANDS] + [["show", "recap"]]:
        run = _cli([*args, "--help"], {"COLUMNS": "100"}, tmp_path)
        assert run.returncode == 0
        usage_end = run.stdout.index("\n\n")
        assert run.stdout[usage_end:].strip().split("\n")[0].strip()[0].isupper(), args
        if args != ["show", "recap"]:
            examples = run.stdout.split("\nexamples:\n", 1)
            assert len(examples) == 2 and "  companion " in examples[1], args
