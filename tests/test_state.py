"""Saved progress: atomic, and never a crash on a damaged, missing or unwritable state file."""
from __future__ import annotations

import json
import os
import stat

import pytest

from runaway_companion import state
from runaway_companion.progress import Position
from conftest import MINI, run_cli


def test_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path))
    assert state.load_progress("mini", 3).saved is False
    assert state.save_progress("mini", Position(2, "mid")) is None
    loaded = state.load_progress("mini", 3)
    assert loaded.position == Position(2, "mid") and loaded.saved and loaded.warning is None
    assert json.loads((tmp_path / "state.json").read_text())["progress"] == {"mini": "2:mid"}
    assert not [p for p in tmp_path.iterdir() if p.name != "state.json"], "temp files left behind"


def test_progress_per_show_and_settings_are_kept_side_by_side(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path))
    state.save_progress("a", Position(1, "end"))
    state.save_setting("theme", "nord")
    state.save_progress("b", Position(2, "early"))
    assert state.load_progress("a").position == Position(1, "end")
    assert state.load_progress("b").position == Position(2, "early")
    assert state.load_setting("theme") == "nord"


@pytest.mark.parametrize("content", [b"", b"{trunc", b"\x00\xff\xfe garbage", b"[1, 2, 3]",
                                     b'{"progress": "6:late"}', b'{"progress": {"mini": 42}}',
                                     b'{"progress": {"mini": "banana"}}', b'{"progress": {"mini": "9:end"}}'],
                         ids=["empty", "truncated", "binary", "wrong-shape-list", "wrong-shape-progress",
                              "wrong-type", "not-a-position", "beyond-last-episode"])
def test_damaged_state_falls_back_to_episode_1_with_one_warning(tmp_path, monkeypatch, content):
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path))
    (tmp_path / "state.json").write_bytes(content)
    loaded = state.load_progress("mini", 3)
    assert loaded.position == Position(1, "start")
    if content:
        assert loaded.warning and "\n" not in loaded.warning
    # the next valid save repairs it
    assert state.save_progress("mini", Position(2, "end")) is None
    assert state.load_progress("mini", 3).position == Position(2, "end")


def test_state_path_that_is_a_directory_warns_and_keeps_working(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path))
    (tmp_path / "state.json").mkdir()
    loaded = state.load_progress("mini", 3)
    assert loaded.position == Position(1, "start") and "folder" in loaded.warning
    assert state.save_progress("mini", Position(2, "end"))  # a warning, not an exception


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_state_dir_warns_instead_of_crashing(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("COMPANION_STATE_DIR", str(ro))
    try:
        assert "could not save" in state.save_progress("mini", Position(2, "end"))
    finally:
        ro.chmod(stat.S_IRWXU)


def test_unwritable_state_location_warns_instead_of_crashing(tmp_path, monkeypatch):
    # works as root too: the state "dir" is a file, so nothing can be created inside it
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COMPANION_STATE_DIR", str(blocker / "sub"))
    warning = state.save_progress("mini", Position(2, "end"))
    assert warning and "could not save" in warning
    assert state.load_progress("mini", 3).position == Position(1, "start")


def test_cli_progress_survives_damaged_and_unwritable_state(tmp_path):
    (tmp_path / "state.json").write_bytes(b"\x00garbage")
    env = {"COMPANION_STATE_DIR": str(tmp_path)}
    proc = run_cli("progress", "--pack", str(MINI), env=env)
    assert proc.returncode == 0 and proc.stdout.startswith("1:start")
    assert proc.stderr.count("warning") == 1
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    proc = run_cli("progress", "2:mid", "--pack", str(MINI), env={"COMPANION_STATE_DIR": str(blocker)})
    # not saved is never "Progress saved": one line, exit 1
    assert proc.returncode == 1 and "could not save" in proc.stderr
    assert "Progress saved" not in proc.stdout
    assert [line for line in proc.stderr.splitlines() if "could not save" in line] == \
        [line for line in proc.stderr.splitlines() if line.startswith("companion: error:")]
