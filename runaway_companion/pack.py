"""Load a pack from YAML into the model, reporting every problem as ``file:line: what — fix``.

The loader never raises anything but :class:`PackError` for a bad pack, and collects every
problem it can find in one run.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from runaway_companion import gcpolicy
from runaway_companion.model import Pack
from runaway_companion.packbuild import build_pack
from runaway_companion.packcheck import FILES, ID_RE
from runaway_companion.progress import one_line
from runaway_companion.safeio import UnsafeFile, read_regular
from runaway_companion.yamltree import (MAX_BYTES, MAX_DEPTH, MAX_NODES, PackError, Problem,
                                        YList, YMap, parse_yaml)

__all__ = ["FILES", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "PackError", "Problem", "YList", "YMap",
           "build_pack", "default_pack_dir", "load_pack", "parse_yaml", "shipped_pack",
           "shipped_text", "validate"]


def default_pack_dir() -> Path:
    """The shipped *Run Away* pack: inside the installed package, or data/ in a checkout."""
    return _shipped_root() / "run-away"


def _shipped_root() -> Path:
    """The folder the shipped packs are in. A normal install or a checkout has it on disk; from
    a zip (a zipapp, a pex) it is a folder inside the archive, read through importlib.resources."""
    # find_spec first, not importlib.resources.files: the same folder, without importing
    # importlib.resources (tempfile, zipfile, shutil…: ~10 ms on every start)
    from importlib.util import find_spec

    try:
        spec = find_spec("runaway_companion.packs")
    except (ModuleNotFoundError, ValueError):  # pragma: no cover - plain checkout
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        if (Path(location) / "run-away" / "show.yaml").is_file():
            return Path(location)
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "run-away" / "show.yaml").is_file() or spec is None:
        return checkout
    return _zipped_root() or checkout


# The shipped-pack folders that live inside an archive: the path shown for each (the archive's
# path and the folder in it), and the importlib.resources Traversable that reads it.
_ZIPPED: dict[str, Any] = {}


def _zipped_root() -> Path | None:
    from importlib.resources import files

    try:
        root = files("runaway_companion.packs")
        if not (root / "run-away" / "show.yaml").is_file():
            return None
    except (ModuleNotFoundError, OSError, ValueError, TypeError):  # pragma: no cover
        return None
    shown = Path(str(root))
    _ZIPPED[str(shown)] = root
    return shown


def _in_archive(path: Path) -> Any:
    """The Traversable behind a shipped pack's folder inside an archive; None on disk."""
    root = _ZIPPED.get(str(path.parent))
    return None if root is None else root / path.name


def shipped_pack(name: str) -> Path | None:
    """The folder of a pack shipped with the companion by its name ("run-away", "example"),
    so ``--pack example`` works from any directory; None if there is none of that name."""
    if not ID_RE.match(name):
        return None
    candidate = default_pack_dir().parent / name
    zipped = _in_archive(candidate)
    if zipped is not None:
        return candidate if (zipped / "show.yaml").is_file() else None
    return candidate if (candidate / "show.yaml").is_file() else None


def shipped_text(pack: str, name: str) -> str:
    """One file of a shipped pack (``shipped_text("example", "show.yaml")``), on disk or inside
    an archive. Raises FileNotFoundError if there is no such pack or file."""
    folder = shipped_pack(pack)
    if folder is None or name not in FILES:
        raise FileNotFoundError(f"no shipped pack file {pack}/{name}")
    zipped = _in_archive(folder)
    source = zipped / name if zipped is not None else folder / name
    return source.read_text(encoding="utf-8")


_CACHE: dict[tuple[str, tuple[float, ...]], Pack] = {}


def load_pack(directory: str | Path | None = None, *, parse_cache: bool = True) -> Pack:
    """Load and validate a pack (once per process per unchanged folder). Raises PackError.

    The shipped pack's parse is kept between runs (:mod:`runaway_companion.parsecache`) unless
    ``parse_cache`` is False; validation always runs.
    """
    path = Path(directory) if directory is not None else default_pack_dir()
    try:
        if not path.is_dir() and directory is not None:
            path = shipped_pack(str(directory)) or path
        zipped = _in_archive(path)
        found = path.is_dir() or zipped is not None
    except OSError as exc:  # a 5,000-character path, a folder without permission…
        raise PackError([Problem(one_line(str(path))[:200], 0,
                                 f"pack folder cannot be read ({exc.strerror or exc})",
                                 "give a shorter, readable folder path")]) from None
    if not found:
        raise PackError([Problem(str(path), 0, "pack folder not found",
                                 "give a folder holding " + ", ".join(FILES)
                                 + ", or the name of a shipped pack (run-away, example)")])
    try:
        stamp = () if zipped is not None else tuple(
            (path / name).stat().st_mtime_ns if (path / name).exists() else -1 for name in FILES
        )
    except OSError:
        stamp = ()
    cache_key = (str(path.resolve()), stamp)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    # (not from an archive: the parse cache's key needs the parser's source file)
    cacheable = parse_cache and zipped is None and (
        directory is None or path.resolve() == default_pack_dir().resolve())
    # Loading makes hundreds of thousands of small objects and no garbage cycles; with the
    # cyclic GC running, its collections over the growing heap cost more than the load itself
    # (3× on the real pack, 5× at 100×). Paused only for the load, restored even on errors.
    with gcpolicy.paused():
        return _load_uncached(path, cache_key, cacheable, zipped)


def _load_uncached(path: Path, cache_key: tuple, cacheable: bool, zipped: Any = None) -> Pack:
    raws: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in FILES:
        file_path = path / name
        shown = str(file_path)
        try:
            if zipped is not None:  # a shipped pack inside an archive (zipapp): its own bytes
                raws[name] = (zipped / name).read_bytes()
                if len(raws[name]) > MAX_BYTES:
                    raise UnsafeFile("file is larger than 2 MB", "split or shorten it", "too-large")
                continue
            # a regular file inside the pack folder, its size checked before it is read (a FIFO
            # would hang, /dev/zero or a sparse 4 GB file would fill memory)
            raws[name] = read_regular(file_path, MAX_BYTES, within=path)
        except UnsafeFile as exc:
            problems.append(Problem(shown, 1, exc.what, exc.fix))
        except FileNotFoundError:
            problems.append(Problem(shown, 1, "file is missing", f"create {name} (see data/README.md)"))
        except OSError as exc:
            problems.append(Problem(shown, 1, f"cannot read file ({exc.strerror})",
                                    "check the file's permissions"))
    docs: dict[str, Any] | None = None
    if cacheable and not problems:
        from runaway_companion import parsecache

        key = parsecache.key_of(raws)
        docs = parsecache.read(path.name, key)
        if docs is not None and set(docs) != set(FILES):
            docs = None
    fresh = docs is None
    if docs is None:
        docs = {}
        for name, raw in raws.items():
            doc, errs = parse_yaml(raw, str(path / name))
            problems.extend(errs)
            docs[name] = doc
        if problems:
            raise PackError(problems)
    pack = build_pack(docs, path)
    if cacheable and fresh:
        parsecache.write(path.name, key, docs)
    _CACHE.clear()
    _CACHE[cache_key] = pack
    return pack


def validate(directory: str | Path | None = None) -> list[Problem]:
    """Every problem of a pack (empty list when it is good)."""
    try:
        load_pack(directory, parse_cache=False)
    except PackError as exc:
        return exc.problems
    return []
