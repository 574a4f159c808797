"""Saved progress, per user, written atomically.

The state file is JSON: ``{"version": 1, "progress": {"<show id>": "6:late"}}``. (Older versions
also kept the theme here; it lives in the config file now — runaway_companion/config.py moves
it there once, with :func:`load_setting` and :func:`drop_setting`.)
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


PROFILE_ENV = "COMPANION_PROFILE"
DEFAULT_PROFILE = "default"
PROFILES_DIR = "profiles"  # state_dir()/profiles/NAME.json; the default profile keeps state.json
_PROFILE_RE = __import__("re").compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class ProfileError(ValueError):
    """A profile name that is not a plain name (no paths, no dots, 32 characters at most)."""


def check_profile(name: str) -> str:
    """The profile name, lowercased, or ProfileError: letters, digits, '-' and '_' only, so a
    name can never reach outside the state folder ("../x", "a/b", ".", "") ."""
    cleaned = str(name).strip().lower()
    if not (cleaned.isascii() and _PROFILE_RE.match(cleaned)):
        from runaway_companion.progress import one_line

        raise ProfileError(f"'{one_line(str(name))[:40]}' is not a profile name — use up to 32 "
                           "letters, digits, '-' or '_', e.g. ana")
    return cleaned


def current_profile() -> str:
    """The profile in use: ``--profile`` (which sets the variable) or $COMPANION_PROFILE."""
    return check_profile(os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE)


def profile_path(name: str) -> Path:
    name = check_profile(name)
    if name == DEFAULT_PROFILE:
        return state_dir() / FILENAME  # unchanged from before profiles: nothing to migrate
    return state_dir() / PROFILES_DIR / f"{name}.json"


def state_path() -> Path:
    return profile_path(current_profile())


def profiles() -> list[str]:
    """Every profile with a saved file, the default first (listed even when nothing is saved)."""
    names = [DEFAULT_PROFILE]
    try:
        found = sorted(p.stem for p in (state_dir() / PROFILES_DIR).glob("*.json"))
    except OSError:
        found = []
    names += [n for n in found if _PROFILE_RE.match(n) and n != DEFAULT_PROFILE]
    return names


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


def _read(path: Path | None = None) -> _Read:
    from runaway_companion.safeio import UnsafeFile, read_regular

    path = state_path() if path is None else path
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


def load_progress(show_id: str, episodes: int | None = None, profile: str | None = None) -> Loaded:
    """The saved position in ``show_id`` (of ``profile``; default: the profile in use)."""
    path = profile_path(profile) if profile is not None else state_path()
    data, warning, _on_save = _read(path)
    if warning:
        return Loaded(START, False, warning)
    progress = data.get("progress", {})
    if not isinstance(progress, dict):
        return Loaded(START, False, f"saved progress at {path} is not in the expected shape; "
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


def _write(data: dict, durable: bool = True, path: Path | None = None) -> str | None:
    """Atomic write: a temp file in the same folder, then os.replace. Returns a warning or None.

    ``durable``: fsync the data before the rename (the default). The TUI writes with
    ``durable=False`` on its event loop and calls :func:`sync` from a background thread just
    after, so a key press never waits for the disk; readers still only ever see a whole file.
    """
    path = state_path() if path is None else path
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
def _locked(path: Path | None = None):
    """Hold an exclusive lock on the state folder while reading, changing and rewriting the
    file, so two processes (two browser tabs of ``companion serve``, a CLI and the TUI) never
    lose each other's change. (The folder, not the file: the file is replaced on every save.)
    Best effort: no lock where one cannot be had (no folder yet and none can be made) — the
    write itself still reports its own failure. Without fcntl (Windows), a lock file."""
    try:
        import fcntl
    except ImportError:  # Windows: tests force this path on Linux too
        with _lock_file((state_path() if path is None else path).parent):
            yield
        return
    folder = (state_path() if path is None else path).parent
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


LOCK_FILE = ".state.lock"
LOCK_STALE_SECONDS = 10.0  # a save holds the lock for milliseconds: older, its holder died


@contextmanager
def _lock_file(folder: Path, wait: float = 5.0):
    """The lock where there is no fcntl: a file in the state folder that only one process can
    create (O_EXCL, atomic on every platform), removed when the save is done. One older than
    LOCK_STALE_SECONDS was left by a process that died and is taken over; after ``wait``
    seconds a save goes ahead regardless (best effort, like the fcntl lock)."""
    import time

    path = folder / LOCK_FILE
    deadline = time.monotonic() + wait
    held = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    while not held:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            try:
                age = time.time() - os.stat(path).st_mtime
            except FileNotFoundError:
                continue  # just released: try again
            except OSError:
                break
            if age > LOCK_STALE_SECONDS or time.monotonic() > deadline:
                if time.monotonic() > deadline + wait:
                    break  # taken again and again: go ahead without it
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
                except OSError:
                    break
                continue
            time.sleep(0.005)
        except OSError:  # a read-only or missing folder: the write reports its own failure
            break
        else:
            held = True
            try:  # who holds it, for a person looking; the lock is the file itself
                os.write(fd, f"{os.getpid()}\n".encode())
                os.close(fd)
            except OSError:
                pass
    try:
        yield
    finally:
        if held:
            try:
                os.unlink(path)
            except OSError:
                pass


def _update(mutate, durable: bool = True, path: Path | None = None) -> str | None:
    path = state_path() if path is None else path
    with _locked(path):
        data, _warning, on_save = _read(path)
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
        return _write(data, durable, path)


def save_progress(show_id: str, position: Position, durable: bool = True,
                  profile: str | None = None) -> str | None:
    """Save; returns a warning line if it could not be saved (never raises for I/O).

    ``durable=False``: don't wait for the disk (see :func:`_write`); call :func:`sync` after.
    ``profile``: another profile's file than the one in use (watching together).
    """
    path = profile_path(profile) if profile is not None else None
    return _update(lambda d: d["progress"].__setitem__(show_id, str(position)), durable, path)


def sync(profile: str | None = None) -> None:
    """fsync the state file (of ``profile``; default: the profile in use) and its folder: makes
    earlier ``durable=False`` writes durable. Never raises (a missing file has nothing to sync)."""
    path = profile_path(profile) if profile is not None else state_path()
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


def drop_setting(name: str) -> str | None:
    """Remove a setting from the state file (nothing to do when it is not there)."""
    if name not in _read().data:
        return None
    return _update(lambda d: d.pop(name, None))


class ProgressSaver:
    """Saves one show's position off the viewer's clock: coalesced, then made durable.

    :meth:`request` records the position to save and says whether a write must be scheduled
    (the TUI runs :meth:`flush` just after the frame that shows a move, so several moves before
    then are one write). ``flush(durable=False)`` replaces the file atomically without waiting
    for the disk and queues its fsync in a background thread (one queued at a time: a later
    one covers every earlier write). ``flush()`` (durable, on quit) writes what is left with an
    fsync and waits for the queued ones. Each returns a warning line, or None.
    """

    def __init__(self, show_id: str, profile: str | None = None) -> None:
        self.show_id = show_id
        self.profile = profile  # whose file (None: the profile in use)
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
            warning = save_progress(self.show_id, position, durable=durable, profile=self.profile)
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
        sync() if self.profile is None else sync(self.profile)
