"""Every place the companion leans on Textual's internals, in one module.

Each patch says which benchmark row (benchmarks/README.md) it serves; ``PRIVATE_TEXTUAL_NAMES``
lists every private Textual name used here or anywhere in ``runaway_companion/tui`` — a test
(tests/tui/test_widgets.py) checks the list against the installed Textual, so an upgrade knows
exactly what to re-check.
"""
from __future__ import annotations

from rich.console import Group
from rich.segment import Segment
from rich.text import Text
from textual.app import App
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.strip import Strip
from textual.visual import RichVisual
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static

from runaway_companion.tui.text import Deferred

# (owner, name): every private Textual attribute this package reads, writes or overrides
PRIVATE_TEXTUAL_NAMES: tuple[tuple[str, str], ...] = (
    ("textual.widget.Widget", "_size_updated"),  # RichStatic, SteadyOptionList, DetailScroll
    ("textual.widget.Widget", "_on_mount"),  # QuietHeader
    ("textual.widgets.Footer", "_bindings_ready"),  # QuietFooter
    ("textual.widgets._header", "HeaderTitle"),  # QuietHeader
    ("textual.visual.RichVisual", "_renderable"),  # _RenderedOnce
    ("textual.visual.RichVisual", "_widget"),  # _RenderedOnce
    ("textual.app.App", "_fatal_error"),  # CrashSafeApp (no local variables: a spoiler rule)
    ("textual.app.App", "_exit_renderables"),  # CrashSafeApp
    ("textual.app.App", "_close_messages_no_wait"),  # CrashSafeApp
    ("textual.app.App", "_notifications"),  # unnotify
    ("textual.app.App", "_unnotify"),  # unnotify
    ("textual.app.App", "_driver"),  # write_terminal_title
)


