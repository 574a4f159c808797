"""Damaged saved progress, beyond tests/test_state.py: every kind of damage gives the safe
default (episode 1, not started — never further than what was saved), one warning, and the next
valid save repairs it; two processes saving at once never leave a corrupt or partial file."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runaway_companion import state
from runaway_companion.cli import main
from runaway_companion.progress import Position, all_positions
from conftest import MINI

START = Position(1, "start")
GOOD = b'{"progress": {"mini": "2:mid"}, "version": 1}'
DAMAGE = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "truncated": GOOD[:17],
    "binary-garbage": bytes(range(256)) * 4,
    "not-utf8": b'{"progress": {"mini": "\xff\xfe"}}',
    "utf16": '{"progress": {"mini": "2:mid"}}'.encode("utf-16"),
    "nul-bytes": b"\x00" * 64,
    "json-list": b"[1, 2, 3]",
    "json-string": b'"2:mid"',
    "json-null": b"null",
    "progress-not-a-map": b'{"progress": "2:mid"}',
    "progress-a-list": b'{"progress": ["mini", "2:mid"]}',
    "value-a-number": b'{"progress": {"mini": 2}}',
    "value-a-map": b'{"progress": {"mini": {"episode": 2}}}',
    "value-nan": b'{"progress": {"mini": NaN}}',
    "not-a-position": b'{"progress": {"mini": "banana"}}',
    "beyond-the-last-episode": b'{"progress": {"mini": "9:end"}}',
    "episode-zero": b'{"progress": {"mini": "0:end"}}',
    "5000-digit-episode": b'{"progress": {"mini": "' + b"9" * 5000 + b':end"}}',
    "int-of-5000-digits": b'{"progress": {"mini": 1' + b"0" * 5000 + b"}}",
    "deeply-nested": b"[" * 200_000 + b"]" * 200_000,
    "deeply-nested-inside": b'{"progress": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    "over-a-megabyte": b'{"progress": {"mini": "2:mid"}, "pad": "' + b"x" * 1_100_000 + b'"}',
}


@pytest.fixture
def sdir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "state"
    d.mkdir()
    monkeypatch.setenv("COMPANION_STATE_DIR", str(d))
    return d


def _loads_at_start_with_one_warning(loaded: state.Loaded) -> None:
    assert loaded.position == START, loaded  # never further than what was saved
    assert loaded.saved is False
    assert loaded.warning and "\n" not in loaded.warning, loaded.warning


@pytest.mark.parametrize("name", list(DAMAGE))
def test_damage_gives_the_safe_default_one_warning_and_the_next_save_keeps_it_aside(sdir, name):
    (sdir / "state.json").write_bytes(DAMAGE[name])
    loaded = state.load_progress("mini", 3)
    _loads_at_start_with_one_warning(loaded)
    whole_file = "keeps it as state.json.damaged" in loaded.warning  # (else: one bad entry)
    assert state.load_setting("theme") is None
    assert state.save_progress("mini", Position(3, "late")) is None
    repaired = state.load_progress("mini", 3)
    assert repaired == state.Loaded(Position(3, "late"), True, None)
    assert json.loads((sdir / "state.json").read_text())["progress"] == {"mini": "3:late"}
    # the damaged file is kept beside the new one, never lost; no temp file is left behind
    names = sorted(p.name for p in sdir.iterdir())
    assert names == (["state.json", "state.json.damaged"] if whole_file else ["state.json"])
    if whole_file:
        assert (sdir / "state.json.damaged").read_bytes() == DAMAGE[name]


@pytest.mark.parametrize("name", ["truncated", "deeply-nested", "beyond-the-last-episode",
                                  "binary-garbage"])
def test_the_cli_warns_exactly_once_then_the_save_repairs_it(sdir, capsys, name):
    (sdir / "state.json").write_bytes(DAMAGE[name])
    assert main(["show", "characters", "--pack", str(MINI)]) == 0
    out, err = capsys.readouterr()
    assert err.count("companion: warning:") == 1 and len(err.splitlines()) == 1, err
    assert "Episode 1 · not started" in out
    assert main(["progress", "2:late", "--yes", "--pack", str(MINI)]) == 0
    assert main(["show", "characters", "--pack", str(MINI)]) == 0
    out, err = capsys.readouterr()
    assert not err and "Episode 2 · three quarters in" in out


def test_a_missing_file_is_a_first_launch_not_a_warning(sdir):
    assert state.load_progress("mini", 3) == state.Loaded(START, False, None)
    (sdir / "state.json").symlink_to(sdir / "nowhere")  # a dangling link is missing too
    assert state.load_progress("mini", 3) == state.Loaded(START, False, None)
    assert state.save_progress("mini", Position(2, "end")) is None
    assert state.load_progress("mini", 3).position == Position(2, "end")


def test_a_symlink_loop_warns_and_the_save_replaces_it(sdir):
    (sdir / "state.json").symlink_to(sdir / "state.json")
    _loads_at_start_with_one_warning(state.load_progress("mini", 3))
    assert state.save_progress("mini", Position(2, "end")) is None
    assert state.load_progress("mini", 3).position == Position(2, "end")


def test_only_the_damaged_entry_is_lost(sdir):
    """Another show's progress and the theme survive one show's bad entry, and its repair."""
    (sdir / "state.json").write_text(json.dumps(
        {"version": 1, "theme": "nord", "progress": {"mini": "banana", "other": "4:mid"}}))
    _loads_at_start_with_one_warning(state.load_progress("mini", 3))
    assert state.load_progress("other").position == Position(4, "mid")
    assert state.save_progress("mini", Position(1, "end")) is None
    assert state.load_setting("theme") == "nord"
    assert state.load_progress("other").position == Position(4, "mid")
    assert state.load_progress("mini", 3).position == Position(1, "end")


# --- generated damage ------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
                    | st.sampled_from(["2:mid", "3:end", "9:end", "mini", "progress"]),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["progress", "mini", "version", "theme"])
                                      | st.text(max_size=6), inner, max_size=4),
                    max_leaves=25)
DAMAGE_SETTINGS = settings(max_examples=150, deadline=None, database=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture])


def _expected(data) -> Position | None:
    """What a well-formed file says; None when anything about it is off."""
    if not isinstance(data, dict) or not isinstance(data.get("progress", {}), dict):
        return None
    value = data.get("progress", {}).get("mini")
    if not isinstance(value, str):
        return None
    try:
        position = Position.parse(value)
        position.check_within(3)
    except ValueError:
        return None
    return position


@DAMAGE_SETTINGS
@given(data=JSON)
def test_any_json_gives_what_it_says_or_the_safe_default(sdir, data):
    (sdir / "state.json").write_text(json.dumps(data))
    loaded = state.load_progress("mini", 3)
    expected = _expected(data)
    if expected is not None:
        assert loaded.position == expected and loaded.saved
    else:
        assert loaded.position == START and not loaded.saved
    assert state.save_progress("mini", Position(2, "early")) is None
    assert state.load_progress("mini", 3).position == Position(2, "early")


@DAMAGE_SETTINGS
@given(raw=st.binary(max_size=300), cut=st.integers(0, 80))
def test_any_bytes_or_any_truncation_never_crash_and_never_move_forward(sdir, raw, cut):
    saved = json.dumps({"version": 1, "progress": {"mini": "3:late"}}).encode()
    for content in (raw, saved[:cut] + raw[:cut]):
        (sdir / "state.json").write_bytes(content)
        loaded = state.load_progress("mini", 3)
        assert loaded.position <= Position(3, "late")  # never further than what was saved
        if loaded.warning is not None:
            assert loaded.position == START
    assert state.save_progress("mini", Position(1, "mid")) is None
    assert state.load_progress("mini", 3).position == Position(1, "mid")


# --- places that cannot be written ---------------------------------------------------------

def test_a_state_path_that_is_a_directory_warns_and_is_left_alone(sdir):
    (sdir / "state.json").mkdir()
    (sdir / "state.json" / "keep.txt").write_text("mine")
    _loads_at_start_with_one_warning(state.load_progress("mini", 3))
    warning = state.save_progress("mini", Position(2, "end"))
    assert warning and "could not save" in warning and "\n" not in warning
    assert (sdir / "state.json" / "keep.txt").read_text() == "mine"  # nothing of theirs lost
    assert not [p for p in sdir.iterdir() if p.name.startswith(".state-")]


def test_a_state_dir_whose_parent_is_a_file_warns_on_save_and_load(tmp_path, monkeypatch):
    """The unwritable case that holds even as root: nothing can be created under a file."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv("COMPANION_STATE_DIR", str(blocker / "deeper" / "state"))
    _loads_at_start_with_one_warning(state.load_progress("mini", 3))  # "Not a directory"
    for _ in range(3):
        warning = state.save_progress("mini", Position(2, "end"))
        assert warning and "could not save" in warning
    assert state.save_setting("theme", "nord")
    assert blocker.read_text() == "a file, not a folder"


