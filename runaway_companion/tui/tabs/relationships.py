"""The Relationships tab: a person's relationships now (label + history) and maps.

Two pictures, both drawn with box characters from the View alone:

* the **person map** (default): the selected person in the middle, a line to a box for each
  group their relationships reach, with the people in it;
* the **cast map** (``m``): every group known now as a box of its members, and the links
  between groups.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static
from textual.widgets.option_list import Option

from runaway_companion.tui.panes import ListDetailPane
from runaway_companion.tui.text import truncate, uncertain, when
from runaway_companion.tui.widgets import RichStatic
from runaway_companion.view import label_for

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import CharacterView, View


class Canvas:
    """A grid of characters with a style per cell, turned into one Rich Text."""

    def __init__(self, width: int):
        self.width = max(1, width)
        self.chars: list[list[str]] = []
        self.styles: list[list[str]] = []

    @property
    def height(self) -> int:
        return len(self.chars)

    def put(self, x: int, y: int, text: str, style: str = "") -> None:
        while len(self.chars) <= y:
            self.chars.append([" "] * self.width)
            self.styles.append([""] * self.width)
        for i, ch in enumerate(text):
            if 0 <= x + i < self.width:
                self.chars[y][x + i] = ch
                self.styles[y][x + i] = style

    def box(self, x: int, y: int, inner: int, title: str, lines: list[Text | str],
            height: int | None = None, top_mark: int | None = None) -> int:
        """Draw a box of ``inner`` content width; returns its height."""
        w = inner + 4
        rows = max(len(lines), (height or 0) - 3)
        self.put(x, y, "┌" + "─" * (w - 2) + "┐", "dim")
        if top_mark is not None:
            self.put(x + top_mark, y, "┴", "dim")
        self.put(x, y + 1, "│", "dim")
        self.put(x + 2, y + 1, truncate(title, inner), "bold")
        self.put(x + w - 1, y + 1, "│", "dim")
        for i in range(rows):
            yy = y + 2 + i
            self.put(x, yy, "│", "dim")
            if i < len(lines):
                line = lines[i]
                if isinstance(line, Text):
                    plain = truncate(line.plain, inner)
                    self.put(x + 2, yy, plain, str(line.style or ""))
                else:
                    self.put(x + 2, yy, truncate(line, inner))
            self.put(x + w - 1, yy, "│", "dim")
        self.put(x, y + 2 + rows, "└" + "─" * (w - 2) + "┘", "dim")
        return rows + 3

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


def _flow(widths: list[int], x0: int, width: int, gap: int = 1) -> list[list[tuple[int, int]]]:
    """Lay boxes of ``widths`` left to right in rows; returns rows of (index, x)."""
    rows: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    x = x0
    for i, w in enumerate(widths):
        if current and x + w > width:
            rows.append(current)
            current, x = [], x0
        current.append((i, x))
        x += w + gap
    if current:
        rows.append(current)
    return rows


def person_map(view: "View", cv: "CharacterView", width: int) -> Text:
    """The selected person, a trunk, and a box per group of the people they are linked to."""
    canvas = Canvas(width)
    name = truncate(cv.name, max(1, width - 4))
    canvas.put(0, 0, "╔" + "═" * (len(name) + 2) + "╗", "bold")
    canvas.put(0, 1, "║ " + name + " ║", "bold")
    canvas.put(0, 2, "╚" + "═" * (len(name) + 2) + "╝", "bold")
    rels = view.relationships_of(cv.id)
    if not rels:
        return canvas.to_text()
    trunk = 2
    canvas.put(trunk, 2, "╤", "bold")
    groups: dict[str, list[str]] = {}
    for rel in rels:
        other = rel.other(cv.id)
        groups.setdefault(other.group, []).append(other.name)
    cap = max(6, min(26, width - 8))
    boxes = [(g, members, min(cap, max(len(g), *(len(m) for m in members))))
             for g, members in groups.items()]
    rows = _flow([b[2] + 4 for b in boxes], trunk + 2, width)
    y = 3
    for r, row in enumerate(rows):
        last = r == len(rows) - 1
        centers = [x + (boxes[i][2] + 4) // 2 for i, x in row]
        canvas.put(trunk, y, "└" if last else "├", "bold")
        canvas.put(trunk + 1, y, "─" * max(0, centers[-1] - trunk - 1), "bold")
        for cx in centers[:-1]:
            canvas.put(cx, y, "┬", "bold")
        canvas.put(centers[-1], y, "┐", "bold")
        height = max(len(boxes[i][1]) for i, _ in row) + 3
        for (i, x), cx in zip(row, centers):
            g, members, inner = boxes[i]
            canvas.box(x, y + 1, inner, g, members, height, top_mark=cx - x)
        if not last:
            for yy in range(y + 1, y + 1 + height):
                canvas.put(trunk, yy, "│", "bold")
        y += height + 1
    return canvas.to_text()


def cast_map(view: "View", width: int) -> Text:
    """Every group known now as a box of its members; then the links between groups."""
    if not view.characters:
        return Text("Nobody yet.", style="dim")
    canvas = Canvas(width)
    groups: dict[str, list["CharacterView"]] = {}
    for c in view.characters:
        for g in c.groups or ("Others",):
            groups.setdefault(g, []).append(c)
    links = {c.id: len(view.relationships_of(c.id)) for c in view.characters}
    cap = max(6, min(24, width - 4))
    boxes = []
    for g, members in groups.items():
        lines = [f"{m.name} ·{links[m.id]}" if links[m.id] else m.name for m in members]
        boxes.append((g, lines, min(cap, max(len(g), *(len(s) for s in lines)))))
    y = 0
    for row in _flow([b[2] + 4 for b in boxes], 0, width):
        height = max(len(boxes[i][1]) for i, _ in row) + 3
        for i, x in row:
            g, lines, inner = boxes[i]
            canvas.box(x, y, inner, g, lines, height)
        y += height
    pairs: dict[tuple[str, str], int] = {}
    for rel in view.relationships:
        ga, gb = rel.a.group, rel.b.group
        if ga != gb:
            key = (ga, gb) if ga <= gb else (gb, ga)
            pairs[key] = pairs.get(key, 0) + 1
    y += 1
    canvas.put(0, y, "Links between groups", "bold")
    y += 1
    if not pairs:
        canvas.put(0, y, "None yet.", "dim")
    left_w = min(max((len(a) for a, _ in pairs), default=0), max(6, (width - 10) // 2))
    for (ga, gb), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
        bar = "━" * min(6, n) + f" {n} " + "━" * min(6, n)
        canvas.put(0, y, truncate(ga, left_w).rjust(left_w))
        canvas.put(left_w + 1, y, "┣" + bar + "┫", "bold")
        canvas.put(left_w + len(bar) + 4, y, gb)
        y += 1
    canvas.put(0, y + 1, "·N = how many relationships that person has now", "dim")
    return canvas.to_text()


def details(view: "View", cv: "CharacterView") -> RenderableType:
    """Each of ``cv``'s relationships now: the other person, the label now, and its history."""
    rels = view.relationships_of(cv.id)
    parts: list[RenderableType] = []
    if not rels:
        parts.append(Text(f"No relationships known yet for {cv.name}.", style="dim"))
        return Group(*parts)
    for rel in rels:
        other = rel.other(cv.id)
        parts.append(Text.assemble((other.name, "bold"), " — ",
                                   rel.label_for(cv.id) + uncertain(rel.stages[-1])))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(ratio=1)
        earlier = [s for s in rel.stages[:-1] if label_for(s, cv.id) != rel.label_for(cv.id)]
        for stage in earlier:
            grid.add_row(f"  {when(stage.at)}", Text(f"was: {label_for(stage, cv.id)}", style="italic"))
        for h in rel.history:
            grid.add_row(f"  {when(h.at)}", Text(h.text + uncertain(h)))
        if earlier or rel.history:
            parts.append(grid)
        parts.append(Text(""))
    return Group(*parts)


