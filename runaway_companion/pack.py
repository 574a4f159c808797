"""Load a pack from YAML into the model, reporting every problem as ``file:line: what — fix``.

The loader never raises anything but :class:`PackError` for a bad pack, and collects every
problem it can find in one run.
"""
from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any, Callable, NamedTuple

from runaway_companion.model import Character, Episode, Item, Pack, Relationship, Source, Thread
from runaway_companion.progress import CHECKPOINTS, REVEAL_CHECKPOINTS, Position, one_line
from runaway_companion.safeio import UnsafeFile, read_regular, unsafe_char

# PyYAML is imported on the first parse, not with this module: a start that finds the pack's
# parse in runaway_companion.parsecache never needs it (~10 ms of every start).
yaml: Any = None
_Loader: Any = None


def _import_yaml() -> None:
    global yaml, _Loader
    if yaml is None:
        import yaml as module

        try:  # PyYAML's C loader when present, else the pure one
            loader = module.CSafeLoader
        except AttributeError:  # pragma: no cover - depends on how PyYAML was built
            loader = module.SafeLoader
        yaml, _Loader = module, loader

FILES = ("show.yaml", "characters.yaml", "relationships.yaml", "threads.yaml", "sources.yaml")
MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 100_000
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_AT_RE = re.compile(r"^\s*(\d{1,9})\s*:\s*([a-z]+)\s*$")
MAX_EPISODES = 1000  # episode numbers beyond this are refused (gap checks list 1..N)
_DEEP = 1000  # nesting the C composer (recursive) handles quickly; beyond: check events first


class Problem(NamedTuple):
    file: str
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        # one line, always: a key or value quoted from the pack may hold line breaks
        return one_line(f"{self.file}:{self.line}: {self.what} — {self.fix}")


