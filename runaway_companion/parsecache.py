"""A per-user cache of the shipped pack's *parse*, so a start needs neither PyYAML nor a parse.

Parsing the five YAML files is the largest part of every start (~20 ms, plus ~10 ms to import
PyYAML). What is cached is only the parser's output — the line-numbered ``YMap``/``YList``
trees — never a validated or filtered result: :func:`runaway_companion.pack.build_pack` validates and
builds the model from a cached parse exactly as from a fresh one, on every start.

The cache is keyed by a BLAKE2b hash over the five files' bytes, ``runaway_companion/yamltree.py`` (the
parser) and PyYAML's version, so an edited pack, a new companion or a new PyYAML is a miss.
It is JSON (no pickle or marshal: a damaged or hostile file can only be refused), written
atomically, and any doubt about it — unreadable, damaged, another key, a shape this decoder does
not expect — is a miss and a fresh parse. Only the shipped pack is cached (one small file); a
pack given with ``--pack`` is parsed every time, as ``companion validate`` always parses.

``COMPANION_CACHE_DIR`` moves the cache; ``COMPANION_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

ENV_DIR = "COMPANION_CACHE_DIR"
ENV_OFF = "COMPANION_NO_CACHE"
FORMAT = 1
MAX_CACHE_BYTES = 8_000_000


class _Refused(Exception):
    """The cached data is not a parse this module wrote: parse the YAML instead."""


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip() not in ("1", "true", "yes")


def cache_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("companion", appauthor=False))


def cache_path(pack_id: str) -> Path:
    return cache_dir() / f"{pack_id}.parsed.json"


def key_of(raws: dict[str, bytes]) -> str:
    """The cache key: the pack's bytes, the parser's source and PyYAML's version."""
    from runaway_companion import yamltree as parser_module

    try:  # hashlib's own blake2b; importing hashlib loads OpenSSL (~3 ms of every start)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    digest = blake2b(f"companion-parse-cache {FORMAT}\n".encode())
    for name in sorted(raws):
        data = raws[name]
        digest.update(f"{name} {len(data)}\n".encode())
        digest.update(data)
    try:
        digest.update(Path(parser_module.__file__).read_bytes())
    except OSError:
        digest.update(b"no parser source")
    digest.update(_yaml_version().encode())
    return digest.hexdigest()


def _yaml_version() -> str:
    """PyYAML's version without importing it: its ``__init__.py`` size and mtime."""
    from importlib.util import find_spec

    try:
        spec = find_spec("yaml")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return "no yaml"
        st = os.stat(origin)
        return f"{origin} {st.st_size} {st.st_mtime_ns}"
    except (ImportError, ValueError, OSError):
        return "no yaml"


# ---------------------------------------------------------------------------------------------
# reading


def read(pack_id: str, key: str) -> dict[str, Any] | None:
    """The cached parse for ``key`` (file name → tree), or None on any doubt."""
    if not enabled():
        return None
    from runaway_companion.safeio import UnsafeFile, read_regular

    try:  # (a FIFO or a huge file here is a miss, never a hang)
        raw = read_regular(cache_path(pack_id), MAX_CACHE_BYTES)
    except (OSError, ValueError, UnsafeFile):
        return None
    # this module writes UTF-8 as is (ensure_ascii=False): a \uD800–\uDFFF escape is not ours,
    # and a lone surrogate would only fail later, when printed
    if _SURROGATE.search(raw):
        return None
    try:
        decoder = _Decoder()
        data = json.loads(raw, object_hook=decoder.node)
        del raw
        if type(data) is not dict or data.get("format") != FORMAT or data.get("key") != key:
            return None
        docs = data.get("docs")
        if type(docs) is not dict:
            return None
        for tree in docs.values():
            decoder.check_tree(tree)
        return docs
    except (ValueError, RecursionError, _Refused, TypeError, KeyError, IndexError):
        return None


_SCALARS = (str, int, float, bool, type(None))
_KEYS = (str, int, float, bool)
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


