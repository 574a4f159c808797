"""The pack format's rules, one small checker each: keys, ids, reveal points, sources, dated
items. Each adds ``file:line: what — fix`` problems to a :class:`Ctx` instead of raising, so one
run reports every problem. :mod:`runaway_companion.packbuild` applies them file by file.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from runaway_companion.model import Item
from runaway_companion.progress import REVEAL_CHECKPOINTS, Position, PositionError, Seasons
from runaway_companion.yamltree import Problem, YList, YMap

FILES = ("show.yaml", "characters.yaml", "relationships.yaml", "threads.yaml", "sources.yaml")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_AT_RE = re.compile(r"^\s*(\d{1,9})\s*:\s*([a-z]+)\s*$")
MAX_EPISODES = 1000  # episode numbers beyond this are refused (gap checks list 1..N)


def close_matches(word: str, options: Any, n: int = 1) -> list[str]:
    import difflib  # only a bad pack needs it

    return difflib.get_close_matches(word, options, n=n)


class Ctx:
    def __init__(self, episodes: int | None):
        self.problems: list[Problem] = []
        self.episodes = episodes
        self.seasons: Seasons = Seasons()  # set by show.yaml: reveal points may say 2x05:mid
        self.source_uses: dict[str, tuple[str, int]] = {}

    def add(self, file: str, line: int, what: str, fix: str) -> None:
        self.problems.append(Problem(file, line, what, fix))


def check_keys(ctx: Ctx, file: str, m: YMap, where: str, required: tuple[str, ...],
          optional: tuple[str, ...]) -> bool:
    ok = True
    for key, line in m.duplicates:
        ctx.add(file, line, f"{where}: key '{key}' given twice", "keep one of them")
    allowed = required + optional
    for key in m:
        if key not in allowed:
            close = close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
            ctx.add(file, m.line_of(key), f"{where}: unknown key '{key}'", hint)
    for key in required:
        if key not in m or m[key] is None:
            ctx.add(file, m.line, f"{where}: missing required field '{key}'", f"add '{key}:'")
            ok = False
    return ok


def is_map(ctx: Ctx, file: str, value: Any, line: int, where: str) -> bool:
    if isinstance(value, YMap):
        return True
    ctx.add(file, getattr(value, "line", line), f"{where} must be a mapping (key: value), "
            f"not {typename(value)}", "write it as 'key: value' lines")
    return False


def as_list(ctx: Ctx, file: str, value: Any, line: int, where: str) -> YList:
    if value is None:
        return YList()
    if isinstance(value, YList):
        return value
    ctx.add(file, getattr(value, "line", line), f"{where} must be a list, not {typename(value)}",
            "write each entry on its own '- ' line")
    return YList()


def typename(value: Any) -> str:
    return {YMap: "a mapping", YList: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "empty"}.get(type(value), type(value).__name__)


def text_of(ctx: Ctx, file: str, m: YMap, key: str, where: str) -> str | None:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        ctx.add(file, m.line_of(key), f"{where}: '{key}' must be text, not {typename(value)}",
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


_SEASON_AT_RE = re.compile(r"^\s*([sS]?\d{1,4}\s*[xXeE]\s*\d{1,4})\s*:\s*([a-z]+)\s*$")


def parse_at(ctx: Ctx, file: str, value: Any, line: int, where: str) -> Position | None:
    season_form = _SEASON_AT_RE.match(value) if isinstance(value, str) else None
    if season_form is not None:  # "2x05:mid": the fifth episode of season 2
        try:
            episode = ctx.seasons.episode_of(season_form.group(1))
        except PositionError as exc:
            ctx.add(file, line, f"{where}: reveal point {value!r}: {exc}",
                    "declare seasons: [N, N, …] in show.yaml, or write EPISODE:CHECKPOINT"
                    if not ctx.seasons else "use a season and episode the show has")
            return None
        if episode is not None:
            value = f"{episode}:{season_form.group(2)}"
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


def source_refs(ctx: Ctx, file: str, m: YMap, where: str) -> tuple[str, ...]:
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


def dated_item(ctx: Ctx, file: str, m: Any, line: int, where: str, field: str,
          kinds: tuple[str, ...] = (), *, at_value: Position | None = None,
          at_given: bool = False) -> Item | None:
    """A dated entry: {FIELD: text, at: "E:cp", sources: [...], confidence?, kind?}."""
    if not is_map(ctx, file, m, line, where):
        return None
    optional = ("confidence",) + (("kind",) if kinds else ()) + (("at",) if at_given else ())
    required = (field, "sources") if at_value is not None else (field, "at", "sources")
    if not check_keys(ctx, file, m, where, required, optional):
        # still check what is there, so all problems surface in one run
        pass
    text = text_of(ctx, file, m, field, where) if m.get(field) is not None else None
    at = at_value
    if at_value is None and m.get("at") is not None:
        at = parse_at(ctx, file, m["at"], m.line_of("at"), where)
    sources = source_refs(ctx, file, m, where) if "sources" in m else ()
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


def dated_items(ctx: Ctx, file: str, parent: YMap, key: str, where: str, field: str,
           kinds: tuple[str, ...] = (), ordered: bool = False) -> tuple[Item, ...]:
    seq = as_list(ctx, file, parent.get(key), parent.line_of(key), f"{where}: '{key}'")
    out: list[Item] = []
    last: Item | None = None
    for i, entry in enumerate(seq):
        line = seq.item_lines[i] if i < len(seq.item_lines) else seq.line
        item = dated_item(ctx, file, entry, line, f"{where} {key}[{i + 1}]", field, kinds)
        if item is None:
            continue
        if ordered and last is not None and item.at_key < last.at_key:
            ctx.add(file, line, f"{where}: {key} out of order — {item.at} comes after {last.at}",
                    f"list {key} in the order they are revealed")
        last = item
        out.append(item)
    return tuple(out)


def stage_item(ctx: Ctx, file: str, m: Any, line: int, where: str,
               pair: tuple[str, str] | None) -> Item | None:
    """A relationship stage: ``label:`` (one neutral label that reads right from both cards) or
    ``labels: {ID: …, ID: …}`` — one per side, keyed by the card's owner, each saying what the
    other person is to that owner. ``pair`` is the relationship's two character ids (None when
    'between' is broken: the sides are then not checked against it)."""
    if not is_map(ctx, file, m, line, where):
        return None
    if "labels" not in m:
        if "label" not in m:
            ctx.add(file, m.line, f"{where}: missing its label",
                    'add label: "…" (one label that reads right from both cards) or labels: '
                    '{ID: "…", ID: "…"} (what the other person is to each card\'s owner)')
            return None
        return dated_item(ctx, file, m, line, where, "label")
    if "label" in m:
        ctx.add(file, m.line_of("label"), f"{where}: has both 'label' and 'labels'",
                "keep 'label' for one neutral label, or 'labels' for one per side")
    check_keys(ctx, file, m, where, ("labels", "at", "sources"), ("confidence", "label"))
    raw = m.get("labels")
    sides: dict[str, str] = {}
    if is_map(ctx, file, raw, m.line_of("labels"), f"{where} labels"):
        for key, lline in raw.duplicates:
            ctx.add(file, lline, f"{where}: label for '{key}' given twice", "keep one of them")
        for owner in raw:
            if pair is not None and owner not in pair:
                ctx.add(file, raw.line_of(owner), f"{where}: labels has '{owner}', who is not "
                        f"in this relationship", f"key each label by one of its two characters: "
                        f"{pair[0]}, {pair[1]}")
                continue
            text = text_of(ctx, file, raw, owner, f"{where} labels")
            if text is not None:
                sides[str(owner)] = text
        if pair is not None:
            for owner in pair:
                if owner not in raw:
                    other = pair[1] if owner == pair[0] else pair[0]
                    ctx.add(file, raw.line, f"{where}: labels has no side for '{owner}'",
                            f'add {owner}: "…" — what {other} is to {owner}, as {owner}\'s card '
                            "shows it (or use one neutral label:)")
    at = parse_at(ctx, file, m["at"], m.line_of("at"), where) if m.get("at") is not None else None
    sources = source_refs(ctx, file, m, where) if "sources" in m else ()
    confidence = m.get("confidence", "high")
    if confidence not in ("high", "low"):
        ctx.add(file, m.line_of("confidence"), f"{where}: confidence {confidence!r} is not known",
                "use confidence: low (or leave it out for high)")
        confidence = "high"
    if at is None or not sources or pair is None or set(sides) != set(pair):
        return None
    ordered = tuple((owner, sides[owner]) for owner in pair)
    # ``text`` (both sides) is what the word checks and the audit read
    return Item(at=at, text=" / ".join(label for _, label in ordered), sources=sources,
                confidence=confidence, sides=ordered)


def stage_items(ctx: Ctx, file: str, parent: YMap, where: str,
                pair: tuple[str, str] | None) -> tuple[Item, ...]:
    """A relationship's stages, in reveal order (see :func:`stage_item`)."""
    seq = as_list(ctx, file, parent.get("stages"), parent.line_of("stages"), f"{where}: 'stages'")
    out: list[Item] = []
    for i, entry in enumerate(seq):
        line = seq.item_lines[i] if i < len(seq.item_lines) else seq.line
        item = stage_item(ctx, file, entry, line, f"{where} stages[{i + 1}]", pair)
        if item is None:
            continue
        if out and item.at_key < out[-1].at_key:
            ctx.add(file, line, f"{where}: stages out of order — {item.at} comes after "
                    f"{out[-1].at}", "list stages in the order they are revealed")
        out.append(item)
    return tuple(out)


