"""Saved progress (and small settings such as the theme), per user, written atomically.

The state file is JSON: ``{"version": 1, "progress": {"<show id>": "6:late"}, "theme": "…"}``.
A missing, corrupt or unwritable file never crashes anything: reads fall back to episode 1,
not started, with one warning; failed writes warn and the app keeps working.
"""
from __future__ import annotations

import errno
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from runaway_companion.progress import Position, PositionError

ENV_VAR = "COMPANION_STATE_DIR"
FILENAME = "state.json"
START = Position(1, "start")
MAX_STATE_BYTES = 1_000_000
DAMAGED_SUFFIX = ".damaged"  # a damaged state file is kept beside the new one, never lost


def state_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    from platformdirs import user_state_dir

    return Path(user_state_dir("companion", appauthor=False))


def state_path() -> Path:
    return state_dir() / FILENAME


class Loaded(NamedTuple):
    position: Position
    saved: bool  # False when nothing (usable) was saved: first launch
    warning: str | None = None


class _Read(NamedTuple):
    data: dict
    warning: str | None = None
    # what a save may do with the file there now: "write" (nothing there, or ours and whole),
    # "keep-aside" (readable but damaged: moved aside first, never lost), "leave" (it could not
    # be read at all — unreadable, not a regular file —: a save must not replace it)
    on_save: str = "write"