# --- header and footer ------------------------------------------------------------------
class QuietFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows actually change.
    Serves row 3 (episode switch): the stock Footer recomposes on every focus change, and a
    tab switch moves focus a few times."""

    _pending = False
    _signature: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        # like Textual's Footer, keep the keys as they are while the app is out of focus —
        # but build them once even then: a browser page (companion serve) starts unfocused
        if not screen.app.app_focus and self._signature is not None:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        signature = tuple((key, active.binding.description, active.binding.show, active.enabled,
                           active.tooltip) for key, active in self.screen.active_bindings.items())
        if signature == self._signature:
            return
        self._signature = signature
        await self.recompose()


class QuietHeader(Header):
    """Textual's Header, retitled in the same frame and without a layout pass.
    Serves row 3 (episode switch): the stock Header retitles from an async watcher (one more
    refresh cycle) with ``layout=True`` (one more layout), though the title is ``width: 100%``."""

    def _on_mount(self, event) -> None:
        from textual.widgets._header import HeaderTitle

        event.prevent_default()  # replaces Header._on_mount
        Widget._on_mount(self, event)

        def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title(), layout=False)
            except Exception:  # pragma: no cover - no screen while shutting down
                pass

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)


# --- rich content rendered once ------------------------------------------------------------
class _RenderedOnce(RichVisual):
    """A Rich renderable rendered once per width, not once to measure and once to paint.
    Serves rows 3 and 4d (switch, cursor move): Textual's ``RichVisual`` renders the whole card
    during layout and again to paint it. Parts marked by ``text.memo_grid`` are replayed from
    the owning widget's ``LRUCache``. The painted result is exactly Textual's: the widget's base
    style is applied the way ``Widget.post_render`` does."""

    def __init__(self, widget: "RichStatic", renderable) -> None:
        super().__init__(widget, renderable)
        self._lines_at: tuple[int, list[list[Segment]], int] | None = None
        self._grids = widget.grid_lines

    def _lines(self, width: int) -> tuple[list[list[Segment]], int]:
        cached = self._lines_at
        if cached is None or cached[0] != width:
            app = self._widget.app
            console = app.console
            options = app.console_options.update_width(width).update(highlight=False)
            renderable = self._renderable
            if isinstance(renderable, Deferred):
                renderable = renderable.renderable
            # a Group renders as its parts one after the other with the same options
            parts = renderable.renderables if isinstance(renderable, Group) else [renderable]
            segments = []
            for part in parts:
                key = getattr(part, "_companion_key", None)
                if key is None:
                    segments.extend(console.render(part, options))
                    continue
                key = (key, width)
                lines = self._grids.get(key)
                if lines is None:
                    lines = list(console.render(part, options))
                    self._grids[key] = lines
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
        base = widget.app.console.get_style(style.rich_style)
        link_style = widget.link_style if widget.auto_links else None
        out = []
        for line in lines:  # as textual.widget._Styled does to the rendered segments
            if base:
                line = [Segment(text, base + seg_style, None) for text, seg_style, _ in line]
            if link_style:
                line = [Segment(text, seg_style if not seg_style.meta else
                                (seg_style + link_style if "@click" in seg_style.meta
                                 else seg_style), control)
                        for text, seg_style, control in line if seg_style is not None]
            out.append(Strip(line))
        return out


class RichStatic(Static):
    """A ``Static`` for Rich content, rendered once per update (``_RenderedOnce``); ``show``
    keeps the renderables it built in a per-widget ``LRUCache`` keyed by the render function's
    arguments, and skips the update when they are the ones shown.
    Serves rows 3 and 4d. ``content`` stays the Rich renderable (tests and tools read it)."""

    _once: tuple[object, RichVisual] | None = None
    _key: object = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.grid_lines: LRUCache[tuple, list[Segment]] = LRUCache(256)
        self._built: LRUCache[object, object] = LRUCache(32)

    @property
    def visual(self):
        content = self.content
        once = self._once
        if once is None or once[0] is not content:
            if isinstance(content, (str, Text)) or not hasattr(content, "__rich_console__"):
                return super().visual
            once = self._once = (content, _RenderedOnce(self, content))
        return once[1]

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        # Row 3: an auto-height widget's new size asks for a second layout of the screen;
        # with no children and no scrolling, the layout that sized it placed everything.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def show(self, render, *args) -> None:
        """Show ``render(*args)`` (built once per distinct ``args``, kept in this widget)."""
        key = (render, args)
        if key == self._key:
            return
        built = self._built.get(key)
        if built is None:
            built = render(*args)
            self._built[key] = built
        self.update(built)
        self._key = key

    def update(self, content="", *, layout: bool = True) -> None:
        self._key = None
        super().update(content, layout=layout)


def set_text(static: Static, text: Text) -> None:
    """``static.update(text)`` unless it already shows exactly that (an update costs a layout
    pass, and a count line is usually the same after a move). Public API only."""
    old = static.content
    if isinstance(old, Text) and old.plain == text.plain and old.style == text.style \
            and old.spans == text.spans:
        return
    static.update(text)


# --- lists and scrolling ----------------------------------------------------------------------
class SteadyOptionList(OptionList):
    """An OptionList that ignores a size it has already been given.
    Serves row 3 (switch): ``ScrollView._size_updated`` re-sized the list (and repainted its
    scrollbar, and cleared its rendered options) on every layout of the screen."""

    _sized: tuple | None = None

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        key = (size, virtual_size, container_size, self.virtual_size)
        if key == self._sized:
            return False
        self._sized = key
        return super()._size_updated(size, virtual_size, container_size, layout)


class DetailScroll(VerticalScroll):
    """The scrolling detail side of a tab, without Textual's second layout pass.
    Serves rows 3 and 4d: when the content's height changes Textual lays the screen out to size
    it and, because ``virtual_size`` asks for it, once more (``layout=False`` is the path Textual
    takes itself when only scrolling changed)."""

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


# --- the app's private corners ------------------------------------------------------------
def unnotify(app, note) -> None:
    """Take one toast down if it is still on screen (Textual has only ``clear_notifications``)."""
    if note in app._notifications:
        app._unnotify(note)


def write_terminal_title(app, text: str) -> None:
    """The terminal window's title (OSC 2), printable characters only; not headless or web."""
    driver = app._driver
    if driver is None or app.is_headless or app.is_web:
        return
    clean = "".join(ch for ch in text if ch.isprintable())
    try:
        driver.write(f"\x1b]2;{clean}\x07")
    except Exception:  # pragma: no cover - a terminal that can't take it
        pass


class CrashSafeApp(App[None]):
    """Textual's App with its crash report printed without local variables — they hold the
    pack (every future name and fact), and a crash report must not be a spoiler either.
    tests/tui/test_key_walks.py::test_a_crash_report_never_shows_hidden_text checks it."""

    def _fatal_error(self) -> None:
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()