class PackError(Exception):
    """A pack that cannot be used. ``problems`` holds one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---------------------------------------------------------------------------------------
# YAML with line numbers


class YMap(dict):
    line: int = 1
    key_lines: dict
    duplicates: tuple = ()  # (key, line) of each repeated key; not a key, so no clash

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    line: int = 1
    item_lines: list


class _TooBig(Exception):
    pass


class _UnsafeText(Exception):
    """A text value holds a character that must never reach a terminal (see runaway_companion.safeio)."""

    def __init__(self, line: int, char: str) -> None:
        super().__init__(char)
        self.line, self.char = line, char


_STR_TAG = "tag:yaml.org,2002:str"


def _convert(node: yaml.Node, depth: int, budget: list[int],
             construct: Callable[..., Any]) -> Any:
    """A composed node as YMap/YList/scalars, counting nodes against MAX_NODES.

    ``construct`` turns a non-string scalar into its value (one SafeConstructor per document).
    """
    budget[0] += 1
    if budget[0] > MAX_NODES:
        raise _TooBig(f"more than {MAX_NODES:,} YAML nodes (alias expansion?)")
    if depth > MAX_DEPTH:
        raise _TooBig(f"nesting deeper than {MAX_DEPTH} levels")
    cls = type(node)
    if cls is yaml.ScalarNode or isinstance(node, yaml.ScalarNode):
        if node.tag == _STR_TAG:  # what SafeConstructor.construct_yaml_str returns
            value = node.value
            if not value.isprintable() and (bad := unsafe_char(value)) is not None:
                raise _UnsafeText(node.start_mark.line + 1, bad)
            return value
        try:
            return construct(node, deep=False)
        except Exception:  # noqa: BLE001 - PyYAML's scalar constructors raise YAMLError, and on
            # a malformed tagged scalar (!!int "", !!bool "", !!timestamp x, 5,000 digits)
            # IndexError, KeyError, AttributeError, ValueError: it stays text, validation says why
            return node.value
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.line = node.start_mark.line + 1
        key_lines: dict = {}
        out.key_lines = key_lines
        deeper = depth + 1
        for key_node, value_node in node.value:
            key = _convert(key_node, deeper, budget, construct)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in out:
                out.duplicates = (*out.duplicates, (key, key_node.start_mark.line + 1))
                continue
            out[key] = _convert(value_node, deeper, budget, construct)
            key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        deeper = depth + 1
        seq = YList([_convert(v, deeper, budget, construct) for v in node.value])
        seq.line = node.start_mark.line + 1
        seq.item_lines = [v.start_mark.line + 1 for v in node.value]
        return seq
    return node.value  # pragma: no cover - PyYAML has no other kind of node


def _too_deep(text: str | bytes) -> int | None:
    """The line where nesting passes MAX_DEPTH, if it might pass _DEEP; else None.

    A cheap over-estimate first (flow brackets still open, plus the longest line for block
    nesting); only a document that could be that deep gets its events read, stopping early.
    """
    _import_yaml()
    br = ("[", "{", "]", "}") if isinstance(text, str) else (b"[", b"{", b"]", b"}")
    lines = text.splitlines()
    bound = max(map(len, lines), default=0)
    depth = 0
    for line in lines:
        opens = line.count(br[0]) + line.count(br[1])
        if opens:
            bound = max(bound, depth + opens)
            depth = max(0, depth + opens - line.count(br[2]) - line.count(br[3]))
    if bound <= _DEEP:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # PyYAML >= 6.0.4 has a nesting limit of its own, met while scanning ahead (before any
        # event past depth MAX_DEPTH is yielded): that is still our "too deep", at our line
        if "nesting depth" in str(exc.problem or ""):
            return _flow_deep_line(lines, br) or ((exc.problem_mark.line + 1)
                                                  if exc.problem_mark else 1)
        return None  # composing reports it, with its line
    except (yaml.YAMLError, ValueError, UnicodeError):
        return None  # composing reports it, with its line
    return None


def _flow_deep_line(lines: list, br: tuple) -> int | None:
    """The first line where open flow brackets pass MAX_DEPTH (a bracket count, no parse)."""
    depth = 0
    for number, line in enumerate(lines, 1):
        for ch in (line if isinstance(line, str) else (line[i:i + 1] for i in range(len(line)))):
            if ch in (br[0], br[1]):
                depth += 1
                if depth > MAX_DEPTH:
                    return number
            elif ch in (br[2], br[3]):
                depth = max(0, depth - 1)
    return None


def parse_yaml(text: str | bytes, filename: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document into YMap/YList/scalars, or report why not."""
    _import_yaml()
    if len(text) > MAX_BYTES:
        return None, [Problem(filename, 1, f"file is larger than {MAX_BYTES:,} bytes",
                              "split it or remove what is not needed")]
    deep_line = _too_deep(text)
    if deep_line is not None:
        return None, [Problem(filename, deep_line, f"document too large: nesting deeper than "
                              f"{MAX_DEPTH} levels", "remove anchors/aliases and deep nesting")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(exc.problem or exc.context or "syntax error").split())
        return None, [Problem(filename, line, f"YAML syntax error: {what}",
                              "fix the YAML at that line (indentation, quotes, colons)")]
    except (yaml.YAMLError, ValueError, UnicodeError) as exc:
        what = " ".join(str(exc).split())[:200]
        return None, [Problem(filename, 1, f"YAML could not be read: {what}",
                              "save the file as UTF-8 YAML")]
    except RecursionError:
        return None, [Problem(filename, 1, "YAML nested too deeply", "flatten the document")]
    if node is None:
        return None, []
    try:
        return _convert(node, 0, [0], yaml.constructor.SafeConstructor().construct_object), []
    except _UnsafeText as exc:
        return None, [Problem(filename, exc.line, f"text holds the control character {exc.char} "
                              "(terminal escapes, overwrites and bidi overrides are refused)",
                              "remove it; write plain text")]
    except _TooBig as exc:
        return None, [Problem(filename, node.start_mark.line + 1, f"document too large: {exc}",
                              "remove anchors/aliases and deep nesting")]
    except RecursionError:
        return None, [Problem(filename, 1, "YAML nested too deeply", "flatten the document")]


# ---------------------------------------------------------------------------------------
# validation helpers


def _close_matches(word: str, options: Any, n: int = 1) -> list[str]:
    import difflib  # only a bad pack needs it

    return difflib.get_close_matches(word, options, n=n)


class _Ctx:
    def __init__(self, episodes: int | None):
        self.problems: list[Problem] = []
        self.episodes = episodes
        self.source_uses: dict[str, tuple[str, int]] = {}

    def add(self, file: str, line: int, what: str, fix: str) -> None:
        self.problems.append(Problem(file, line, what, fix))


def _keys(ctx: _Ctx, file: str, m: YMap, where: str, required: tuple[str, ...],
          optional: tuple[str, ...]) -> bool:
    ok = True
    for key, line in m.duplicates:
        ctx.add(file, line, f"{where}: key '{key}' given twice", "keep one of them")
    allowed = required + optional
    for key in m:
        if key not in allowed:
            close = _close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
            ctx.add(file, m.line_of(key), f"{where}: unknown key '{key}'", hint)
    for key in required:
        if key not in m or m[key] is None:
            ctx.add(file, m.line, f"{where}: missing required field '{key}'", f"add '{key}:'")
            ok = False
    return ok


def _is_map(ctx: _Ctx, file: str, value: Any, line: int, where: str) -> bool:
    if isinstance(value, YMap):
        return True
    ctx.add(file, getattr(value, "line", line), f"{where} must be a mapping (key: value), "
            f"not {_typename(value)}", "write it as 'key: value' lines")
    return False