@pytest.mark.parametrize("where", ["mkstemp", "replace", "fsync"])
def test_a_read_only_state_dir_simulated_warns_and_keeps_the_old_file(sdir, monkeypatch, where):
    """Read-only, simulated (root ignores chmod): the write fails at the temp file, the fsync or
    the rename; the old progress stays intact and no temp file is left."""
    (sdir / "state.json").write_bytes(GOOD)

    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    target = {"mkstemp": (tempfile, "mkstemp"), "replace": (state.os, "replace"),
              "fsync": (state.os, "fsync")}[where]
    monkeypatch.setattr(*target, refuse)
    warning = state.save_progress("mini", Position(3, "end"))
    assert warning and "could not save" in warning and "Permission denied" in warning
    monkeypatch.undo()
    monkeypatch.setenv("COMPANION_STATE_DIR", str(sdir))
    assert state.load_progress("mini", 3) == state.Loaded(Position(2, "mid"), True, None)
    assert [p.name for p in sdir.iterdir()] == ["state.json"], "temp file left behind"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits: this case is "
                    "covered by the simulated read-only test and the parent-is-a-file test")
def test_a_really_read_only_state_dir_and_unreadable_file(sdir):
    (sdir / "state.json").write_bytes(GOOD)
    (sdir / "state.json").chmod(0)
    try:
        _loads_at_start_with_one_warning(state.load_progress("mini", 3))
    finally:
        (sdir / "state.json").chmod(stat.S_IRUSR | stat.S_IWUSR)
    sdir.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert "could not save" in state.save_progress("mini", Position(3, "end"))
        assert state.load_progress("mini", 3).position == Position(2, "mid")
    finally:
        sdir.chmod(stat.S_IRWXU)


