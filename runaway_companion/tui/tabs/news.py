"""The New tab: what the last move forward revealed, newest first, one line per event.

Built from :func:`runaway_companion.view.changes` (the same rule as every other surface), merged
by :func:`runaway_companion.view.events`; names and episode titles come from the View at the new
position.
"""
from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Callable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll

from runaway_companion.progress import FRIENDLY
from runaway_companion.tui.panes import ViewPane
from runaway_companion.tui.text import Deferred, uncertain
from runaway_companion.tui.statics import RichStatic

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.progress import Position
    from runaway_companion.view import Change, Event, View

TAG = {"episode-title": "Title", "recap": "Recap", "character": "New face", "name": "Name",
       "alias": "Alias", "actor": "Actor", "group": "Group", "role": "Role", "status": "Status",
       "fact": "Fact", "relationship": "Link", "label": "Link now", "history": "Between",
       "thread": "Thread", "thread-title": "Renamed", "beat": "Beat", "resolved": "Resolved"}


def describe_change(change: "Change") -> Text:
    s, t, k = change.subject, change.text, change.kind
    if k == "episode-title":
        line = Text.assemble((s, "bold"), f" is called “{t}”")
    elif k == "recap":
        line = Text(t)
    elif k == "character":
        line = Text.assemble((s, "bold"), " appears")
    elif k == "name":
        line = Text.assemble("Name revealed: ", (t, "bold")) if s == t else \
            Text.assemble((s, "bold"), f" — name revealed: {t}")
    elif k == "alias":
        line = Text.assemble((s, "bold"), f" — also known as {t}")
    elif k == "actor":
        line = Text.assemble((s, "bold"), f" — played by {t}")
    elif k == "group":
        line = Text.assemble((s, "bold"), f" — part of {t}")
    elif k == "role":
        line = Text.assemble((s, "bold"), f" — {t}")
    elif k == "status":
        line = Text.assemble((s, "bold"), f" — now {t}")
    elif k in ("fact", "history", "beat", "relationship", "resolved"):
        line = Text.assemble((s, "bold"), f": {t}")
    elif k == "label":
        line = Text.assemble((s, "bold"), f": now {t}")
    elif k == "thread":
        line = Text.assemble("New thread: ", (t, "bold"))
    elif k == "thread-title":
        line = Text.assemble("A thread is now called ", (t, "bold"))
    else:  # pragma: no cover - future kinds
        line = Text(f"{s}: {t}")
    line.append(uncertain(change))
    return line


def describe_person(event: "Event") -> Text:
    """A new face, or who someone turns out to be, in one line: name, role, actor, groups."""
    lines = event.lines
    head = event.headline
    name = head.subject
    role = next((c.text for c in lines if c.kind == "role"), "") or \
        (head.text if head.kind == "character" else "")
    if head.kind == "character":
        line = Text.assemble((name, "bold"), " appears")
        if role:
            line.append(f" — {role}")
    else:
        line = Text.assemble((name, "bold"))
    extra: list[str] = []
    for c in lines:
        if c.kind == "name" and c.text != name:
            extra.append(f"name revealed: {c.text}")
        elif c.kind == "name":
            line = Text.assemble("Name revealed: ", (c.text, "bold")) if c is head else line
        elif c.kind == "alias":
            extra.append(f"also known as {c.text}")
        elif c.kind == "actor":
            extra.append(f"played by {c.text}")
        elif c.kind == "group":
            extra.append(f"part of {c.text}")
        elif c.kind == "status":
            extra.append(f"now {c.text}")
        elif c.kind == "role" and head.kind != "character":
            extra.append(c.text)
    if extra:
        line.append((" · " if head.kind == "character" or head.kind == "name" else " — ")
                    + " · ".join(extra))
    line.append(uncertain(head))
    return line


def describe_event(event: "Event") -> Text:
    """One line per event: what happened (its headline), then who and what it touched that
    the line does not already name."""
    if event.kind == "person":
        return describe_person(event)
    line = describe_change(event.headline)
    said = line.plain
    touched = [n for n in event.people if n not in said]
    threads = [t for t in event.threads if t not in said]
    tail = ", ".join(touched)
    if threads:
        tail = f"{tail} · {', '.join(threads)}" if tail else ", ".join(threads)
    if tail:
        line.append(f"  — {tail}", style="dim")
    return line


def news(since: "Position | None", now: "Position", items: list["Event"],
         episode_label: Callable[[int], str] = lambda n: f"Episode {n}") -> RenderableType:
    """What the last move forward revealed, newest first: one line per event, under a heading
    per episode (a longer jump reads as a "previously on", episode by episode)."""
    if since is None:
        return Text("Nothing new since you last looked.\n\nWhen you move forward — ] for one "
                    "checkpoint, p to pick a point — what you have just watched is listed here, "
                    "so you can catch up.", style="dim")
    if not items:
        return Group(Text(f"Nothing new at {now.describe()}", style="bold"), Text(""),
                     Text(f"Nothing was revealed between {since.describe()} and "
                          f"{now.describe()}.", style="dim"))
    n = len(items)
    parts: list[RenderableType] = [
        Text.assemble((f"New since {since.describe()}", "bold"),
                      f"  ·  now {now.describe()}  ·  {n} new thing{'s' if n != 1 else ''}"),
        Text("Newest first: one line for each thing that happened, with who it touched.",
             style="dim"),
        Text(""),
    ]
    for episode, in_episode in groupby(items, key=lambda e: e.at.episode):
        parts.append(Text(f"━━ {episode_label(episode)}", style="bold"))
        for at, group in groupby(in_episode, key=lambda e: e.at):
            parts.append(Text(f"── {FRIENDLY[at.checkpoint]}", style="bold"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, style="dim", width=9)
            grid.add_column(ratio=1)
            for event in group:
                grid.add_row(TAG.get(event.headline.kind, event.headline.kind),
                             describe_event(event))
            parts.append(grid)
            parts.append(Text(""))
    return Group(*parts)


class NewsPane(ViewPane):
    """What the last move forward revealed. ``news`` is the session's "new since" (given by the
    main screen, asked only when this tab draws: a hidden tab costs a move nothing here)."""

    main_id = "news-body"

    def __init__(self, news: Callable[[], "tuple[Position | None, list[Event]]"], **kwargs):
        super().__init__(**kwargs)
        self._news = news
        self._shown: object = None

    def compose(self):
        with VerticalScroll(id="news-body", classes="detail"):
            yield RichStatic("", id="news-list")

    def refresh_view(self) -> None:
        assert self.view is not None
        since, items = self._news()
        # built when first drawn: while this tab is hidden, a move costs nothing here
        self.part("news-list", RichStatic).show(_deferred_news, since, self.view,
                                                tuple(items))
        shown = (since, self.view.position)
        if shown != self._shown:  # other news: read from the top (the newest)
            self._shown = shown
            self.part("news-body", VerticalScroll).scroll_home(animate=False)


def _deferred_news(since: "Position | None", view: "View", items: tuple) -> Deferred:
    def label(number: int) -> str:
        episode = view.episode(number)
        return episode.label if episode is not None else f"Episode {number}"

    return Deferred(lambda: news(since, view.position, list(items), label))
