"""The Episodes tab: 1..N. Watched ones show title and recap, the current one its recap so far,
later ones only "Episode N"."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets.option_list import Option

from runaway_companion.progress import FRIENDLY
from runaway_companion.tui.panes import ListDetailPane
from runaway_companion.tui.text import uncertain
from runaway_companion.tui.statics import RichStatic

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import EpisodeView, View

MARK = {"watched": "✓", "current": "▶", "unstarted": " "}


def episode_detail(ep: "EpisodeView", checkpoint: str | None) -> RenderableType:
    """An episode's recap; ``checkpoint``: where you are in it, when it is the current one."""
    parts: list[RenderableType] = [Text(ep.label, style="bold underline")]
    if ep.state == "unstarted":
        parts.append(Text("Not started yet.", style="dim"))
        return Group(*parts)
    if ep.state == "current":
        parts.append(Text(f"You are here: {FRIENDLY[checkpoint or 'start']} — the recap so far",
                          style="italic"))
    else:
        parts.append(Text("Watched", style="italic"))
    parts.append(Text(""))
    if ep.recap_note:
        parts.append(Text(ep.recap_note, style="dim"))
        return Group(*parts)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for beat in ep.recap:
        grid.add_row(" •", Text(beat.text + uncertain(beat)))
    parts.append(grid)
    return Group(*parts)


class EpisodesPane(ListDetailPane):
    """Episodes 1..N on the left; the one picked (by default the one you are in) on the right.
    With nothing picked, it follows you: the default is not made the selection."""

    kind, prefix, list_id, body_id = "episode", "ep", "ep-list", "ep-body"
    main_id = "ep-list"
    adopt_default = False

    def compose_detail(self):
        yield RichStatic("", id="ep-detail")

    def count_text(self, view: "View") -> str:
        watched = sum(1 for e in view.episodes if e.state == "watched")
        return f"{view.episode_count} episodes · {watched} watched"

    def signature(self, view: "View") -> object:
        return tuple((ep.number, ep.label, ep.state) for ep in view.episodes)

    def build_options(self, view: "View") -> list[Option]:
        options = []
        for ep in view.episodes:
            style = "dim" if ep.state == "unstarted" else ("bold" if ep.state == "current" else "")
            options.append(Option(Text(f"{MARK[ep.state]} {ep.label}", style=style or ""),
                                  id=str(ep.number)))
        return options

    def default_ident(self, ids: list[str]) -> str | None:
        view = self.view
        assert view is not None
        for ep in view.episodes:
            if ep.state == "current":
                return str(ep.number)
        watched = [e.number for e in view.episodes if e.state == "watched"]
        return str(watched[-1] if watched else 1)

    def draw_detail(self, view: "View", ident: str | None) -> None:
        ep = view.episode(int(ident)) if ident else None
        ep = ep or view.episodes[0]
        # it depends on the episode as seen now, and for the current one on the checkpoint
        checkpoint = view.position.checkpoint if ep.state == "current" else None
        self.part("ep-detail", RichStatic).show(episode_detail, ep, checkpoint)
