"""Any stream, any encoding: output that cannot be written is one clear line and a non-zero
exit, never a traceback."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import MINI


def _run(*args, env=None, **kwargs):
    proc = subprocess.run([sys.executable, "-m", "runaway_companion", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})}, **kwargs)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_an_ascii_only_output_gets_escapes_not_a_crash():
    proc = _run("progress", env={"PYTHONIOENCODING": "ascii"}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and proc.stdout.startswith("1:start"), proc.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_disk_on_stdout_is_one_line_and_exit_1():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "runaway_companion", "show", "characters",
                               "--pack", str(MINI), "--episode", "2", "--at", "end"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "companion: error: could not write the output (No space left on device)"], proc.stderr


def test_a_closed_stdout_is_one_line_and_exit_2():
    code = ("import os, sys; os.close(1); "
            "sys.argv = ['companion', 'export', '--pack', sys.argv[1]]; sys.stdout = None; "
            "from runaway_companion.cli import main; sys.exit(main())")
    proc = subprocess.run([sys.executable, "-c", code, str(MINI)], capture_output=False,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "companion: error: standard output is closed", proc.stderr


def test_a_closed_stderr_or_stdin_is_no_crash():
    code = ("import os, sys; os.close(2); sys.stderr = None; os.close(0); sys.stdin = None; "
            "sys.argv = ['companion', 'show', 'characters', '--pack', sys.argv[1]]; "
            "from runaway_companion.cli import main; sys.exit(main())")
    proc = subprocess.run([sys.executable, "-c", code, str(MINI)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "characters" in proc.stdout


def test_a_very_long_pack_path_is_one_problem_line():
    proc = _run("--pack", "x" * 5000, "show", "characters", stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 2 and "cannot be read" in proc.stderr, proc.stderr


def test_the_tui_with_a_closed_stderr_exits_2_instead_of_hanging(monkeypatch, capsys):
    from runaway_companion import cli

    monkeypatch.setattr(sys, "__stderr__", None)
    assert cli.main(["--pack", str(MINI)]) == 2
    assert "standard error" in capsys.readouterr().err
