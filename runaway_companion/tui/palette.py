"""The command palette: jump to what you know, run the app's commands.

(Prompts are Rich Text and help lines are escaped: the palette reads plain strings as markup,
and a name from a pack must never be taken for markup.)

:class:`SearchProvider` searches ``View.search_entries()`` only — the names, aliases, thread titles
and episode labels visible at the viewer's position. Matching is by whole words and word starts
(not scattered letters), so what a query finds depends on that query and the visible entries,
and nothing else: a hidden name finds exactly what a name that never existed would find.

:class:`CommandsProvider` replaces Textual's system commands with the app's own (progress,
tabs, themes, help, screenshot, quit), matched the same way.
"""
from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Callable, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from runaway_companion.tui.panes import Selected

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.tui.app import CompanionApp
    from runaway_companion.tui.main import MainScreen
    from runaway_companion.view import View

_WORD = re.compile(r"[\w']+")
_QUOTES = str.maketrans({'"': " ", "“": " ", "”": " ", "‘": "'", "’": "'"})


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).lower().split())


def match_score(query: str, text: str) -> float:
    """How well ``query`` matches ``text`` (0 = not at all). Pure; case-insensitive.

    Whole text > text starts with the query > every query word starts a word of the text >
    the query occurs inside the text.
    """
    q, t = _norm(query), _norm(text)
    if not q:
        return 0.0
    if q == t:
        return 1.0
    if t.startswith(q):
        return 0.9
    words = _WORD.findall(t)
    q_words = _WORD.findall(q)
    if q_words and all(any(w.startswith(qw) for w in words) for qw in q_words):
        return 0.75
    if q in t:
        return 0.5
    return 0.0


def highlight(text: str, query: str) -> Text:
    """``text`` with the parts that matched ``query`` underlined."""
    out = Text(text)
    low = text.translate(_QUOTES).lower()
    q = _norm(query)
    spans: list[tuple[int, int]] = []
    for qw in _WORD.findall(q):
        for m in re.finditer(r"(?<![\w'])" + re.escape(qw), low):
            spans.append((m.start(), m.end()))
    if not spans and q:
        idx = low.find(q)
        if idx >= 0:
            spans.append((idx, idx + len(q)))
    for start, end in spans:
        out.stylize("bold underline", start, end)
    return out


def entry_help(view: "View", kind: str, ident: str, text: str) -> str:
    if kind == "character":
        cv = view.character(ident)
        if cv is not None and cv.name != text:
            return f"Character · also known as {cv.name}"
        return "Character"
    if kind == "thread":
        tv = view.thread(ident)
        return f"Thread · {tv.status}" if tv else "Thread"
    ev = view.episode(int(ident))
    state = {"watched": "watched", "current": "you are here", "unstarted": "not started"}
    return f"Episode · {state[ev.state]}" if ev else "Episode"


def search_hits(view: "View", query: str) -> list[tuple[float, str, str, str]]:
    """(score, kind, id, text) for every visible entry matching ``query``, best first."""
    hits = []
    for kind, ident, text in view.search_entries():
        score = match_score(query, text)
        if score > 0:
            hits.append((score, kind, ident, text))
    hits.sort(key=lambda h: -h[0])
    return hits


def _main(provider: Provider) -> "MainScreen":
    return cast("CompanionApp", provider.app).main


def _jump(main: "MainScreen", kind: str, ident: str) -> Callable[[], object]:
    return partial(main.post_message, Selected(kind, ident, show=True))


class SearchProvider(Provider):
    """Characters, threads and episodes known at the viewer's position."""

    async def search(self, query: str) -> Hits:
        main = _main(self)
        view = main.view
        for score, kind, ident, text in search_hits(view, query):
            yield Hit(score, highlight(text, query), _jump(main, kind, ident),
                      text=text, help=escape(entry_help(view, kind, ident, text)))

    async def discover(self) -> Hits:
        main = _main(self)
        view = main.view
        for kind, ident, text in view.search_entries():
            yield DiscoveryHit(Text(text), _jump(main, kind, ident), text=text,
                               help=escape(entry_help(view, kind, ident, text)))


class CommandsProvider(Provider):
    """The app's own commands (instead of Textual's system commands)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        return list(_main(self).palette_commands())

    async def search(self, query: str) -> Hits:
        for name, help_text, callback in self._commands():
            score = match_score(query, name)
            if score > 0:
                yield Hit(score * 0.8, highlight(name, query), callback, text=name,
                          help=escape(help_text))

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(Text(name), callback, text=name, help=escape(help_text))
