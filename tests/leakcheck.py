"""Shared helpers for leak tests: which texts are hidden at a position, and which are due."""
from __future__ import annotations

import re

from runaway_companion.model import Item, Pack
from runaway_companion.progress import Position


def dated_items(pack: Pack) -> list[Item]:
    """Every dated piece of text in the pack (test-side walk of the model)."""
    items: list[Item] = []
    for ep in pack.episodes:
        if ep.title:
            items.append(ep.title)
        items.extend(ep.recap)
    for ch in pack.characters:
        items.extend(ch.names)
        items.extend(ch.groups)
        items.extend(ch.roles)
        items.extend(ch.statuses)
        items.extend(ch.facts)
        if ch.actor:
            items.append(ch.actor)
    for rel in pack.relationships:
        items.extend(rel.stages)
        items.extend(rel.history)
    for thr in pack.threads:
        items.extend(thr.titles)
        items.extend(thr.beats)
        if thr.resolved:
            items.append(thr.resolved)
    return items


def hidden_texts(pack: Pack, position: Position, min_len: int = 4) -> set[str]:
    """Texts of pieces dated after `position` that no visible piece also contains."""
    items = dated_items(pack)
    visible = [i.text for i in items if i.at <= position]
    blob = "\n".join(visible)
    return {i.text for i in items
            if i.at > position and len(i.text) >= min_len and i.text not in blob}


def due_texts(pack: Pack, position: Position) -> set[str]:
    return {i.text for i in dated_items(pack) if i.at <= position}


_WORD = re.compile(r"\w+")


def find_leaks(text: str, probe: dict[str, str], typed: tuple[str, ...] = ()) -> list[str]:
    """Hidden texts whose probe (see tests/tui/helpers.probes) occurs in ``text`` as words
    ("shot" is not in "Screenshot"). ``typed``: what the viewer typed (a filter, a palette
    query): a probe inside it is the viewer's own words, not a leak."""
    words = None  # the whole words of ``text``, read once: most probes fail on their first word
    found = []
    for hidden, p in probe.items():
        whole = p == hidden
        first = _WORD.match(p)
        # a match starts a word of ``text``; its first word is a whole one there when the probe
        # goes on after it with a non-word character (or is one word that must end there)
        if first and (first.end() < len(p) or whole):
            if words is None:
                words = set(_WORD.findall(text))
            if first.group() not in words:
                continue
        if p not in text or any(p in t for t in typed):
            continue
        tail = r"(?!\w)" if whole else ""
        if re.search(r"(?<!\w)" + re.escape(p) + tail, text):
            found.append(hidden)
    return sorted(found)