class RelationshipsPane(ListDetailPane):
    """People on the left; their map and relationships (or the cast map) on the right."""

    kind, prefix, list_id, body_id = "character", "rel", "rel-people", "rel-body"
    main_id = "rel-people"
    cast = False
    _drawn: tuple | None = None  # what the person map and details show now

    def compose_detail(self):
        yield Static("", id="rel-title")
        yield Static("", id="rel-map")
        yield RichStatic("", id="rel-detail")

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
        picture = self.part("rel-map", Static)
        detail = self.part("rel-detail", Static)
        width = self._map_width()
        if self.cast:
            self._drawn = None
            title.update(Text("Cast map — who is connected to whom, as of now  (m: back)",
                              style="bold"))
            picture.update(cast_map(view, width))
            detail.update("")
            return
        cv = view.character(ident) if ident else None
        if cv is None and view.characters:
            cv = view.characters[0]
        if cv is None:
            self._drawn = None
            title.update(Text("No one yet — the show hasn't started.", style="dim"))
            picture.update("")
            detail.update("")
            return
        rels = view.relationships_of(cv.id)
        # title, map and details depend on this person as seen now, their relationships now
        # and the width only: when none of that changed (most moves), nothing is redrawn
        drawn = (id(view.pack), cv, tuple(rels), width)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        n = len(rels)
        title.update(Text.assemble((cv.name, "bold"),
                                   f" · {n} relationship{'s' if n != 1 else ''}",
                                   ("   (m: cast map)", "dim")))
        picture.update(person_map(view, cv, width))
        detail.update(details(view, cv))

    def toggle_cast(self) -> bool:
        self.cast = not self.cast
        self.refresh_selection()
        return self.cast

    def on_resize(self) -> None:
        self.refresh_selection()
