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
from rich.style import Style
from rich.text import Text
from textual import on
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.tui.names import NamesStatic, OpensNames, name_style
from runaway_companion.tui.panes import ListDetailPane
from runaway_companion.tui.text import Rows, truncate, uncertain, when
from runaway_companion.view import label_for

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import CharacterView, View


class Canvas:
    """A grid of characters with a style per cell, turned into one Rich Text."""

    def __init__(self, width: int):
        self.width = max(1, width)
        self.chars: list[list[str]] = []
        self.styles: list[list[str | Style]] = []

    @property
    def height(self) -> int:
        return len(self.chars)

    def put(self, x: int, y: int, text: str, style: str | Style = "") -> int:
        """Write ``text`` at (x, y), cropped at the width; returns the column after it."""
        while len(self.chars) <= y:
            self.chars.append([" "] * self.width)
            self.styles.append([""] * self.width)
        for i, ch in enumerate(text):
            if 0 <= x + i < self.width:
                self.chars[y][x + i] = ch
                self.styles[y][x + i] = style
        return x + len(text)

    def to_text(self) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        for y, row in enumerate(self.chars):
            line = "".join(row).rstrip()
            x = 0
            while x < len(line):
                style = self.styles[y][x]
                end = x
                while end < len(line) and self.styles[y][end] == style:
                    end += 1
                out.append(line[x:end], style=style or None)
                x = end
            if y < len(self.chars) - 1:
                out.append("\n")
        return out



LINK = "bold"  # the selected person's links: drawn bold
OTHER_LINK = "dim"  # a link between two other people
MIN_LABEL = 8  # under this much room for a label, the person map is a list of links instead


def _name(canvas: Canvas, x: int, y: int, cv: "CharacterView", room: int,
          cursor: str | None, base: str = "bold") -> int:
    return canvas.put(x, y, truncate(cv.name, room), name_style(cv.id, base, cv.id == cursor))


def links_among(view: "View", cv: "CharacterView") -> tuple:
    """The links now between the people ``cv`` is linked to (not with ``cv``)."""
    ids = {r.other(cv.id).id for r in view.relationships_of(cv.id)}
    ids.discard(cv.id)
    return tuple(r for r in view.relationships
                 if r.a.id in ids and r.b.id in ids and r.a.id != r.b.id)