def _read() -> _Read:
    from runaway_companion.safeio import UnsafeFile, read_regular

    path = state_path()
    aside = f" (the next save keeps it as {path.name}{DAMAGED_SUFFIX})"
    try:  # a regular file only, size-checked first, never a blocking open (a FIFO would hang)
        raw = read_regular(path, MAX_STATE_BYTES)
    except FileNotFoundError:
        return _Read({})
    except UnsafeFile as exc:
        if exc.kind == "too-large":
            return _Read({}, f"saved progress at {path} is too large to be ours; starting from "
                             f"episode 1{aside}", "keep-aside")
        return _Read({}, f"saved progress at {path} is not a regular file (a folder, a FIFO or "
                         "a device); starting from episode 1", "leave")
    except NotADirectoryError as exc:  # nothing there; a save reports its own failure
        return _Read({}, f"cannot read saved progress at {path} ({exc.strerror}); starting "
                         "from episode 1")
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link loop holds nothing of the user's: a save may replace it
            return _Read({}, f"saved progress at {path} is a symbolic link loop; starting from "
                             "episode 1")
        return _Read({}, f"cannot read saved progress at {path} ({exc.strerror}); starting "
                         "from episode 1", "leave")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[… nested
        return _Read({}, f"saved progress at {path} is damaged; starting from episode 1{aside}",
                     "keep-aside")
    if not isinstance(data, dict):
        return _Read({}, f"saved progress at {path} is not in the expected shape; starting "
                         f"from episode 1{aside}", "keep-aside")
    return _Read(data)


def load_progress(show_id: str, episodes: int | None = None) -> Loaded:
    data, warning, _on_save = _read()
    if warning:
        return Loaded(START, False, warning)
    progress = data.get("progress", {})
    if not isinstance(progress, dict):
        return Loaded(START, False, f"saved progress at {state_path()} is not in the expected shape; "
                                    "starting from episode 1")
    if show_id not in progress:
        return Loaded(START, False, None)
    try:
        value = progress[show_id]
        if not isinstance(value, str):
            raise PositionError("not text")
        position = Position.parse(value)
        if episodes is not None:
            position.check_within(episodes)
    except PositionError:
        return Loaded(START, False, f"saved progress {progress[show_id]!r} is not a position in this "
                                    "show; starting from episode 1")
    return Loaded(position, True, None)


def _write(data: dict, durable: bool = True) -> str | None:
    """Atomic write: a temp file in the same folder, then os.replace. Returns a warning or None.

    ``durable``: fsync the data before the rename (the default). The TUI writes with
    ``durable=False`` on its event loop and calls :func:`sync` from a background thread just
    after, so a key press never waits for the disk; readers still only ever see a whole file.
    """
    path = state_path()
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only a save needs it (~4 ms of every start otherwise)

        fd, tmp_name = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        return f"could not save progress to {path} ({exc.strerror or exc})"
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return None


@contextmanager
def _locked():
    """Hold an exclusive lock on the state folder while reading, changing and rewriting the
    file, so two processes (two browser tabs of ``companion serve``, a CLI and the TUI) never
    lose each other's change. (The folder, not the file: the file is replaced on every save.)
    Best effort: no lock where one cannot be had (no fcntl, no folder yet and none can be made)
    — the write itself still reports its own failure."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder = state_path().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # pragma: no cover - a filesystem without locks
            pass
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _update(mutate, durable: bool = True) -> str | None:
    with _locked():
        data, _warning, on_save = _read()
        path = state_path()
        if on_save == "leave":
            return (f"could not save progress: {path} could not be read, so it was left as it "
                    "is (move it away or fix its permissions)")
        if on_save == "keep-aside":
            try:
                os.replace(path, path.with_name(path.name + DAMAGED_SUFFIX))
            except OSError as exc:
                return (f"could not save progress: the damaged {path} could not be kept aside "
                        f"({exc.strerror or exc}), so it was left as it is")
        if not isinstance(data.get("progress"), dict):
            data["progress"] = {}
        data["version"] = 1
        mutate(data)
        return _write(data, durable)


def save_progress(show_id: str, position: Position, durable: bool = True) -> str | None:
    """Save; returns a warning line if it could not be saved (never raises for I/O).

    ``durable=False``: don't wait for the disk (see :func:`_write`); call :func:`sync` after.
    """
    return _update(lambda d: d["progress"].__setitem__(show_id, str(position)), durable)


def sync() -> None:
    """fsync the state file and its folder: makes earlier ``durable=False`` writes durable.
    Never raises (a missing file or folder has nothing to sync)."""
    path = state_path()
    for target, flags in ((path, os.O_RDONLY), (path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))):
        try:
            fd = os.open(target, flags)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def load_setting(name: str) -> str | None:
    data = _read().data
    value = data.get(name)
    return value if isinstance(value, str) else None


def save_setting(name: str, value: str) -> str | None:
    return _update(lambda d: d.__setitem__(name, value))


class ProgressSaver:
    """Saves one show's position off the viewer's clock: coalesced, then made durable.

    :meth:`request` records the position to save and says whether a write must be scheduled
    (the TUI runs :meth:`flush` just after the frame that shows a move, so several moves before
    then are one write). ``flush(durable=False)`` replaces the file atomically without waiting
    for the disk and queues its fsync in a background thread (one queued at a time: a later
    one covers every earlier write). ``flush()`` (durable, on quit) writes what is left with an
    fsync and waits for the queued ones. Each returns a warning line, or None.
    """

    def __init__(self, show_id: str) -> None:
        self.show_id = show_id
        self._unsaved: Position | None = None
        self._scheduled = False
        self._syncer = None  # a one-thread executor for fsyncs, made on first need
        self._sync_queued = False

    @property
    def pending(self) -> Position | None:
        """A position requested but not written yet."""
        return self._unsaved

    def request(self, position: Position) -> bool:
        """Remember ``position``; True when the caller should schedule a :meth:`flush`."""
        self._unsaved = position
        if self._scheduled:
            return False
        self._scheduled = True
        return True

    def flush(self, durable: bool = True) -> str | None:
        """Write a position not saved yet (nothing to do when everything is saved)."""
        self._scheduled = False
        position, self._unsaved = self._unsaved, None
        warning = None
        if position is not None:
            warning = save_progress(self.show_id, position, durable=durable)
            if not warning and not durable:
                self._sync_soon()
        if durable:
            self.close()
        return warning

    def close(self) -> None:
        """Wait for every queued fsync (earlier writes become durable)."""
        syncer, self._syncer = self._syncer, None
        if syncer is not None:
            syncer.shutdown(wait=True)

    def _sync_soon(self) -> None:
        if self._sync_queued:
            return  # the queued one runs after this write: it covers it
        if self._syncer is None:
            from concurrent.futures import ThreadPoolExecutor

            self._syncer = ThreadPoolExecutor(1, thread_name_prefix="companion-fsync")
        self._sync_queued = True
        self._syncer.submit(self._sync)

    def _sync(self) -> None:  # in the fsync thread
        self._sync_queued = False  # a write after this line queues another sync
        sync()
