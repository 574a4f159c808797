"""The Relationships tab: a person's relationships now (label + history) and maps.

Two pictures of people and the links between them, drawn from the View alone (only the people
and links it gives at this position — no counts, no groups it does not give):

* the **person map** (default): the selected person, a line to each person they are linked
  to now labelled from the selected person's side (``label_for``), and — dim, after each name —
  the links between those people; where there is no room for a drawing, a list of the links;
* the **cast map** (``m``): everyone known now, under the one group the Characters list puts
  them in, each with their links; the selected person's links are drawn together, in bold, and
  read from their side.

Every name opens that person's card (a click, or Enter under the name cursor: tui/names.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.tui.connmap import cast_map, links_among, person_map
from runaway_companion.tui.names import NamesPane, NamesStatic, name_style
from runaway_companion.tui.text import Rows, uncertain, when
from runaway_companion.view import label_for

__all__ = ["RelationshipsPane", "cast_map", "details", "person_map"]

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import CharacterView, View


def details(view: "View", cv: "CharacterView", cursor: str | None = None) -> RenderableType:
    """Each of ``cv``'s relationships now: the other person, the label now (from ``cv``'s side)
    and its history — its earlier labels and events in one timeline, in the order they
    happened, the dates in one column for every relationship."""
    rels = view.relationships_of(cv.id)
    if not rels:
        return Text(f"No relationships known yet for {cv.name}.", style="dim")
    blocks = []
    for rel in rels:
        now = rel.label_for(cv.id)
        events: list[tuple[int, int, str, Text]] = []
        earlier = [s for s in rel.stages[:-1] if label_for(s, cv.id) != now]
        for stage in earlier:
            events.append((stage.at_key, 0, when(stage.at),
                           Text(f"was: {label_for(stage, cv.id)}{uncertain(stage)}",
                                style="italic")))
        if earlier:
            last = rel.stages[-1]
            events.append((last.at_key, 0, when(last.at),
                           Text(f"now: {now}{uncertain(last)}", style="italic")))
        for h in rel.history:
            events.append((h.at_key, 1, when(h.at), Text(h.text + uncertain(h))))
        events.sort(key=lambda e: (e[0], e[1]))  # stable: pack order among equals
        blocks.append((rel, now, events))
    date_w = max((len(e[2]) for _r, _n, evs in blocks for e in evs), default=0) + 2
    parts: list[RenderableType] = []
    for rel, now, events in blocks:
        other = rel.other(cv.id)
        parts.append(Text.assemble((other.name, name_style(other.id, cursor=other.id == cursor)),
                                   " — ", now + uncertain(rel.stage)))
        if events:
            rows = Rows(label_style="dim")
            for _key, _kind, date, text in events:
                rows.add_row(("  " + date).ljust(date_w), text)
            parts.append(rows)
        parts.append(Text(""))
    return Group(*parts)


class RelationshipsPane(NamesPane):
    """People on the left; their map and relationships (or the cast map) on the right."""

    kind, prefix, list_id, body_id = "character", "rel", "rel-people", "rel-body"
    main_id = "rel-people"
    cast = False
    _drawn: tuple | None = None  # what the title, the map and the details show now

    def compose_detail(self):
        yield Static("", id="rel-title")
        yield NamesStatic("", id="rel-map")
        yield NamesStatic("", id="rel-detail")

    def _map_width(self) -> int:
        width = self.part("rel-body").size.width
        return max(20, (width or 80) - 3)

    def count_text(self, view: "View") -> str:
        total = len(view.relationships)
        return f"{total} relationship{'s' if total != 1 else ''} known" if total \
            else "No relationships yet"

    def signature(self, view: "View") -> object:
        return tuple((c.id, c.name, len(view.relationships_of(c.id))) for c in view.characters)

    def build_options(self, view: "View") -> list[Option]:
        out = []
        for c in view.characters:
            label = Text(c.name)
            n = len(view.relationships_of(c.id))
            if n:
                label.append(f" ·{n}", style="dim")
            out.append(Option(label, id=c.id))
        return out

    def draw_detail(self, view: "View", ident: str | None) -> None:
        title = self.part("rel-title", Static)
        picture = self.part("rel-map", NamesStatic)
        detail = self.part("rel-detail", NamesStatic)
        width = self._map_width()
        cv = view.character(ident) if ident else None
        if cv is None and view.characters:
            cv = view.characters[0]
        if cv is None and not self.cast:
            self._drawn = None
            self.name_cursor.show(())
            title.update(Text("No one yet — the show hasn't started.", style="dim"))
            picture.update("")
            detail.update("")
            return
        cursor = self.name_cursor.current
        rels = view.relationships_of(cv.id) if cv is not None else []
        # title, map and details depend on this person as seen now, their relationships now,
        # the width, the map shown and the name cursor only: when none of that changed (most
        # moves), nothing is redrawn
        drawn = (id(view.pack), view.key if self.cast else links_among(view, cv), cv,
                 tuple(rels), width, self.cast, cursor)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        if self.cast:
            title.update(Text.assemble(("Cast map — who is connected to whom, as of now", "bold"),
                                       ("   (m: back)", "dim")))
            text, names = cast_map(view, width, cv.id if cv is not None else None, cursor)
            self.name_cursor.show(names)
            picture.update(text)
            detail.update("")
        else:
            n = len(rels)
            title.update(Text.assemble((cv.name, "bold"),
                                       f" · {n} relationship{'s' if n != 1 else ''}",
                                       ("   (m: cast map)", "dim")))
            text, names = person_map(view, cv, width, cursor)
            self.name_cursor.show(names)
            picture.update(text)
            detail.update(details(view, cv, cursor))
        if self.name_cursor.current != cursor:  # the cursor's name is not drawn any more
            self._drawn = None
            self.refresh_selection()

    def toggle_cast(self) -> bool:
        self.cast = not self.cast
        self.refresh_selection()
        return self.cast

    def on_resize(self) -> None:
        self.refresh_selection()

    # --- keys -----------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#rel-people")
    def _chosen(self) -> None:
        self.part("rel-body").focus()

    def on_key(self, event) -> None:
        self.name_key(event)