def _list(ctx: _Ctx, file: str, value: Any, line: int, where: str) -> YList:
    if value is None:
        return YList()
    if isinstance(value, YList):
        return value
    ctx.add(file, getattr(value, "line", line), f"{where} must be a list, not {_typename(value)}",
            "write each entry on its own '- ' line")
    return YList()


def _typename(value: Any) -> str:
    return {YMap: "a mapping", YList: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "empty"}.get(type(value), type(value).__name__)


def _text(ctx: _Ctx, file: str, m: YMap, key: str, where: str) -> str | None:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        ctx.add(file, m.line_of(key), f"{where}: '{key}' must be text, not {_typename(value)}",
                f"write {key}: \"…\"")
        return None
    text = str(value).strip()
    if not text:
        ctx.add(file, m.line_of(key), f"{where}: '{key}' is empty", "write the text or remove the entry")
        return None
    if len(text) > 2000:
        ctx.add(file, m.line_of(key), f"{where}: '{key}' is longer than 2,000 characters",
                "shorten it")
        return None
    return text


def parse_at(ctx: _Ctx, file: str, value: Any, line: int, where: str) -> Position | None:
    if not isinstance(value, str) or not _AT_RE.match(value):
        ctx.add(file, line, f"{where}: reveal point {value!r} is malformed",
                'write at: "EPISODE:CHECKPOINT", e.g. at: "6:late" (early, mid, late or end)')
        return None
    ep_text, cp = _AT_RE.match(value).groups()  # type: ignore[union-attr]
    episode = int(ep_text)
    if cp not in REVEAL_CHECKPOINTS:
        fix = ("nothing is revealed at a start: use the previous episode's end or 'early'"
               if cp == "start" else f"use one of {', '.join(REVEAL_CHECKPOINTS)}")
        ctx.add(file, line, f"{where}: '{cp}' is not a reveal checkpoint", fix)
        return None
    if episode < 1 or (ctx.episodes is not None and episode > ctx.episodes):
        ctx.add(file, line, f"{where}: episode {episode} is out of range",
                f"use an episode from 1 to {ctx.episodes}")
        return None
    return Position(episode, cp)


def _sources(ctx: _Ctx, file: str, m: YMap, where: str) -> tuple[str, ...]:
    value = m.get("sources")
    line = m.line_of("sources")
    if isinstance(value, str):
        value = YList([value])
    if not isinstance(value, list) or not value:
        ctx.add(file, line, f"{where}: needs at least one source key",
                "add sources: [KEY] with a key from sources.yaml")
        return ()
    keys = []
    for key in value:
        if not isinstance(key, str) or not key.strip():
            ctx.add(file, line, f"{where}: source key {key!r} is not text", "write the key, e.g. S01")
            continue
        keys.append(key.strip())
        ctx.source_uses.setdefault(key.strip(), (file, line))
    return tuple(keys)


def _item(ctx: _Ctx, file: str, m: Any, line: int, where: str, field: str,
          kinds: tuple[str, ...] = (), *, at_value: Position | None = None,
          at_given: bool = False) -> Item | None:
    """A dated entry: {FIELD: text, at: "E:cp", sources: [...], confidence?, kind?}."""
    if not _is_map(ctx, file, m, line, where):
        return None
    optional = ("confidence",) + (("kind",) if kinds else ()) + (("at",) if at_given else ())
    required = (field, "sources") if at_value is not None else (field, "at", "sources")
    if not _keys(ctx, file, m, where, required, optional):
        # still check what is there, so all problems surface in one run
        pass
    text = _text(ctx, file, m, field, where) if m.get(field) is not None else None
    at = at_value
    if at_value is None and m.get("at") is not None:
        at = parse_at(ctx, file, m["at"], m.line_of("at"), where)
    sources = _sources(ctx, file, m, where) if "sources" in m else ()
    confidence = m.get("confidence", "high")
    if confidence not in ("high", "low"):
        ctx.add(file, m.line_of("confidence"), f"{where}: confidence {confidence!r} is not known",
                "use confidence: low (or leave it out for high)")
        confidence = "high"
    kind = ""
    if kinds:
        kind = m.get("kind", kinds[0])
        if kind not in kinds:
            ctx.add(file, m.line_of("kind"), f"{where}: kind {kind!r} is not known",
                    f"use one of {', '.join(kinds)}")
            kind = kinds[0]
    if text is None or at is None or not sources:
        return None
    return Item(at=at, text=text, sources=sources, confidence=confidence, kind=kind)


