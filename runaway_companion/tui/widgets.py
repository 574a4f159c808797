"""Every place the companion leans on Textual's internals, in one module.

One performance patch on Textual's private API is kept, :func:`lazy_strip_caches` (benchmarks
row 5, peak RSS at the first frame: −1.1 MiB); the earlier ones were each A/B-measured alone
(benchmarks/README.md, "Textual patches, A/B"), none gained more than the run-to-run noise, and
all were removed. ``PRIVATE_TEXTUAL_NAMES`` lists every private Textual name used here or
anywhere in ``runaway_companion/tui`` — a test (tests/tui/test_widgets.py) checks the list
against the installed Textual, so an upgrade knows exactly what to re-check.
"""
from __future__ import annotations

from textual.app import App
from textual.cache import FIFOCache
from textual.screen import Screen
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Footer, Header, Label, Static

# (owner, name): every private Textual attribute this package reads, writes or overrides
PRIVATE_TEXTUAL_NAMES: tuple[tuple[str, str], ...] = (
    ("textual.app.App", "_fatal_error"),  # CrashSafeApp (no local variables: a spoiler rule)
    ("textual.app.App", "_exit_renderables"),  # CrashSafeApp
    ("textual.app.App", "_close_messages_no_wait"),  # CrashSafeApp
    ("textual.app.App", "_notifications"),  # unnotify
    ("textual.app.App", "_unnotify"),  # unnotify
    ("textual.app.App", "_driver"),  # write_terminal_title
    ("textual.widgets.Footer", "_bindings_ready"),  # QuietFooter (set as the stock one sets it)
    *(("textual.strip.Strip", slot) for slot in (  # lazy_strip_caches: every slot of a Strip
        "_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count",
        "_divide_cache", "_crop_cache", "_style_cache", "_filter_cache", "_line_length_cache",
        "_crop_extend_cache", "_offsets_cache")),
)


# --- header ---------------------------------------------------------------------------------
class SteadyHeader(Header):
    """Textual's Header, except that its title watcher is quiet once the title line is gone,
    and that a narrow header shows a shorter title instead of cutting it.

    The stock Header watches the titles and updates its ``HeaderTitle`` child; an app stopped
    while it is still mounting (Ctrl+C on ``companion serve`` while a session starts) can fire
    that watcher after the child was removed, and ``NoMatches`` becomes a crash report in the
    server's terminal. This handler runs first and, with ``prevent_default()``, instead of the
    stock one (the documented way to replace a base class's handler).

    An app with a ``title_forms`` reactive — shorter ``(title, sub_title)`` pairs, longest
    first — gets the longest that fits the title line (the full title when it fits); below
    ``NARROW`` columns the icon and the clock's space shrink (class ``-narrow``) to leave the
    title more room."""

    NARROW = 60
    DEFAULT_CSS = """
    SteadyHeader.-narrow HeaderIcon { width: 3; }
    SteadyHeader.-narrow HeaderClockSpace { display: none; }
    """

    def on_mount(self, event: Mount) -> None:
        event.prevent_default()
        for obj in (self.app, self.screen):
            self.watch(obj, "title", self._set_title)
            self.watch(obj, "sub_title", self._set_title)
        if isinstance(getattr(type(self.app), "title_forms", None), Reactive):
            self.watch(self.app, "title_forms", self._set_title)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self._set_title()
        self.call_after_refresh(self._set_title)  # once the title line has its new width

    def _set_title(self) -> None:
        try:
            # (by its CSS type name: textual.widgets does not export HeaderTitle)
            title = self.query_one("HeaderTitle", Static)
            title.update(self.fitted_title(title.size.width))
        except (NoMatches, NoScreen):
            pass  # the title line or the screen is gone: the app is stopping

    def fitted_title(self, width: int):
        """The full title, or the longest of the app's ``title_forms`` that fits ``width``."""
        full = self.format_title()
        forms = getattr(self.app, "title_forms", ())
        if width <= 0 or not forms or full.cell_length <= width \
                or self.screen.title is not None or self.screen.sub_title is not None:
            return full
        for title, sub_title in forms:
            shown = self.app.format_title(title, sub_title)
            if shown.cell_length <= width:
                break
        return shown


