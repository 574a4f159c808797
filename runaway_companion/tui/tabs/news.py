"""The New tab: exactly what became visible between where you were and where you are now.

Built from :func:`runaway_companion.view.changes`, which uses the same rule as every other surface.
"""
from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Callable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll

from runaway_companion.tui.panes import ViewPane
from runaway_companion.tui.text import Deferred, uncertain
from runaway_companion.tui.widgets import RichStatic

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.progress import Position
    from runaway_companion.view import Change

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


def news(since: "Position | None", now: "Position", items: list["Change"]) -> RenderableType:
    if since is None:
        return Text("Nothing new since you last looked.\n\nWhen you move forward — ] for one "
                    "checkpoint, p to pick a point — what you have just watched is listed here, "
                    "so you can catch up.", style="dim")
    if not items:
        return Group(Text(f"New since {since.describe()}", style="bold"), Text(""),
                     Text(f"Nothing was revealed between {since.describe()} and "
                          f"{now.describe()}.", style="dim"))
    n = len(items)
    parts: list[RenderableType] = [
        Text.assemble((f"New since {since.describe()}", "bold"),
                      f"  ·  now {now.describe()}  ·  {n} new thing{'s' if n != 1 else ''}"),
        Text(""),
    ]
    for at, group in groupby(items, key=lambda c: c.at):
        parts.append(Text(f"── {at.describe()} ", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim", width=9)
        grid.add_column(ratio=1)
        for change in group:
            grid.add_row(TAG.get(change.kind, change.kind), describe_change(change))
        parts.append(grid)
        parts.append(Text(""))
    return Group(*parts)


class NewsPane(ViewPane):
    """What the last move forward revealed. ``news`` is the session's "new since" (given by the
    main screen, asked only when this tab draws: a hidden tab costs a move nothing here)."""

    main_id = "news-body"

    def __init__(self, news: Callable[[], "tuple[Position | None, list[Change]]"], **kwargs):
        super().__init__(**kwargs)
        self._news = news

    def compose(self):
        with VerticalScroll(id="news-body", classes="detail"):
            yield RichStatic("", id="news-list")

    def refresh_view(self) -> None:
        assert self.view is not None
        since, items = self._news()
        # built when first drawn: while this tab is hidden, a move costs nothing here
        self.part("news-list", RichStatic).show(_deferred_news, since, self.view.position,
                                                tuple(items))


def _deferred_news(since: "Position | None", now: "Position", items: tuple) -> Deferred:
    return Deferred(lambda: news(since, now, list(items)))