def test_an_unreadable_file_simulated_warns_and_a_save_never_replaces_it(sdir, monkeypatch):
    """Unreadable (mode 000, simulated: root reads anything): a save must not replace what it
    could not read — other shows' progress and the settings would be lost."""
    (sdir / "state.json").write_bytes(GOOD)
    real_open = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("state.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded)
    _loads_at_start_with_one_warning(state.load_progress("mini", 3))
    warning = state.save_progress("mini", Position(2, "end"))
    assert warning and "could not save" in warning and "left as it is" in warning
    assert state.save_setting("theme", "nord")
    monkeypatch.setattr("builtins.open", real_open)
    assert (sdir / "state.json").read_bytes() == GOOD


# --- two processes at once ------------------------------------------------------------------

_WRITER = r"""
import os, sys, time
from runaway_companion import state
from runaway_companion.progress import all_positions
positions = all_positions(3)
offset, go = int(sys.argv[1]), sys.argv[4]
while not os.path.exists(go):  # both writers start together
    time.sleep(0.001)
began = time.time()
for i in range(int(sys.argv[2])):
    warning = state.save_progress(sys.argv[3], positions[(i * 7 + offset) % len(positions)])
    assert warning is None, warning
print(began, time.time())
"""


def _poll_while(procs, sdir: Path, show_ids) -> int:
    """Read the file as fast as possible until the writers finish; every read must be whole."""
    reads = 0
    valid = {str(p) for p in all_positions(3)}
    path = sdir / "state.json"
    while any(p.poll() is None for p in procs):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue
        data = json.loads(raw)  # a partial file would fail here
        assert data["version"] == 1 and set(data["progress"]) <= set(show_ids), data
        assert all(v in valid for v in data["progress"].values()), data
        loaded = state.load_progress(show_ids[0], 3)
        assert loaded.warning is None, loaded.warning
        reads += 1
    return reads


@pytest.mark.parametrize("show_ids", [("mini", "mini"), ("mini", "other")],
                         ids=["same-show", "two-shows"])
def test_two_processes_saving_at_once_never_leave_a_partial_file(sdir, show_ids):
    saves = 100
    env = dict(os.environ, COMPANION_STATE_DIR=str(sdir))
    start = time.perf_counter()
    go = sdir.parent / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(i), str(saves), show, str(go)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, show in enumerate(show_ids)]
    time.sleep(0.3)  # both interpreters up and waiting
    go.touch()
    reads = _poll_while(procs, sdir, show_ids)
    spans = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        spans.append(tuple(map(float, out.split())))
    (a0, a1), (b0, b1) = spans
    assert a0 < b1 and b0 < a1, f"the writers did not overlap: {spans}"
    data = json.loads((sdir / "state.json").read_bytes())
    # the last writer wins: the file holds one of the positions that were written, whole
    written = {str(p) for p in all_positions(3)}
    assert set(data["progress"].values()) <= written and data["progress"]
    # saves are read-change-write under a lock: neither writer's last save was undone
    if show_ids[0] != show_ids[1]:
        positions = all_positions(3)
        last = {show: str(positions[((saves - 1) * 7 + i) % len(positions)])
                for i, show in enumerate(show_ids)}
        assert data["progress"] == last, (data, last)
    assert [p.name for p in sdir.iterdir()] == ["state.json"], "temp files left behind"
    assert state.load_progress(show_ids[0], 3).warning is None
    assert reads >= 20, f"only {reads} reads happened during {time.perf_counter() - start:.1f}s of writes"