class _Decoder:
    """``json.loads``'s ``object_hook``: each ``{"m": …}``/``{"l": …}`` object becomes a
    ``YMap``/``YList`` as soon as it is read (its children already are), so the JSON's own
    lists and dicts never all exist at once (the read's peak memory was the JSON plus the
    trees: 2.7 MB, now 1.9 MB). Any other object stays a plain ``dict``, which no tree may
    hold: only the file's top level and its ``docs`` are plain objects. A tree deeper than the
    parser's ``MAX_DEPTH`` is refused, as the parser refuses it."""

    def __init__(self) -> None:
        from runaway_companion.yamltree import MAX_DEPTH, YList, YMap

        self.max_depth, self.YList, self.YMap = MAX_DEPTH, YList, YMap
        self.nodes = (YMap, YList)
        self.height: dict[int, int] = {}  # id(node) → levels of nodes below it

    def node(self, obj: dict) -> Any:
        if len(obj) != 1:
            return obj
        if "m" in obj:
            line, entries, dups = obj["m"]
            out = self.YMap()
            out.line = _int(line)
            key_lines: dict = {}
            out.key_lines = key_lines
            for key, value, key_line in entries:
                if not isinstance(key, _KEYS) or key in out:
                    raise _Refused("bad key")
                out[key] = value
                key_lines[key] = _int(key_line)
            if dups:
                out.duplicates = tuple((_key(k), _int(n)) for k, n in dups)
            children: Any = out.values()
        elif "l" in obj:
            line, values, lines = obj["l"]
            if type(values) is not list or len(values) != len(lines):
                raise _Refused("bad list")
            out = children = self.YList(values)
            out.line = _int(line)
            out.item_lines = [_int(n) for n in lines]
        else:
            return obj
        height, nodes = self.height, self.nodes
        below = 0
        for value in children:  # scalars, or nodes made here (each used once: JSON shares none)
            if type(value) in nodes:
                levels = height.pop(id(value))
                if levels >= below:
                    below = levels + 1
            elif not isinstance(value, _SCALARS):
                raise _Refused(f"unexpected {type(value).__name__}")
        if below > self.max_depth:
            raise _Refused("too deep")
        height[id(out)] = below
        return out

    def check_tree(self, tree: Any) -> None:
        """A document is a scalar or a node this decoder made, never a plain object."""
        if type(tree) not in self.nodes and not isinstance(tree, _SCALARS):
            raise _Refused(f"unexpected {type(tree).__name__}")


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Refused("bad line number")
    return value


def _key(value: Any) -> Any:
    if not isinstance(value, _KEYS):
        raise _Refused("bad key")
    return value


# ---------------------------------------------------------------------------------------------
# writing


def write(pack_id: str, key: str, docs: dict[str, Any]) -> None:
    """Keep ``docs`` (a fresh, valid parse) for the next start; silently skip on any failure."""
    if not enabled():
        return
    try:
        payload = json.dumps({"format": FORMAT, "key": key,
                              "docs": {name: _encode(tree) for name, tree in docs.items()}},
                             ensure_ascii=False, separators=(",", ":"))
    except (_Refused, ValueError, RecursionError):  # a date, bytes, a 5,000-digit int…
        return
    from runaway_companion.safeio import write_atomic

    # (a read-only cache folder only costs the next start a parse: a failure is not said)
    write_atomic(cache_path(pack_id), payload, durable=False)


def _encode(node: Any) -> Any:
    from runaway_companion.yamltree import YList, YMap

    if isinstance(node, YMap):
        return {"m": [node.line,
                      [[key, _encode(value), node.key_lines[key]] for key, value in node.items()],
                      [list(dup) for dup in node.duplicates]]}
    if isinstance(node, YList):
        return {"l": [node.line, [_encode(v) for v in node], list(node.item_lines)]}
    if isinstance(node, bool) or node is None or type(node) in (str, int, float):
        return node
    raise _Refused(f"cannot keep a {type(node).__name__}")