def _items(ctx: _Ctx, file: str, parent: YMap, key: str, where: str, field: str,
           kinds: tuple[str, ...] = (), ordered: bool = False) -> tuple[Item, ...]:
    seq = _list(ctx, file, parent.get(key), parent.line_of(key), f"{where}: '{key}'")
    out: list[Item] = []
    last: Item | None = None
    for i, entry in enumerate(seq):
        line = seq.item_lines[i] if i < len(seq.item_lines) else seq.line
        item = _item(ctx, file, entry, line, f"{where} {key}[{i + 1}]", field, kinds)
        if item is None:
            continue
        if ordered and last is not None and item.at_key < last.at_key:
            ctx.add(file, line, f"{where}: {key} out of order — {item.at} comes after {last.at}",
                    f"list {key} in the order they are revealed")
        last = item
        out.append(item)
    return tuple(out)


def _not_before(ctx: _Ctx, file: str, line: int, item: Item | None, floor: Position | None,
                what: str, fix: str) -> None:
    if item is not None and floor is not None and item.at < floor:
        ctx.add(file, line, f"{what} at {item.at}, before {fix}", f"move it to {floor} or later")


def _line_of_item(seq: Any, index: int, default: int) -> int:
    lines = getattr(seq, "item_lines", None)
    return lines[index] if lines and index < len(lines) else default


# ---------------------------------------------------------------------------------------
# the pack


def _own_id(ctx: _Ctx, file: str, node: Any, where: str, kind: str, taken: Any,
            example: str = "") -> str | None:
    """``node``'s id when it is a simple id not in ``taken``; else None, with the problem said."""
    ident = node.get("id")
    if ident is None:
        return None
    if not isinstance(ident, str) or not ID_RE.match(ident):
        ctx.add(file, node.line_of("id"), f"{where}: id {ident!r} is not a simple id",
                "use lowercase letters, digits and '-'" + example)
        return None
    if ident in taken:
        ctx.add(file, node.line_of("id"), f"duplicate {kind} id '{ident}'",
                f"give each {kind} its own id")
        return None
    return ident


def default_pack_dir() -> Path:
    """The shipped *Run Away* pack: inside the installed package, or data/ in a checkout."""
    # find_spec, not importlib.resources.files: the same folder, without importing
    # importlib.resources (tempfile, zipfile, shutil…: ~10 ms on every start)
    from importlib.util import find_spec

    try:
        spec = find_spec("runaway_companion.packs")
    except (ModuleNotFoundError, ValueError):  # pragma: no cover - plain checkout
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(location) / "run-away"
        if (candidate / "show.yaml").is_file():
            return candidate
    return Path(__file__).resolve().parent.parent / "data" / "run-away"


def shipped_pack(name: str) -> Path | None:
    """The folder of a pack shipped with the companion by its name ("run-away", "example"),
    so ``--pack example`` works from any directory; None if there is none of that name."""
    if not ID_RE.match(name):
        return None
    candidate = default_pack_dir().parent / name
    return candidate if (candidate / "show.yaml").is_file() else None


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
        found = path.is_dir()
    except OSError as exc:  # a 5,000-character path, a folder without permission…
        raise PackError([Problem(one_line(str(path))[:200], 1,
                                 f"pack folder cannot be read ({exc.strerror or exc})",
                                 "pass --pack with a shorter, readable folder path")]) from None
    if not found:
        raise PackError([Problem(str(path), 1, "pack folder not found",
                                 "pass --pack with a folder holding " + ", ".join(FILES)
                                 + ", or the name of a shipped pack (run-away, example)")])
    try:
        stamp = tuple(
            (path / name).stat().st_mtime_ns if (path / name).exists() else -1 for name in FILES
        )
    except OSError:
        stamp = ()
    cache_key = (str(path.resolve()), stamp)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    cacheable = parse_cache and (directory is None or path.resolve() == default_pack_dir().resolve())
    # Loading makes hundreds of thousands of small objects and no garbage cycles; with the
    # cyclic GC running, its collections over the growing heap cost more than the load itself
    # (3× on the real pack, 5× at 100×). Paused only for the load, restored even on errors.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_uncached(path, cache_key, cacheable)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_uncached(path: Path, cache_key: tuple, cacheable: bool) -> Pack:
    raws: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in FILES:
        file_path = path / name
        shown = str(file_path)
        try:
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


def _top(ctx: _Ctx, docs: dict[str, Any], path: Path, name: str, key: str | None) -> Any:
    file = str(path / name)
    doc = docs.get(name)
    if doc is None:
        ctx.add(file, 1, "file is empty", f"start it with '{key or 'id'}:'")
        return None, file
    if not _is_map(ctx, file, doc, 1, name):
        return None, file
    if key is None:
        return doc, file
    _keys(ctx, file, doc, name, (key,), ())
    return doc.get(key), file


