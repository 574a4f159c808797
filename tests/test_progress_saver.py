"""state.ProgressSaver: coalesced writes, the fsync off the caller's thread, a durable close."""
from __future__ import annotations

import json

from runaway_companion import state
from runaway_companion.progress import Position


def _saved(folder) -> dict:
    return json.loads((folder / "state.json").read_text())["progress"]


def test_several_requests_before_a_flush_are_one_write(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path))
    writes = []
    real = state.save_progress
    monkeypatch.setattr(state, "save_progress",
                        lambda *a, **k: writes.append(a) or real(*a, **k))
    saver = state.ProgressSaver("mini")
    assert saver.request(Position(1, "mid")) is True  # schedule a flush
    assert saver.request(Position(1, "late")) is False  # already scheduled
    assert saver.pending == Position(1, "late")
    assert saver.flush(durable=False) is None
    assert writes == [("mini", Position(1, "late"))]
    assert _saved(tmp_path) == {"mini": "1:late"}
    assert saver.flush() is None and len(writes) == 1  # nothing left: no second write
    assert saver.pending is None


def test_a_quick_write_is_made_durable_in_a_background_thread(tmp_path, monkeypatch):
    import threading

    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path))
    threads = []
    monkeypatch.setattr(state, "sync", lambda: threads.append(threading.current_thread().name))
    saver = state.ProgressSaver("mini")
    saver.request(Position(2, "end"))
    saver.flush(durable=False)
    saver.close()  # waits for the queued fsync
    assert threads and threads[0].startswith("companion-fsync")


def test_a_failed_save_is_one_warning_line(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("COMPANION_STATE_DIR", str(blocker))
    saver = state.ProgressSaver("mini")
    saver.request(Position(1, "end"))
    warning = saver.flush()
    assert warning and "\n" not in warning and "could not save progress" in warning
