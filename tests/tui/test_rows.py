"""The card's rows (runaway_companion.tui.text.Rows) show, cell for cell, what the two-column
Table.grid they replace showed — on every card of the real pack, at every card width that
leaves a column for the text — only faster to render on every cursor move."""
from __future__ import annotations

import itertools

from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from runaway_companion.progress import all_positions
from runaway_companion.tui.text import Rows
from runaway_companion.view import View


def _cells(console, renderable, width):
    out = []
    for line in console.render_lines(renderable, console.options.update(width=width), pad=False):
        row = [(ch, seg.style or Style()) for seg in line for ch in seg.text]
        while row and row[-1][0] == " " and not row[-1][1].bgcolor and not row[-1][1].underline \
                and not row[-1][1].reverse:
            row.pop()  # trailing plain spaces: the widget pads each line the same way
        out.append(row)
    return out


def _grid(label_style, rows):
    table = Table.grid(padding=(0, 1))
    table.add_column(style=label_style or None, no_wrap=True)
    table.add_column(ratio=1)
    for label, text in rows:
        table.add_row(label, text)
    return table


def _rows(label_style, rows):
    out = Rows(label_style)
    for label, text in rows:
        out.add_row(label, text)
    return out


def test_card_rows_look_exactly_like_the_grid_they_replace(real_pack):
    console = Console(force_terminal=True, color_system="truecolor", width=200)
    samples = []
    for position in all_positions(real_pack.episode_count)[::5]:
        view = View(real_pack, position)
        for cv in view.characters:
            values = [("Also known as", Text(", ".join(cv.aliases))),
                      ("Role now", Text((cv.role or "") + " (uncertain)")),
                      ("Status now", Text(cv.status or "")), ("Group", Text(", ".join(cv.groups)))]
            samples.append(("bold", [(label, t) for label, t in values if t.plain]))
            samples.append(("", [(" •", Text(f.text)) for f in cv.facts]))
            samples.append(("", [(" •", Text.assemble((r.other(cv.id).name, "bold"), " — ", r.label))
                                 for r in view.relationships_of(cv.id)]))
    samples.append(("", [(" •", Text("dim words", style="dim")), (" •", Text("word " * 40, style="italic"))]))
    samples = [s for s in samples if s[1]]
    checked = 0
    for (style, rows), width in itertools.product(samples, (26, 41, 58, 77, 96)):
        assert _cells(console, _rows(style, rows), width) == \
            _cells(console, _grid(style, rows), width), (width, rows[0][1].plain)
        checked += 1
    assert checked > 500
