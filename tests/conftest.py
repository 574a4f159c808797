from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


def pytest_collection_finish(session):
    """The cyclic GC, set for a test process: what is alive after collection (the modules, the
    collected tests) is frozen, and young collections run every 20,000 allocations instead of
    700. Textual's apps allocate in bulk, and the default collections rescanned the whole,
    growing heap of each worker: the suite took 143–150 s with them, 112–120 s without (full
    suite on 2 workers, alternated runs). Tests that need a collection call ``gc.collect()``."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@pytest.fixture(scope="session")
def _session_cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("parse-cache")


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory, monkeypatch, _session_cache_dir):
    """Every test gets its own state and config dirs: nothing touches the user's real progress
    or settings.

    The parse cache (runaway_companion.parsecache) stays on, in a folder of this test session's own:
    tests exercise it as users do, and never read or write the user's real cache.
    """
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("COMPANION_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(_session_cache_dir))
    monkeypatch.delenv("COMPANION_NO_CACHE", raising=False)
    # `--profile NAME` sets this for the process (and what it starts): set-then-delete, so the
    # teardown removes it again (a delenv of an absent variable records nothing to undo)
    monkeypatch.setenv("COMPANION_PROFILE", "default")
    monkeypatch.delenv("COMPANION_PROFILE")


@pytest.fixture(scope="session")
def real_pack():
    from runaway_companion.pack import load_pack

    return load_pack()


@pytest.fixture(scope="session")
def mini_pack():
    from runaway_companion.pack import load_pack

    return load_pack(MINI)


def run_cli(*args: str, env: dict | None = None, check_traceback: bool = True):
    """Run `python -m runaway_companion ARGS` in a subprocess; never a traceback."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "runaway_companion", *args], capture_output=True,
                          text=True, env=full_env, timeout=60, stdin=subprocess.DEVNULL)
    if check_traceback:
        assert "Traceback" not in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stdout, proc.stdout
    return proc
