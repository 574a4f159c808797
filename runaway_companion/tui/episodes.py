"""The Episodes tab: 1..N. Watched ones show title and recap, the current one its recap so far,
later ones only "Episode N"."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.progress import FRIENDLY
from runaway_companion.tui.base import DetailScroll, RichStatic, SteadyOptionList, ViewPane, set_text, uncertain

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import EpisodeView, View

MARK = {"watched": "✓", "current": "▶", "unstarted": " "}


def episode_detail(view: "View", ep: "EpisodeView") -> RenderableType:
    parts: list[RenderableType] = [Text(ep.label, style="bold underline")]
    if ep.state == "unstarted":
        parts.append(Text("Not started yet.", style="dim"))
        return Group(*parts)
    if ep.state == "current":
        parts.append(Text(f"You are here: {FRIENDLY[view.position.checkpoint]} — the recap so far",
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


class EpisodesPane(ViewPane):

    main_id = "ep-list"

    def compose(self):
        with Horizontal():
            with Vertical(id="ep-side", classes="side"):
                yield Static("", id="ep-count", classes="count")
                yield SteadyOptionList(id="ep-list")
            with DetailScroll(id="ep-body", classes="detail"):
                yield RichStatic("", id="ep-detail")

    def refresh_view(self) -> None:
        view = self.view
        assert view is not None
        watched = sum(1 for e in view.episodes if e.state == "watched")
        set_text(self.part("ep-count", Static),
                 Text(f"{view.episode_count} episodes · {watched} watched"))

        def build() -> list[Option]:
            options = []
            for ep in view.episodes:
                style = "dim" if ep.state == "unstarted" else \
                    ("bold" if ep.state == "current" else "")
                options.append(Option(Text(f"{MARK[ep.state]} {ep.label}", style=style or ""),
                                      id=str(ep.number)))
            return options

        signature = tuple((ep.number, ep.label, ep.state) for ep in view.episodes)
        ol = self.part("ep-list", OptionList)
        with self.app.batch_update():
            self.set_options(ol, signature, build)
            self._highlight(self.app.selected_episode)  # type: ignore[attr-defined]
        self._draw()

    def _default_episode(self) -> int:
        view = self.view
        assert view is not None
        for ep in view.episodes:
            if ep.state == "current":
                return ep.number
        watched = [e.number for e in view.episodes if e.state == "watched"]
        return watched[-1] if watched else 1

    def _highlight(self, number: int | None) -> None:
        ol = self.part("ep-list", OptionList)
        if not ol.option_count:
            return
        if number is None or not 1 <= number <= ol.option_count:
            number = self._default_episode()
        ol.highlighted = number - 1

    def _draw(self) -> None:
        view = self.view
        if view is None:
            return
        number = self.app.selected_episode or self._default_episode()  # type: ignore[attr-defined]
        ep = view.episode(number) or view.episodes[0]
        # it depends on the episode as seen now, and for the current one on the checkpoint:
        # unchanged, it is not built (nor laid out and painted) again
        key = (id(view.pack), ep, view.position.checkpoint if ep.state == "current" else None)
        self.part("ep-detail", RichStatic).show(key, lambda: episode_detail(view, ep))

    def select(self, number: int) -> None:
        self._highlight(number)
        self._draw()

    @on(OptionList.OptionHighlighted, "#ep-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the selection was moved again since (e.g. from another tab)
        if event.option_id and int(event.option_id) != self.app.selected_episode:  # type: ignore[attr-defined]
            self.app.select_episode(int(event.option_id))  # type: ignore[attr-defined]

