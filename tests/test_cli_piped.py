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
