from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory, monkeypatch):
    """Every test gets its own state dir: nothing touches the user's real progress."""
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(scope="session")
def real_pack():
    from companion.pack import load_pack

    return load_pack()


@pytest.fixture(scope="session")
def mini_pack():
    from companion.pack import load_pack

    return load_pack(MINI)


def run_cli(*args: str, env: dict | None = None, check_traceback: bool = True):
    """Run `python -m companion ARGS` in a subprocess; never a traceback."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=full_env, timeout=60, stdin=subprocess.DEVNULL)
    if check_traceback:
        assert "Traceback" not in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stdout, proc.stdout
    return proc
