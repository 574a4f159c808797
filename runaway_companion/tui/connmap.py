"""The connection maps of the Relationships tab, drawn with box characters from a View alone:
the person map (the selected person and their links now, labelled from their side, with the
links between the people in it) and the cast map (everyone, under their one group, with their
links). Every name is drawn with :func:`~runaway_companion.tui.names.name_style`, so it opens
that person's card; each drawing returns the ids of its names, in reading order (the name
cursor's stops)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from runaway_companion.tui.names import name_style
from runaway_companion.tui.text import truncate, uncertain

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