def build_pack(docs: dict[str, Any], path: Path) -> Pack:
    ctx = _Ctx(None)
    pack_dir = Path(path)

    # --- show ----------------------------------------------------------------------------
    show, show_file = _top(ctx, docs, pack_dir, "show.yaml", None)
    show_id, title, episodes = "", "", []
    if show is not None:
        _keys(ctx, show_file, show, "show", ("id", "title", "episodes"), ())
        show_id = _text(ctx, show_file, show, "id", "show") or "" if "id" in show else ""
        title = _text(ctx, show_file, show, "title", "show") or "" if "title" in show else ""
        raw_eps = _list(ctx, show_file, show.get("episodes"), show.line_of("episodes"), "show: 'episodes'")
        numbers = [e.get("number") for e in raw_eps if isinstance(e, YMap)]
        valid = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)
                 and n <= MAX_EPISODES]
        ctx.episodes = max(valid) if valid else 0
        if not raw_eps and "episodes" in show:
            ctx.add(show_file, show.line_of("episodes"), "show: no episodes", "list at least one episode")
        seen: set[int] = set()
        for i, ep in enumerate(raw_eps):
            line = _line_of_item(raw_eps, i, raw_eps.line)
            where = f"episode[{i + 1}]"
            if not _is_map(ctx, show_file, ep, line, where):
                continue
            _keys(ctx, show_file, ep, where, ("number",), ("title", "recap"))
            number = ep.get("number")
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                if "number" in ep:
                    ctx.add(show_file, ep.line_of("number"), f"{where}: number {number!r} is not a "
                            "whole number from 1", "number episodes 1, 2, 3…")
                continue
            if number > MAX_EPISODES:
                ctx.add(show_file, ep.line_of("number"), f"{where}: number {number} is more than "
                        f"{MAX_EPISODES:,}", "number episodes 1, 2, 3…")
                continue
            if number in seen:
                ctx.add(show_file, ep.line_of("number"), f"duplicate episode number {number}",
                        "each episode number appears once")
                continue
            seen.add(number)
            where = f"episode {number}"
            ep_title = None
            if ep.get("title") is not None:
                ep_title = _item(ctx, show_file, ep["title"], ep.line_of("title"), f"{where} title",
                                 "text", at_value=Position(number, "early"))
            recap: list[Item] = []
            seq = _list(ctx, show_file, ep.get("recap"), ep.line_of("recap"), f"{where}: 'recap'")
            for j, beat in enumerate(seq):
                bline = _line_of_item(seq, j, seq.line)
                bwhere = f"{where} recap[{j + 1}]"
                at = None
                if isinstance(beat, YMap) and "at" in beat:
                    cp = beat["at"]
                    if cp in REVEAL_CHECKPOINTS:
                        at = Position(number, cp)
                    else:
                        ctx.add(show_file, beat.line_of("at"), f"{bwhere}: '{cp}' is not a checkpoint",
                                f"inside an episode write at: {' | '.join(REVEAL_CHECKPOINTS)}")
                        at = Position(number, "end")
                item = _item(ctx, show_file, beat, bline, bwhere, "text", at_value=at,
                             at_given=True) if at is not None else _item(
                    ctx, show_file, beat, bline, bwhere, "text")
                if item is not None:
                    if recap and item.at_key < recap[-1].at_key:
                        ctx.add(show_file, bline, f"{bwhere}: recap out of order — {item.at} "
                                f"after {recap[-1].at}", "list recap beats in order")
                    recap.append(item)
            episodes.append(Episode(number, ep_title, tuple(recap)))
        if seen and sorted(seen) != list(range(1, max(seen) + 1)):
            missing = sorted(set(range(1, max(seen) + 1)) - seen)
            ctx.add(show_file, raw_eps.line, f"episodes are not numbered 1..{max(seen)} "
                    f"(missing {', '.join(map(str, missing))})", "number episodes without gaps")
        if show_id and not ID_RE.match(show_id):
            ctx.add(show_file, show.line_of("id"), f"show id {show_id!r} is not a simple id",
                    "use lowercase letters, digits and '-'")
    episodes.sort(key=lambda e: e.number)

    # --- sources -------------------------------------------------------------------------
    raw_sources, src_file = _top(ctx, docs, pack_dir, "sources.yaml", "sources")
    sources: dict[str, Source] = {}
    source_lines: dict[str, int] = {}
    source_checks: list[tuple[str, int, str, str | None, Position]] = []
    if raw_sources is not None and _is_map(ctx, src_file, raw_sources, 1, "sources"):
        for key, line in raw_sources.duplicates:
            ctx.add(src_file, line, f"duplicate source key '{key}'", "define each key once")
        for key, value in raw_sources.items():
            line = raw_sources.line_of(key)
            if not _is_map(ctx, src_file, value, line, f"source '{key}'"):
                continue
            where = f"source '{key}'"
            _keys(ctx, src_file, value, where, ("url", "outlet"), ("at", "title"))
            if value.get("at") is None:
                ctx.add(src_file, value.line, f"{where}: missing required field 'at'",
                        'add at: "E:checkpoint", the end of the latest episode the page covers '
                        '(8:end when unsure)')
            url = _text(ctx, src_file, value, "url", where) if "url" in value else None
            outlet = _text(ctx, src_file, value, "outlet", where) if "outlet" in value else None
            src_title = (_text(ctx, src_file, value, "title", where)
                         if value.get("title") is not None else None)
            # a source is a dated piece too: the latest point its page covers
            src_at = (parse_at(ctx, src_file, value["at"], value.line_of("at"), where)
                      if value.get("at") is not None else None)
            if url and not re.match(r"^https?://", url):
                ctx.add(src_file, value.line_of("url"), f"source '{key}': url {url!r} is not a web address",
                        "write the full https:// address")
            if url and outlet and src_at is not None:
                sources[str(key)] = Source(str(key), url, outlet, src_at, src_at.key, src_title)
                source_lines[str(key)] = line
            if url is not None and src_at is not None:
                source_checks.append((str(key), line, url, src_title, src_at))

    # --- characters ------------------------------------------------------------------------
    raw_chars, char_file = _top(ctx, docs, pack_dir, "characters.yaml", "characters")
    characters: list[Character] = []
    char_ids: dict[str, Character | None] = {}
    for i, ch in enumerate(_list(ctx, char_file, raw_chars, 1, "characters")):
        line = _line_of_item(raw_chars, i, 1)
        where = f"character[{i + 1}]"
        if not _is_map(ctx, char_file, ch, line, where):
            continue
        if isinstance(ch.get("id"), str) and ID_RE.match(ch["id"]):
            where = f"character '{ch['id']}'"
        _keys(ctx, char_file, ch, where, ("id", "appears", "names"),
              ("actor", "groups", "roles", "statuses", "facts"))
        cid = _own_id(ctx, char_file, ch, where, "character", char_ids, ", e.g. dee-dee")
        appears = None
        if ch.get("appears") is not None:
            appears_map = ch["appears"]
            if isinstance(appears_map, YMap):
                appears = _item_no_text(ctx, char_file, appears_map, f"{where} appears")
            else:
                _is_map(ctx, char_file, appears_map, ch.line_of("appears"), f"{where} appears")
        names = _items(ctx, char_file, ch, "names", where, "name", ("name", "alias"), ordered=True)
        if "names" in ch and not names and isinstance(ch.get("names"), YList) and not ch["names"]:
            ctx.add(char_file, ch.line_of("names"), f"{where}: no names", "add at least one name")
        actor = None
        if ch.get("actor") is not None:
            actor = _item(ctx, char_file, ch["actor"], ch.line_of("actor"), f"{where} actor", "name")
        groups = _items(ctx, char_file, ch, "groups", where, "group")
        roles = _items(ctx, char_file, ch, "roles", where, "text", ordered=True)
        statuses = _items(ctx, char_file, ch, "statuses", where, "text", ordered=True)
        facts = _items(ctx, char_file, ch, "facts", where, "text")
        if appears is not None:
            floor = appears.at
            first_name = next((n for n in names if n.kind == "name"), None)
            if names and first_name is None:
                ctx.add(char_file, ch.line_of("names"), f"{where}: every name is an alias",
                        "make the first entry a name (kind: name)")
            elif first_name is not None and first_name.at != floor:
                ctx.add(char_file, ch.line_of("names"), f"{where}: first name revealed at "
                        f"{first_name.at}, not when the character appears ({floor})",
                        f"date the first name at {floor}, or change 'appears'")
            for label, seq_key, seq in (("name", "names", names), ("group", "groups", groups),
                                        ("role", "roles", roles), ("status", "statuses", statuses),
                                        ("fact", "facts", facts)):
                raw = ch.get(seq_key)
                for j, item in enumerate(seq):
                    _not_before(ctx, char_file, _line_of_item(raw, j, ch.line), item, floor,
                                f"{where}: {label} '{_short(item.text)}' revealed",
                                f"the character first appears ({floor})")
            _not_before(ctx, char_file, ch.line_of("actor"), actor, floor,
                        f"{where}: actor revealed", f"the character first appears ({floor})")
        if cid is not None:
            if appears is not None and names and any(n.kind == "name" for n in names):
                character = Character(cid, appears, names, actor, groups, roles, statuses, facts)
                characters.append(character)
                char_ids[cid] = character
            else:
                char_ids[cid] = None  # defined, but broken (already reported)

    # --- relationships ---------------------------------------------------------------------
    raw_rels, rel_file = _top(ctx, docs, pack_dir, "relationships.yaml", "relationships")
    relationships: list[Relationship] = []
    rel_ids: set[str] = set()
    for i, rel in enumerate(_list(ctx, rel_file, raw_rels, 1, "relationships")):
        line = _line_of_item(raw_rels, i, 1)
        where = f"relationship[{i + 1}]"
        if not _is_map(ctx, rel_file, rel, line, where):
            continue
        if isinstance(rel.get("id"), str) and ID_RE.match(rel["id"]):
            where = f"relationship '{rel['id']}'"
        _keys(ctx, rel_file, rel, where, ("id", "between", "stages"), ("history",))
        rid = _own_id(ctx, rel_file, rel, where, "relationship", rel_ids)
        if rid is not None:
            rel_ids.add(rid)
        between = rel.get("between")
        pair: list[Character] = []
        if between is not None:
            if (not isinstance(between, list) or len(between) != 2
                    or not all(isinstance(x, str) for x in between)):
                ctx.add(rel_file, rel.line_of("between"), f"{where}: 'between' must name two characters",
                        "write between: [id-one, id-two]")
            elif between[0] == between[1]:
                ctx.add(rel_file, rel.line_of("between"), f"{where}: a character cannot relate to itself",
                        "name two different characters")
            else:
                for cid in between:
                    if cid not in char_ids:
                        close = _close_matches(cid, list(char_ids), n=1)
                        ctx.add(rel_file, rel.line_of("between"), f"{where}: unknown character '{cid}'",
                                f"did you mean '{close[0]}'?" if close else "define it in characters.yaml")
                    elif char_ids[cid] is not None:
                        pair.append(char_ids[cid])  # type: ignore[arg-type]
        stages = _items(ctx, rel_file, rel, "stages", where, "label", ordered=True)
        if "stages" in rel and isinstance(rel.get("stages"), YList) and not rel["stages"]:
            ctx.add(rel_file, rel.line_of("stages"), f"{where}: no stages",
                    "add the first stage: when the link becomes known")
        history = _items(ctx, rel_file, rel, "history", where, "text")
        floor = max((c.appears.at for c in pair), default=None)
        for seq_key, seq, label in (("stages", stages, "stage"), ("history", history, "history beat")):
            for j, item in enumerate(seq):
                _not_before(ctx, rel_file, _line_of_item(rel.get(seq_key), j, rel.line), item, floor,
                            f"{where}: {label} '{_short(item.text)}' revealed",
                            f"both characters have appeared ({floor})")
        if stages:
            for j, item in enumerate(history):
                _not_before(ctx, rel_file, _line_of_item(rel.get("history"), j, rel.line), item,
                            stages[0].at, f"{where}: history beat '{_short(item.text)}' revealed",
                            f"the relationship's first stage ({stages[0].at})")
        if rid is not None and len(pair) == 2 and stages:
            relationships.append(Relationship(rid, (pair[0].id, pair[1].id), stages, history))

    # --- threads -----------------------------------------------------------------------------
    raw_threads, thr_file = _top(ctx, docs, pack_dir, "threads.yaml", "threads")
    threads: list[Thread] = []
    thread_ids: set[str] = set()
    for i, thr in enumerate(_list(ctx, thr_file, raw_threads, 1, "threads")):
        line = _line_of_item(raw_threads, i, 1)
        where = f"thread[{i + 1}]"
        if not _is_map(ctx, thr_file, thr, line, where):
            continue
        if isinstance(thr.get("id"), str) and ID_RE.match(thr["id"]):
            where = f"thread '{thr['id']}'"
        _keys(ctx, thr_file, thr, where, ("id", "titles"), ("beats", "resolved"))
        tid = _own_id(ctx, thr_file, thr, where, "thread", thread_ids)
        if tid is not None:
            thread_ids.add(tid)
        titles = _items(ctx, thr_file, thr, "titles", where, "text", ordered=True)
        beats = _items(ctx, thr_file, thr, "beats", where, "text", ordered=True)
        resolved = None
        if thr.get("resolved") is not None:
            resolved = _item(ctx, thr_file, thr["resolved"], thr.line_of("resolved"),
                             f"{where} resolved", "text")
        opens = titles[0].at if titles else None
        for j, beat in enumerate(beats):
            _not_before(ctx, thr_file, _line_of_item(thr.get("beats"), j, thr.line), beat, opens,
                        f"{where}: beat '{_short(beat.text)}' revealed", f"the thread opens ({opens})")
        _not_before(ctx, thr_file, thr.line_of("resolved"), resolved, opens,
                    f"{where}: resolution revealed", f"the thread opens ({opens})")
        if beats:
            _not_before(ctx, thr_file, thr.line_of("resolved"), resolved, beats[-1].at,
                        f"{where}: resolution revealed", f"its last beat ({beats[-1].at})")
        if "titles" in thr and isinstance(thr.get("titles"), YList) and not thr["titles"]:
            ctx.add(thr_file, thr.line_of("titles"), f"{where}: no titles",
                    "add the title the thread has when it opens")
        if tid is not None and titles:
            threads.append(Thread(tid, titles, beats, resolved))

    # --- cross-file: sources -------------------------------------------------------------------
    if raw_sources is not None:
        for key, (file, line) in sorted(ctx.source_uses.items(), key=lambda kv: (kv[1], kv[0])):
            if key not in sources and key not in (raw_sources if isinstance(raw_sources, dict) else {}):
                close = _close_matches(key, list(sources), n=1)
                ctx.add(file, line, f"unknown source key '{key}'",
                        f"did you mean '{close[0]}'?" if close else "define it in sources.yaml")
        for key, line in source_lines.items():
            if key not in ctx.source_uses:
                ctx.add(src_file, line, f"source '{key}' is never cited",
                        "cite it from a piece of data or remove it")
        _source_words(ctx, src_file, source_checks, title, episodes, characters,
                      relationships, threads)

    if ctx.problems:
        raise PackError(sorted(ctx.problems, key=lambda p: (FILES.index(Path(p.file).name)
                                                            if Path(p.file).name in FILES else 9,
                                                            p.line)))
    return Pack(show_id, title, tuple(episodes), tuple(characters), tuple(relationships),
                tuple(threads), sources, pack_dir)