# --- footer ---------------------------------------------------------------------------------
class QuietFooter(Footer):
    """Textual's Footer, except that:

    * it builds its keys once even while the app is out of focus: a browser page (``companion
      serve``) starts unfocused, and the stock Footer would show no keys until it is clicked;
    * a key which does not fit whole before the palette key is not shown at all (the stock one
      shows what fits of it: "p Progr");
    * it rebuilds its keys at most once a frame, and only when what it would show has changed.
      The stock Footer rebuilds all of them (one widget per key) on every focus change and every
      ``refresh_bindings``, several times a frame: a tab switch rebuilt them twice, a start four
      times (benchmarks/README.md, "Footer rebuilds"). Public API (``bindings_changed``,
      ``recompose``, ``Screen.active_bindings``) plus the one flag the stock
      ``bindings_changed`` sets, ``_bindings_ready`` (listed below).
    """

    DEFAULT_CSS = """
    QuietFooter FooterKey.-command-palette { margin: 0; }
    """
    _rebuild_pending = False
    _shown: object = None  # what the keys were last built from (:meth:`shown_keys`)
    rebuilds = 0  # how many times the keys were built (a test reads it)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not self.is_attached or screen is not self.screen:
            return
        if not screen.app.app_focus and self._shown is not None:
            return  # built once: as the stock Footer, no rebuild while out of focus
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def shown_keys(self) -> tuple:
        """Everything the keys are built from (Footer.compose reads exactly this)."""
        app = self.app
        palette = self.show_command_palette and app.ENABLE_COMMAND_PALETTE
        return (palette, app.COMMAND_PALETTE_BINDING if palette else None, tuple(
            (key, binding.key, app.get_key_display(binding), binding.description,
             binding.action, binding.show, binding.group, binding.tooltip, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()))

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        shown = self.shown_keys()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    async def recompose(self) -> None:
        self.rebuilds += 1
        await super().recompose()
        self._fit_keys()

    def on_resize(self, event) -> None:
        self._fit_keys()

    def watch_compact(self, compact: bool) -> None:
        self._fit_keys()

    def _keys(self) -> list:
        return [c for c in self.children if not c.has_class("-command-palette")]

    def _fit_keys(self) -> None:
        """Every key back, measured in the next frame: then those that don't fit go."""
        for key in self._keys():
            key.display = True
        self.call_after_refresh(self._hide_cut_keys)

    def _hide_cut_keys(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        room = self.size.width - sum(c.outer_size.width for c in self.children
                                     if c.has_class("-command-palette") and c.display)
        cut = next((i for i, key in enumerate(keys) if key.virtual_region.right > room), None)
        if cut is None:
            return
        if cut > 0 and isinstance(keys[cut], Label):  # a group's label goes with its keys
            cut -= 1
        for key in keys[cut:]:
            key.display = False


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
    tests/tui/test_key_walks.py::test_a_crash_report_never_shows_hidden_text checks it.

    Once the app has been asked to quit (``ExitApp``: its own quit, or ``companion serve``
    ending a session that is still mounting), an error from a widget torn down mid-mount
    (Textual's ``Tabs`` looking for a tab already removed) is not a crash: it is not reported,
    and the app goes on closing. Tests still see it (``run_test`` re-raises it)."""

    _quitting = False

    def __init__(self, *args, **kwargs) -> None:
        lazy_strip_caches()
        super().__init__(*args, **kwargs)

    def on_exit_app(self, _message) -> None:
        self._quitting = True

    def _fatal_error(self) -> None:
        if self._quitting:
            self._close_messages_no_wait()
            return
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()


# --- strips: their caches made when first used (benchmarks row 5) --------------------------
STRIP_CACHES = {"_divide_cache": 4, "_crop_cache": 16, "_style_cache": 16, "_filter_cache": 4,
                "_line_length_cache": 4, "_crop_extend_cache": 4, "_offsets_cache": 4}
STRIP_SLOTS = ("_segments", "_cell_length", *STRIP_CACHES, "_render_cache", "_link_ids",
               "_cell_count")


class _CacheWhenUsed:
    """A Strip's cache slot that makes its ``FIFOCache`` (of Textual's size) on first read."""
    __slots__ = ("_get", "_set", "_size")

    def __init__(self, slot, size: int) -> None:
        self._get, self._set, self._size = slot.__get__, slot.__set__, size

    def __get__(self, strip, owner=None):
        if strip is None:
            return self
        try:
            return self._get(strip, owner)
        except AttributeError:
            self._set(strip, cache := FIFOCache(self._size))
            return cache

    def __set__(self, strip, value) -> None:
        self._set(strip, value)


def _strip_init(self, segments, cell_length=None) -> None:  # Strip.__init__ without its caches
    self._segments, self._cell_length = list(segments), cell_length
    self._render_cache = self._link_ids = self._cell_count = None


def lazy_strip_caches(strip: type = Strip) -> bool:
    """Textual's ``Strip`` makes seven ``FIFOCache``s in ``__init__``; ~95 % of them are never
    used, and at the first frame they are ~9,000 objects, ~1.1 MiB (row 5). After this each
    is made when first read. Only for the ``Strip`` layout it was written for (its slots, listed
    in ``PRIVATE_TEXTUAL_NAMES``); otherwise, or when done already, nothing. True if patched."""
    if set(strip.__slots__) != set(STRIP_SLOTS) or strip.__init__ is _strip_init:
        return False
    for name, size in STRIP_CACHES.items():
        setattr(strip, name, _CacheWhenUsed(strip.__dict__[name], size))
    strip.__init__ = _strip_init
    return True
