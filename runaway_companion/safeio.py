"""Reading a file that someone else may have made: only a regular file, size-checked before a
byte is read, never a blocking open, and (where a folder is given) never through a link that
leaves that folder. Used for pack files and the parse cache; and the one list of characters a pack's text may not
hold (:func:`unsafe_char`). Headless, no third-party imports.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path


class UnsafeFile(Exception):
    """The file is not one to read: ``what`` says why, ``fix`` what to do (one line each)."""

    def __init__(self, what: str, fix: str, kind: str) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix
        self.kind = kind  # "link-out", "not-regular" or "too-large"


def _nonblocking(name, flags):
    # a FIFO swapped in after the check below still cannot make the open hang
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


def read_regular(path: Path, limit: int, within: Path | None = None) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them. Raises FileNotFoundError, OSError, or
    :class:`UnsafeFile` (not a regular file, larger than ``limit``, a link out of ``within``)."""
    if within is not None and os.path.islink(path):
        target = Path(os.path.realpath(path))
        home = Path(os.path.realpath(within))
        if home != target and home not in target.parents:
            raise UnsafeFile(f"is a link to {target}, outside the pack folder",
                             "copy the file into the pack folder instead of linking to it",
                             "link-out")
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile("is not a regular file (a folder, a FIFO or a device)",
                         "replace it with an ordinary file", "not-regular")
    if st.st_size > limit:
        raise UnsafeFile(f"file is larger than {limit:,} bytes",
                         "split it or remove what is not needed", "too-large")
    with open(path, "rb", opener=_nonblocking) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise UnsafeFile("is not a regular file (a folder, a FIFO or a device)",
                             "replace it with an ordinary file", "not-regular")
        # in chunks (a single read(limit) allocates the whole limit up front)
        chunks, total = [], 0
        while total <= limit:
            chunk = fh.read(min(max(st.st_size - total, 65535) + 1, limit + 1 - total, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        raw = b"".join(chunks)
    if len(raw) > limit:  # it grew since the check
        raise UnsafeFile(f"file is larger than {limit:,} bytes",
                         "split it or remove what is not needed", "too-large")
    return raw


# Characters a pack's text may not hold: C0 controls but tab and line feed (ESC starts every
# terminal escape: OSC 52 clipboard writes, OSC 8 links, title changes, CSI clears…; CR and
# backspace overwrite what was printed), DEL, the C1 controls (CSI, OSC, DCS as one code
# point), and the bidi embeddings, overrides and isolates (text that reads other than it is).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unsafe_char(text: str) -> str | None:
    """The first character of ``text`` that must never reach a terminal, escaped; else None."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    return found.group().encode("unicode_escape").decode("ascii")


def write_atomic(target: Path, text: str, durable: bool = True) -> str | None:
    """Write ``text`` to ``target`` whole or not at all: a temp file in the same folder (made
    if needed), fsync'd (``durable``), then ``os.replace``. One line saying what failed, or
    None. A reader only ever sees the old file or the new one."""
    import tempfile

    target = Path(target)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        shown = str(target).replace("\n", " ")[:300]
        return f"could not write {shown} ({exc.strerror or exc})"
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return None