# --- what is written to disk holds no story -------------------------------------------------

def test_the_state_file_holds_positions_and_settings_only(sdir, capsys):
    """Saved files are a spoiler surface too: after moves and a theme, only ids, positions
    and the theme name are in the file — no name, title or fact of the pack."""
    from runaway_companion.pack import load_pack
    from leakcheck import dated_items

    for value in ("1:end", "3:late", "2:mid"):
        assert main(["progress", value, "--pack", str(MINI)]) == 0
    state.save_setting("theme", "nord")
    data = json.loads((sdir / "state.json").read_text())
    assert data == {"version": 1, "progress": {"mini": "2:mid"}, "theme": "nord"}
    raw = (sdir / "state.json").read_text()
    assert not [i.text for i in dated_items(load_pack(MINI)) if i.text in raw]


def test_the_package_writes_no_log():
    """No log file anywhere: the only files written are the state file and screenshots
    (the one logging call tunes aiohttp's access log in `serve`, which writes no file)."""
    root = Path(__file__).resolve().parent.parent / "runaway_companion"
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "FileHandler" not in text and "basicConfig" not in text, path
        assert "logging" not in text or path.name == "serve.py", path


def test_a_fifo_as_the_state_file_is_refused_without_blocking(sdir):
    import subprocess
    import sys

    os.mkfifo(sdir / "state.json")
    code = ("from runaway_companion import state; from runaway_companion.progress import Position; "
            "print(state.load_progress('mini', 3).warning); "
            "print(state.save_progress('mini', Position(2, 'end')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=20, env={**os.environ, "COMPANION_STATE_DIR": str(sdir)})
    assert proc.returncode == 0, proc.stderr
    loaded, saved = proc.stdout.splitlines()
    assert "not a regular file" in loaded
    assert "could not save" in saved


def test_a_saved_position_with_non_ascii_digits_is_damage_not_a_position(sdir):
    (sdir / "state.json").write_text(json.dumps({"version": 1, "progress": {"mini": "８:end"}}))
    _loads_at_start_with_one_warning(state.load_progress("mini", 3))
