"""Saving is safe where there is no fcntl (Windows): the lock-file fallback, forced on Linux by
making ``import fcntl`` fail. Two processes saving at once lose nothing; a lock left by a process
that died is taken over; a save waits while another holds the lock."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from runaway_companion import state
from runaway_companion.progress import Position


@pytest.fixture
def no_fcntl(monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError
    with pytest.raises(ImportError):
        import fcntl  # noqa: F401


def _saved() -> dict:
    return json.loads(state.state_path().read_text(encoding="utf-8"))["progress"]


def test_without_fcntl_a_save_writes_and_leaves_no_lock_behind(no_fcntl):
    assert state.save_progress("show-a", Position(2, "mid")) is None
    assert _saved() == {"show-a": "2:mid"}
    assert not (state.state_dir() / state.LOCK_FILE).exists()
    assert state.load_progress("show-a", 8).position == Position(2, "mid")


_WRITER = """
import sys
sys.modules["fcntl"] = None
from runaway_companion import state
from runaway_companion.progress import Position
name, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    failed = state.save_progress(f"{name}-{i}", Position(1 + i % 8, "end"), durable=False)
    assert failed is None, failed
"""


def test_without_fcntl_processes_saving_at_once_lose_no_change():
    """Each process adds its own keys by read-change-write: without a lock, one's write drops
    what another added in between."""
    count = 60
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, f"p{n}", str(count)],
                              env=dict(os.environ), stderr=subprocess.PIPE, text=True)
             for n in range(3)]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    saved = _saved()
    assert len(saved) == 3 * count, sorted(set(f"p{n}-{i}" for n in range(3)
                                               for i in range(count)) - set(saved))[:10]
    assert not (state.state_dir() / state.LOCK_FILE).exists()


def test_without_fcntl_a_lock_left_by_a_dead_process_is_taken_over(no_fcntl):
    folder = state.state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / state.LOCK_FILE
    lock.write_text("12345\n")
    old = time.time() - state.LOCK_STALE_SECONDS - 5
    os.utime(lock, (old, old))
    assert state.save_progress("show-a", Position(3, "late")) is None
    assert _saved() == {"show-a": "3:late"}
    assert not lock.exists()


def test_without_fcntl_a_save_waits_while_another_process_holds_the_lock(no_fcntl):
    folder = state.state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / state.LOCK_FILE
    lock.write_text("12345\n")  # held (fresh) by someone else
    result: list = []
    saver = threading.Thread(target=lambda: result.append(
        state.save_progress("show-a", Position(4, "early"))))
    saver.start()
    time.sleep(0.3)
    assert saver.is_alive() and not state.state_path().exists()  # still waiting: nothing written
    lock.unlink()  # the other process is done
    saver.join(timeout=30)
    assert result == [None] and _saved() == {"show-a": "4:early"}


def test_without_fcntl_an_unwritable_folder_is_still_one_warning(no_fcntl, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        blocked = tmp_path / "file-not-folder"
        blocked.write_text("x")
        monkeypatch.setenv(state.ENV_VAR, str(blocked / "state"))  # a folder under a file
    else:  # pragma: no cover - non-root runs
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        monkeypatch.setenv(state.ENV_VAR, str(ro))
    warning = state.save_progress("show-a", Position(1, "end"))
    assert warning and warning.startswith("could not save progress")