def person_map(view: "View", cv: "CharacterView", width: int,
               cursor: str | None = None) -> tuple[Text, tuple[str, ...]]:
    """``cv`` and a line to each person they are linked to now, labelled from ``cv``'s side;
    after each of those people (dim), who else in the picture they are linked to. Returns the
    drawing and the ids of the names in it, in reading order."""
    rels = view.relationships_of(cv.id)
    others = [r.other(cv.id) for r in rels]
    labels = [r.label_for(cv.id) + uncertain(r.stage) for r in rels]
    names: list[str] = [cv.id, *(o.id for o in others)]
    name_w = min(max((len(o.name) for o in others), default=0), max(8, width // 3))
    room = width - 5 - 4 - name_w  # what is left for the labels on the lines
    label_w = min(max((len(lb) for lb in labels), default=0), room)
    if rels and room < MIN_LABEL:
        return _link_list(cv, rels, others, labels, cursor), tuple(names)
    canvas = Canvas(width)
    title = truncate(cv.name, max(1, width - 4))
    canvas.put(0, 0, "╔" + "═" * (len(title) + 2) + "╗", "bold")
    canvas.put(0, 1, "║ ", "bold")
    x = _name(canvas, 2, 1, cv, len(title), cursor)
    canvas.put(x, 1, " ║", "bold")
    canvas.put(0, 2, "╚" + "═" * (len(title) + 2) + "╝", "bold")
    if not rels:
        canvas.put(0, 4, f"No links known yet for {cv.name}.", "dim")
        return canvas.to_text(), tuple(names)
    canvas.put(2, 2, "╤", "bold")
    among: dict[str, list["CharacterView"]] = {o.id: [] for o in others}
    for r in links_among(view, cv):  # links between the people in the picture
        among[r.a.id].append(r.b)
        among[r.b.id].append(r.a)
    for i, (other, label) in enumerate(zip(others, labels)):
        y = 3 + i
        last = i == len(rels) - 1
        canvas.put(2, y, ("└─ " if last else "├─ "), LINK)
        label = truncate(label, label_w)
        x = canvas.put(5, y, label)
        canvas.put(x, y, " " + "─" * (label_w - len(label) + 2) + " ", LINK)
        x = _name(canvas, 5 + label_w + 4, y, other, name_w, cursor)
        x = 5 + label_w + 4 + name_w + 2
        linked = among[other.id]
        if linked and width - x >= 12:
            x = canvas.put(x, y, "↔ ", OTHER_LINK)
            for j, peer in enumerate(linked):
                more = j < len(linked) - 1
                room = width - x - (3 if more else 0)  # (", …" when the next has no room)
                if room < min(len(peer.name), 8):
                    canvas.put(x, y, "…", OTHER_LINK)
                    break
                x = _name(canvas, x, y, peer, room, cursor, base="dim")
                names.append(peer.id)
                if more:
                    x = canvas.put(x, y, ", ", OTHER_LINK)
    return canvas.to_text(), tuple(names)


def _link_list(cv: "CharacterView", rels, others, labels, cursor: str | None) -> Text:
    """The person map where there is no room to draw it: one line per link (it wraps)."""
    out = Text()
    out.append(cv.name, name_style(cv.id, "bold underline", cv.id == cursor))
    for other, label in zip(others, labels):
        out.append("\n• ", LINK)
        out.append(other.name, name_style(other.id, cursor=other.id == cursor))
        out.append(f" — {label}")
    return out


def cast_map(view: "View", width: int, selected: str | None = None,
             cursor: str | None = None) -> tuple[Text, tuple[str, ...]]:
    """Everyone known now under their group (the Characters list's one group each), each
    followed by their links: every link once, each line read from the person above it — the
    other person and what they are to them. All of ``selected``'s links are drawn under them,
    in bold. Returns the drawing and the ids of the names in it, in reading order."""
    if not view.characters:
        return Text("Nobody yet.", style="dim"), ()
    canvas = Canvas(width)
    groups: dict[str, list["CharacterView"]] = {}
    for c in view.characters:
        groups.setdefault(c.group, []).append(c)
    drawn: set[str] = set()
    names: list[str] = []
    y = 0
    for g, members in groups.items():
        if y:
            y += 1
        canvas.put(0, y, truncate(g, width), "bold underline")
        y += 1
        for c in members:
            mine = c.id == selected
            names.append(c.id)
            x = _name(canvas, 2, y, c, width - 2, cursor,
                      base="bold reverse" if mine and cursor is None else "bold")
            rels = view.relationships_of(c.id)
            rows = [r for r in rels if r.id not in drawn
                    and (mine or selected not in (r.a.id, r.b.id))]
            if not rels:
                canvas.put(x, y, "  no links known yet", "dim")
            elif not rows:
                canvas.put(x, y, "  (links drawn above or below)", "dim")
            y += 1
            for i, r in enumerate(rows):
                drawn.add(r.id)
                other = r.other(c.id)
                names.append(other.id)
                edge = LINK if mine else OTHER_LINK
                x = canvas.put(4, y, "└─ " if i == len(rows) - 1 else "├─ ", edge)
                x = _name(canvas, x, y, other, max(4, width - x), cursor,
                          base="bold" if mine else "")
                x = canvas.put(x, y, " — ", edge)
                canvas.put(x, y, truncate(r.label_for(c.id) + uncertain(r.stage), width - x),
                           "" if mine else "")
                y += 1
    y += 1
    canvas.put(0, y, truncate("Each line under a person: who they are linked to, and what that "
                              "person is to them.", width), "dim")
    return canvas.to_text(), tuple(names)


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


class RelationshipsPane(OpensNames, ListDetailPane):
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
