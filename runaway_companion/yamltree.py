"""PyYAML with line numbers: the pack's files as ``YMap``/``YList`` trees that know where each
key and item stands, bounded in size and nesting, refusing text a terminal must never receive.

This is the parser whose output :mod:`runaway_companion.parsecache` keeps between runs; the
rules a pack must follow live in :mod:`runaway_companion.packcheck` and
:mod:`runaway_companion.packbuild`.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

from runaway_companion.progress import one_line
from runaway_companion.safeio import unsafe_char

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


MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 100_000
_DEEP = 1000  # nesting the C composer (recursive) handles quickly; beyond: check events first


class Problem(NamedTuple):
    file: str
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        # one line, always: a key or value quoted from the pack may hold line breaks
        where = f"{self.file}:{self.line}" if self.line else self.file  # 0: the folder itself
        return one_line(f"{where}: {self.what} — {self.fix}")


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


class _Budget:
    """What one document's conversion has spent: nodes visited (aliases count every time they
    are expanded), and — for a document with anchors — each converted mapping or list by node,
    so an alias expanded again costs one look-up, not another walk (a billion-laughs document
    is refused in ~1 ms instead of ~100 ms spent walking 100,000 nodes)."""

    __slots__ = ("count", "deepest", "memo")

    def __init__(self, anchors: bool) -> None:
        self.count = 0
        self.deepest = 0  # (with memo) the deepest level reached in the node being converted
        # id(node) → (value, nodes visited converting it, levels below it)
        self.memo: dict[int, tuple[Any, int, int]] | None = {} if anchors else None


def _convert(node: yaml.Node, depth: int, budget: _Budget,
             construct: Callable[..., Any]) -> Any:
    """A composed node as YMap/YList/scalars, counting nodes against MAX_NODES.

    ``construct`` turns a non-string scalar into its value (one SafeConstructor per document).
    An alias converted again gives the same (equal, never modified) object as the first time,
    and counts as many nodes, and refuses the same way, as walking it again would.
    """
    budget.count += 1
    if budget.count > MAX_NODES:
        raise _too_many()
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
    memo = budget.memo
    if memo is not None:
        seen = memo.get(id(node))
        if seen is not None:
            value, count, below = seen
            if depth + below <= MAX_DEPTH:  # (else: walk it again, to refuse where it did)
                if budget.count - 1 + count > MAX_NODES:
                    raise _too_many()
                budget.count += count - 1
                budget.deepest = max(budget.deepest, depth + below)
                return value
        before, outer = budget.count - 1, budget.deepest
        budget.deepest = depth + 1 if node.value else depth
    if isinstance(node, yaml.MappingNode):
        out: Any = YMap()
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
    elif isinstance(node, yaml.SequenceNode):
        deeper = depth + 1
        out = YList([_convert(v, deeper, budget, construct) for v in node.value])
        out.line = node.start_mark.line + 1
        out.item_lines = [v.start_mark.line + 1 for v in node.value]
    else:  # pragma: no cover - PyYAML has no other kind of node
        return node.value
    if memo is not None:
        memo[id(node)] = (out, budget.count - before, budget.deepest - depth)
        budget.deepest = max(outer, budget.deepest)
    return out


def _too_many() -> _TooBig:
    return _TooBig(f"more than {MAX_NODES:,} YAML nodes (alias expansion?)")


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
        anchors = ("&" if isinstance(text, str) else b"&") in text  # (no anchor: no alias)
        return _convert(node, 0, _Budget(anchors),
                        yaml.constructor.SafeConstructor().construct_object), []
    except _UnsafeText as exc:
        return None, [Problem(filename, exc.line, f"text holds the control character {exc.char} "
                              "(terminal escapes, overwrites and bidi overrides are refused)",
                              "remove it; write plain text")]
    except _TooBig as exc:
        return None, [Problem(filename, node.start_mark.line + 1, f"document too large: {exc}",
                              "remove anchors/aliases and deep nesting")]
    except RecursionError:
        return None, [Problem(filename, 1, "YAML nested too deeply", "flatten the document")]