# Words a source's URL or title may hold whatever its date: the web's own, and the show's title.
_URL_WORDS = frozenset("""
    http https www com org net html htm php asp aspx amp index post posts page news article
    articles blog story stories entertainment culture tv shows show series
""".split())
_WORD_RE = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    """Lowercase words of 4 letters or more (URL slugs split on anything not a letter)."""
    return [w for w in _WORD_RE.findall(text.lower()) if len(w) >= 4]


def _source_words(ctx: _Ctx, file: str, checks: list, show_title: str, episodes: list,
                  characters: list, relationships: list, threads: list) -> None:
    """Refuse a source whose URL or title names a word the pack reveals only after its ``at``.

    One pass over every dated text builds word -> earliest reveal key (names, aliases, actors,
    groups, roles, facts, labels, thread titles, beats, episode titles, recaps); then each
    source's words are looked up once.
    """
    if not checks:
        return
    first: dict[str, tuple[int, Position]] = {}

    def note(item: Item | None) -> None:
        if item is None:
            return
        key = item.at_key
        for word in _words(item.text):
            known = first.get(word)
            if known is None or key < known[0]:
                first[word] = (key, item.at)

    for ep in episodes:
        note(ep.title)
        for beat in ep.recap:
            note(beat)
    for ch in characters:
        note(ch.actor)
        for seq in (ch.names, ch.groups, ch.roles, ch.statuses, ch.facts):
            for item in seq:
                note(item)
    for rel in relationships:
        for seq in (rel.stages, rel.history):
            for item in seq:
                note(item)
    for thr in threads:
        for seq in (thr.titles, thr.beats):
            for item in seq:
                note(item)
        note(thr.resolved)
    ignore = _URL_WORDS | set(_words(show_title))
    for key, line, url, src_title, at in checks:
        limit = at.key
        for what, text in (("URL", url), ("title", src_title or "")):
            worst: tuple[int, Position, str] | None = None  # the latest-revealed word named
            for word in dict.fromkeys(_words(text)):
                known = first.get(word)
                if known is not None and known[0] > limit and word not in ignore \
                        and (worst is None or known[0] > worst[0]):
                    worst = (known[0], known[1], word)
            if worst is not None:
                ctx.add(file, line, f"source {key}'s {what} names '{worst[2]}', which the pack "
                        f"reveals only at {worst[1]}", f"date the source at {worst[1]} or later")


def _item_no_text(ctx: _Ctx, file: str, m: YMap, where: str) -> Item | None:
    """``appears: {at, sources}`` — a reveal with no text of its own."""
    _keys(ctx, file, m, where, ("at", "sources"), ("confidence",))
    at = parse_at(ctx, file, m["at"], m.line_of("at"), where) if m.get("at") is not None else None
    sources = _sources(ctx, file, m, where) if "sources" in m else ()
    confidence = m.get("confidence", "high")
    if confidence not in ("high", "low"):
        ctx.add(file, m.line_of("confidence"), f"{where}: confidence {confidence!r} is not known",
                "use confidence: low (or leave it out for high)")
    if at is None or not sources:
        return None
    return Item(at=at, text="", sources=sources, confidence=confidence if confidence == "low" else "high")


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def validate(directory: str | Path | None = None) -> list[Problem]:
    """Every problem of a pack (empty list when it is good)."""
    try:
        load_pack(directory, parse_cache=False)
    except PackError as exc:
        return exc.problems
    return []


_ = (CHECKPOINTS, Callable)  # re-exported names used by callers' type hints