def not_before(ctx: Ctx, file: str, line: int, item: Item | None, floor: Position | None,
                what: str, fix: str) -> None:
    if item is not None and floor is not None and item.at < floor:
        ctx.add(file, line, f"{what} at {item.at}, before {fix}", f"move it to {floor} or later")


def line_of_item(seq: Any, index: int, default: int) -> int:
    lines = getattr(seq, "item_lines", None)
    return lines[index] if lines and index < len(lines) else default


def own_id(ctx: Ctx, file: str, node: Any, where: str, kind: str, taken: Any,
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


def top_level(ctx: Ctx, docs: dict[str, Any], path: Path, name: str, key: str | None) -> Any:
    file = str(path / name)
    doc = docs.get(name)
    if doc is None:
        ctx.add(file, 1, "file is empty", f"start it with '{key or 'id'}:'")
        return None, file
    if not is_map(ctx, file, doc, 1, name):
        return None, file
    if key is None:
        return doc, file
    check_keys(ctx, file, doc, name, (key,), ())
    return doc.get(key), file


# Words a source's URL or title may hold whatever its date: the web's own, and the show's title.
_URL_WORDS = frozenset("""
    http https www com org net html htm php asp aspx amp index post posts page news article
    articles blog story stories entertainment culture tv shows show series
""".split())
_WORD_RE = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    """Lowercase words of 4 letters or more (URL slugs split on anything not a letter)."""
    return [w for w in _WORD_RE.findall(text.lower()) if len(w) >= 4]


def source_words(ctx: Ctx, file: str, checks: list, show_title: str, episodes: list,
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


def reveal_only(ctx: Ctx, file: str, m: YMap, where: str) -> Item | None:
    """``appears: {at, sources}`` — a reveal with no text of its own."""
    check_keys(ctx, file, m, where, ("at", "sources"), ("confidence",))
    at = parse_at(ctx, file, m["at"], m.line_of("at"), where) if m.get("at") is not None else None
    sources = source_refs(ctx, file, m, where) if "sources" in m else ()
    confidence = m.get("confidence", "high")
    if confidence not in ("high", "low"):
        ctx.add(file, m.line_of("confidence"), f"{where}: confidence {confidence!r} is not known",
                "use confidence: low (or leave it out for high)")
    if at is None or not sources:
        return None
    return Item(at=at, text="", sources=sources, confidence=confidence if confidence == "low" else "high")


def short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
