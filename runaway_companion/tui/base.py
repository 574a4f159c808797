"""Pieces shared by the tabs: the pane base class and small text helpers.

Every pane draws itself from a :class:`runaway_companion.view.View` handed to it by the app — never from
the pack — so the one visibility rule in ``runaway_companion/view.py`` is the only thing deciding what
appears on screen.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Iterable

from rich.console import Group
from rich.segment import Segment
from rich.text import Text
from textual.containers import Container, VerticalScroll
from textual.strip import Strip
from textual.visual import RichVisual
from textual.widgets import OptionList, Static

from runaway_companion.model import Item
from runaway_companion.progress import FRIENDLY, Position

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import View


def when(position: Position) -> str:
    """``Ep 3 · halfway`` — an episode marker for a dated line."""
    return f"Ep {position.episode} · {FRIENDLY[position.checkpoint]}"


def uncertain(item: Item | None) -> str:
    """The one quiet mark for a weakly sourced line (:func:`runaway_companion.view.mark`)."""
    from runaway_companion.view import mark

    return mark(item)


def source_keys(items: Iterable[Item | None]) -> list[str]:
    """The source keys behind some items, in first-seen order, without repeats (internal ids:
    never shown; a surface shows what :meth:`View.sources_of` gives it)."""
    seen: list[str] = []
    for item in items:
        if item is None:
            continue
        for key in item.sources:
            if key not in seen:
                seen.append(key)
    return seen


NOT_DUE_MARK = "◦"  # the one mark for every source not yet due: never a number, name or key


def cite(item: Item | None, numbers: dict[str, int]) -> Text:
    """A dim ``[1, 3]`` suffix: the numbers of the due sources behind one line in the card's
    "Sources" list (``numbers``: key -> number); each source not yet due is ``◦``."""
    if item is None or not item.sources:
        return Text("")
    marks = [str(numbers[key]) if key in numbers else NOT_DUE_MARK for key in item.sources]
    return Text(f"  [{', '.join(marks)}]", style="dim italic")


def set_text(static, text: Text) -> None:
    """``static.update(text)`` unless it already shows exactly that: an update always costs a
    layout pass of the screen, and a count line is usually the same after a move."""
    old = static.content
    if isinstance(old, Text) and old.plain == text.plain and old.style == text.style \
            and old.spans == text.spans:
        return
    static.update(text)


def truncate(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


_GRID_LINES: "OrderedDict[tuple, list[Segment]]" = OrderedDict()  # see memo_grid
_GRID_LINES_MAX = 512


def _cell_key(cell) -> tuple:
    if isinstance(cell, Text):
        return ("t", cell.plain, str(cell.style), cell.justify, cell.overflow, cell.no_wrap,
                tuple((span.start, span.end, str(span.style)) for span in cell.spans))
    if isinstance(cell, str):
        return ("s", cell)
    raise TypeError(cell)


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

    @property
    def _companion_key(self) -> tuple:
        """What the rows say: equal keys render to the same lines (see memo_grid)."""
        return ("rows", self.label_style, tuple((label, _cell_key(text)) for label, text in self.rows))

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


def memo_grid(table):
    """Mark a ``Table.grid()`` of plain cells so its rendered lines are reused.

    A card or a detail is a ``Group`` of small grids (one per episode...); after a move most
    of them are exactly what they were (the facts of earlier episodes). ``_RenderedOnce``
    renders a Group part by part, and a marked grid whose cells, columns and width are the
    same as a grid rendered before is not laid out again: the same segments come out, by
    construction. The table itself is unchanged (tools and tests still read its cells)."""
    try:
        table._companion_key = (
            table.padding, table.show_edge, table.pad_edge, table.expand, table.collapse_padding,
            table.width, table.min_width,
            tuple((c.no_wrap, c.ratio, c.width, c.min_width, c.max_width, str(c.style),
                   c.justify, c.overflow, tuple(_cell_key(x) for x in c.cells))
                  for c in table.columns),
            tuple((str(r.style), r.end_section) for r in table.rows))
    except TypeError:  # a cell that is not plain text: render it every time
        pass
    return table


class _RenderedOnce(RichVisual):
    """A Rich renderable that is rendered once per width, not once per question.

    Textual's own ``RichVisual`` renders the whole renderable to measure its height during
    layout, and again to paint it: for a card or a list of changes made of ``Table.grid()``s
    that is two full table layouts per update. This keeps the lines of the last render
    (per width) and answers both from them. The painted result is exactly Textual's:
    ``render_strips`` applies the widget's base style the way ``Widget.post_render`` does.
    """

    def __init__(self, widget, renderable) -> None:
        super().__init__(widget, renderable)
        self._lines_at: tuple[int, list[list[Segment]], int] | None = None

    def _lines(self, width: int) -> tuple[list[list[Segment]], int]:
        cached = self._lines_at
        if cached is None or cached[0] != width:
            from textual._context import active_app

            app = active_app.get()
            console = app.console
            options = app.console_options.update_width(width).update(highlight=False)
            renderable = self._renderable
            if isinstance(renderable, Deferred):
                renderable = renderable.renderable
            # a Group renders as its parts one after the other with the same options, so the
            # parts can be rendered (or replayed: memo_grid) one by one
            parts = renderable.renderables if isinstance(renderable, Group) else [renderable]
            segments = []
            for part in parts:
                key = getattr(part, "_companion_key", None)
                if key is None:
                    segments.extend(console.render(part, options))
                    continue
                key = (key, id(console), width)
                lines = _GRID_LINES.get(key)
                if lines is None:
                    lines = _GRID_LINES[key] = list(console.render(part, options))
                    if len(_GRID_LINES) > _GRID_LINES_MAX:
                        _GRID_LINES.popitem(last=False)
                else:
                    _GRID_LINES.move_to_end(key)
                segments.extend(lines)
            height = sum(text.count("\n") for text, _, _ in segments)
            lines = list(Segment.split_and_crop_lines(segments, width, include_new_lines=False,
                                                      pad=False))
            cached = self._lines_at = (width, lines, height)
        return cached[1], cached[2]

    def get_height(self, rules, width: int) -> int:
        return self._lines(width)[1]

    def render_strips(self, width: int, height: int | None, style, options) -> list[Strip]:
        lines = self._lines(width)[0]
        if height is not None:
            lines = lines[:height]
        widget = self._widget
        from textual._context import active_app

        base = active_app.get().console.get_style(style.rich_style)
        link_style = widget.link_style if widget.auto_links else None
        out = []
        for line in lines:  # as textual.widget._Styled does to the rendered segments
            if base:
                line = [Segment(text, base + seg_style, None) for text, seg_style, _ in line]
            if link_style:
                line = [Segment(text, seg_style if seg_style._meta is None else
                                (seg_style + link_style if "@click" in seg_style.meta
                                 else seg_style), control)
                        for text, seg_style, control in line if seg_style is not None]
            out.append(Strip(line))
        return out


class RichStatic(Static):
    """A ``Static`` for Rich content built from Tables/Groups: rendered once per update.

    ``content`` stays the Rich renderable it was given (tests and tools read it); only the
    visual is the render-once kind. :meth:`show` skips the update entirely when the caller's
    ``key`` says the content is the same as what is already shown.
    """

    _once: tuple[object, RichVisual] | None = None
    _key: object = None

    @property
    def visual(self):  # type: ignore[override]
        content = self.content
        once = self._once
        if once is None or once[0] is not content:
            if isinstance(content, (str, Text)) or not hasattr(content, "__rich_console__"):
                return super().visual
            once = self._once = (content, _RenderedOnce(self, content))
        return once[1]

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        # Textual lays the screen out a second time whenever an auto-height widget's size
        # changes (its ``virtual_size`` reactive asks for a layout). This widget has no
        # children and is not scrollable: the layout that sized it already placed everything
        # (its container's scroll size included), so that second pass only costs time.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def show(self, key: object, build) -> None:
        """Show ``build()`` unless ``key`` equals the key of what is shown now."""
        if key is not None and key == self._key:
            return
        self.update(build())
        self._key = key

    def update(self, content="", *, layout: bool = True) -> None:
        self._key = None
        super().update(content, layout=layout)


class SteadyOptionList(OptionList):
    """An OptionList whose scrollbar is not redrawn on every layout of the screen.

    Textual's ``ScrollView._size_updated`` compares the size the layout gives the list with
    the list's own ``virtual_size`` (its lines). They differ whenever the list is shorter or
    longer than its box, so every screen layout — every episode switch — re-sized the list
    and repainted its scrollbar (~0.8 ms a time). Nothing had changed: when the sizes are the
    ones it was last given, and its own lines are the same, there is nothing to do (a change
    of options updates the scrollbar itself, in ``OptionList._update_lines``).
    """

    _sized: tuple | None = None

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        key = (size, virtual_size, container_size, self.virtual_size)
        if key == self._sized:
            return False
        self._sized = key
        return super()._size_updated(size, virtual_size, container_size, layout)


class DetailScroll(VerticalScroll):
    """The scrolling detail side of a tab, without Textual's second layout pass.

    When the content's height changes, Textual lays the whole screen out once to size it and
    then, because the container's ``virtual_size`` reactive asks for it, once more. The first
    pass already placed everything; a scrollbar appearing or going still asks for its own
    layout (``show_vertical_scrollbar``). This is the ``layout=False`` path Textual itself
    takes when only scrolling changed.
    """

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


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


class ViewPane(Container):
    """A tab's content. Subclasses implement :meth:`refresh_view` from ``self.view`` only.

    Every tab, hidden ones included, is redrawn on every change, so a hidden tab never keeps
    another position's text. The tab in front is redrawn at once, for the frame that shows
    the change; hidden tabs just after that frame (``show_view(view, now=False)``), and at
    once whenever something is about to show them or ask them (:meth:`flush_view`). Lists and
    Rich content are rebuilt only when what they say changes (:meth:`set_options`,
    :meth:`RichStatic.show`).
    """

    view: "View | None" = None
    _pending: "View | None" = None  # a newer View this hidden tab has still to draw

    @property
    def tab(self) -> str:
        return self.id.removesuffix("-pane") if self.id else ""

    def on_mount(self) -> None:
        app = self.app
        tab = self.tab
        register = getattr(app, "register_pane", None)
        if register is not None:
            register(tab, self)
        self.show_view(app.view)  # type: ignore[attr-defined]
        if getattr(app, "active_tab", None) == tab and app.screen is getattr(app, "_main_screen", None):
            widget = self.main_widget()
            if widget is not None:
                app.screen.set_focus(widget)

    def show_view(self, view: "View", now: bool = True) -> None:
        """Draw ``view`` — at once, or (``now=False``, for a hidden tab) just after the next
        frame, so that the frame showing a move to the viewer waits only for the tab in front."""
        if now:
            self._pending = None
            self.view = view
            self.refresh_view()
            return
        self._pending = view
        self._flush_soon()

    def follow_later(self) -> None:
        """Follow the app's selection (made in another tab) just after the next frame."""
        self._follow = True
        self._flush_soon()

    _follow = False  # the app's selection changed while this tab was hidden
    _flushing = False  # a flush_view is scheduled

    def _flush_soon(self) -> None:
        if not self._flushing:
            self._flushing = True
            self.call_after_refresh(self.flush_view)

    def flush_view(self) -> None:
        """Catch up at once with what this tab was given for later (a View, a selection)."""
        self._flushing = False
        pending = self._pending
        if pending is not None:
            self._pending = None
            self.view = pending
            self.refresh_view()
        if self._follow:
            self._follow = False
            self.follow_selection()

    def follow_selection(self) -> None:
        """Show the app's current selection (tabs that share one override this)."""

    def set_options(self, option_list, signature: object, build) -> bool:
        """``option_list.set_options(build())`` unless ``signature`` (what the options say)
        is the same as last time: replacing the options throws away the list's rendered
        lines and resets its scrolling. Returns whether the options were replaced."""
        signatures = self.__dict__.setdefault("_list_signatures", {})
        key = option_list.id
        if key in signatures and signatures[key] == signature:
            return False
        option_list.set_options(build())
        signatures[key] = signature
        return True

    _index: dict[str, int] = {}  # a people list's option id -> index (enabled options only)

    def highlight_person(self, list_id: str, char_id: str | None) -> None:
        """Put the cursor of the people list ``list_id`` on ``char_id`` — or, when that person
        is not in it, on the first one, who becomes the app's selected character."""
        index = self._index
        if not index:
            return
        if char_id not in index:
            char_id = next(iter(index))
            self.app.selected_character = char_id  # type: ignore[attr-defined]
        self.part(list_id, OptionList).highlighted = index[char_id]

    def refresh_view(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def on_unmount(self) -> None:
        register = getattr(self.app, "register_pane", None)
        if register is not None:
            register(self.tab, None)

    def part(self, widget_id: str, expect_type=None):
        """A child widget by id, looked up once (panes never remove their parts)."""
        cache = self.__dict__.setdefault("_parts", {})
        widget = cache.get(widget_id)
        if widget is None:
            widget = self.query_one(f"#{widget_id}", expect_type) if expect_type else \
                self.query_one(f"#{widget_id}")
            cache[widget_id] = widget
        return widget

    main_id: str = ""

    def main_widget(self):
        """The widget that takes keyboard focus when this tab is shown."""
        if not self.main_id:
            return None
        try:
            return self.part(self.main_id)
        except Exception:
            return None

