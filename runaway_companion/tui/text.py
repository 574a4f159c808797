"""Rich text helpers shared by the tabs (no Textual here): dated markers, citation marks, the
and the card's rows."""
from __future__ import annotations

from rich.segment import Segment
from rich.text import Text

from runaway_companion.model import Item
from runaway_companion.progress import FRIENDLY, Position


def when(position: Position) -> str:
    """``Ep 3 · halfway`` — an episode marker for a dated line."""
    return f"Ep {position.episode} · {FRIENDLY[position.checkpoint]}"


def uncertain(item: Item | None) -> str:
    """The one quiet mark for a weakly sourced line (:func:`runaway_companion.view.mark`)."""
    from runaway_companion.view import mark

    return mark(item)


NOT_DUE_MARK = "◦"  # the one mark for every source not yet due: never a number, name or key


def cite(item: Item | None, numbers: dict[str, int]) -> Text:
    """A dim ``[1, 3]`` suffix: the numbers of the due sources behind one line in the card's
    "Sources" list (``numbers``: key -> number); each source not yet due is ``◦``."""
    if item is None or not item.sources:
        return Text("")
    marks = [str(numbers[key]) if key in numbers else NOT_DUE_MARK for key in item.sources]
    return Text(f"  [{', '.join(marks)}]", style="dim italic")


def truncate(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


class Rows:
    """Rows of a short label and a wrapped text: what a two-column ``Table.grid(padding=(0, 1))``
    with a no-wrap first column and a ``ratio=1`` second one shows, cell for cell — without a
    table's measuring of every cell (a card is mostly these; moving the cursor renders a new
    card every time).

    The label column is as wide as its widest label; the text wraps in the rest of the width,
    continuation lines indented under it. ``label_style`` is the first column's style (it
    also styles the gap and the blank under a label, as a table column's style does).
    (Where one word is wider than the whole text column — a card under ~25 cells — a table
    cuts it with an ellipsis; this folds it onto the next line.)
    """

    def __init__(self, label_style: str = "") -> None:
        self.label_style = label_style
        self.rows: list[tuple[str, Text]] = []

    def add_row(self, label: str, text: Text) -> None:
        self.rows.append((label, text))

    def __rich_console__(self, console, options):
        from rich.cells import cell_len
        from rich.style import Style

        if not self.rows:
            return
        width = options.max_width
        label_width = max(cell_len(label) for label, _ in self.rows)
        text_width = max(1, width - label_width - 1)
        label_style = console.get_style(self.label_style) if self.label_style else Style()
        new_line = Segment.line()
        for label, text in self.rows:
            lines = text.wrap(console, text_width, justify=text.justify, overflow=text.overflow,
                              no_wrap=False)
            for index, line in enumerate(lines):
                head = label if index == 0 else ""
                yield Segment(head + " " * (label_width - cell_len(head) + 1), label_style)
                line.pad_right(text_width - line.cell_len)  # (wrap leaves it to the cell)
                if line.style:  # (Text.render leaves a line's own style to its caller)
                    base = console.get_style(line.style)
                    for seg in line.render(console):
                        yield Segment(seg.text, base + seg.style if seg.style else base)
                else:
                    yield from line.render(console)
                yield new_line

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement(options.max_width, options.max_width)


class Deferred:
    """A Rich renderable built the first time it is measured or drawn — for content that a
    hidden tab may never show (``Deferred(lambda: news(...))``)."""

    def __init__(self, build) -> None:
        self._build = build
        self._built = None

    @property
    def renderable(self):
        if self._built is None:
            self._built = self._build()
        return self._built

    def __rich_console__(self, console, options):
        yield self.renderable

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)
