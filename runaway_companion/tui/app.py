"""The companion's Textual app: tabs over one View, progress, the palette, themes, screenshots.

The app owns the viewer's position and the :class:`~runaway_companion.view.View` built from it; it
rebuilds the View on every position change and hands it to each tab. No widget reads the pack.
"""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Callable, ClassVar, Iterable

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.lazy import Lazy
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, TabbedContent, TabPane, Tabs
from textual.widgets._header import HeaderTitle

from runaway_companion.model import Pack
from runaway_companion.progress import Position
from runaway_companion.tui.base import ViewPane
from runaway_companion.tui.characters import CharactersPane
from runaway_companion.tui.episodes import EpisodesPane
from runaway_companion.tui.news import NewsPane
from runaway_companion.tui.relationships import RelationshipsPane
from runaway_companion.tui.search import CommandsProvider, SearchProvider
from runaway_companion.tui.threads import ThreadsPane
from runaway_companion.view import Change, View, changes

TABS: tuple[tuple[str, str, str], ...] = (
    ("characters", "Characters", "The characters you know at this point, by the name known then"),
    ("relationships", "Relationships", "Who is connected to whom, as of now — with a map"),
    ("threads", "Threads", "Plot threads open and resolved as of now, with a timeline"),
    ("episodes", "Episodes", "Recaps of the episodes you have watched"),
    ("new", "New", "What your last move forward revealed"),
)
_TAB_KEYS = Binding.Group("Tabs", compact=True)
_STEP_KEYS = Binding.Group("Step", compact=True)
# actions that only make sense on the main screen, not while a dialog or the palette is open
_MAIN_ONLY = {"step", "pick", "show_tab", "filter", "sources", "map", "help"}
START = Position(1, "start")
_HERE = Path(__file__).resolve().parent


class QuietFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows actually change.

    The stock Footer recomposes on every focus change; switching tabs moves focus a few times,
    so that made every switch pay for several identical rebuilds.
    """

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

    The stock Header updates its title from an *async* watcher (one more refresh cycle after
    a position change) with ``Static.update``'s default ``layout=True`` (one more layout of
    the whole screen), though the title's size never depends on its text (``width: 100%``).
    """

    def _on_mount(self, event) -> None:
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


def _no_blink_default() -> bool:
    return bool(os.environ.get("COMPANION_NO_BLINK"))


class CompanionApp(App[None]):
    """The spoiler-safe companion. ``CompanionApp(pack=…, position=…)`` runs anywhere."""

    # absolute (next to this module), so subclasses defined elsewhere still find them
    CSS_PATH: ClassVar = [_HERE / name for name in (
        "app.tcss", "characters.tcss", "relationships.tcss", "threads.tcss", "episodes.tcss",
        "news.tcss")]
    COMMANDS: ClassVar = {CommandsProvider, SearchProvider}

    # As App's, minus the repaint: App.title/sub_title repaint the *whole screen* when set, on
    # every position change; the Header watches them and redraws its own line anyway.
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    NOTIFICATION_TIMEOUT: ClassVar[float] = 6
    AUTO_FOCUS: ClassVar[str | None] = "#char-list"

    BINDINGS: ClassVar = [
        *(Binding(str(i), f"show_tab('{tab}')", label, id=f"tab-{tab}", group=_TAB_KEYS,
                  tooltip=tip)
          for i, (tab, label, tip) in enumerate(TABS, start=1)),
        Binding("n", "show_tab('new')", "New", show=False, id="tab-new-n"),
        Binding("[", "step(-1)", "back", id="step-back", group=_STEP_KEYS,
                tooltip="One checkpoint back"),
        Binding("]", "step(1)", "forward", id="step-forward", group=_STEP_KEYS,
                tooltip="One checkpoint forward"),
        Binding("p", "pick", "Progress", id="progress",
                tooltip="Set your progress: an episode and how far into it you are"),
        Binding("/", "filter", "Filter", id="filter", tooltip="Filter the character list"),
        Binding("s", "sources", "Sources", id="sources",
                tooltip="Show the sources behind the card's lines"),
        Binding("m", "map", "Map", id="map",
                tooltip="Switch between the person map and the cast map"),
        Binding("?", "help", "Help", id="help", tooltip="Keys and help"),
        Binding("ctrl+s", "screenshot", "Screenshot", show=False, id="screenshot",
                tooltip="Save an SVG screenshot"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (your progress is saved)"),
    ]

    def __init__(self, pack: Pack, position: Position, first_run: bool = False, *,
                 save: bool = True, screenshot_dir: str | os.PathLike | None = None,
                 cursor_blink: bool | None = None, freeze_gc: bool = False,
                 notices: Iterable[str] = (), ask_to: Position | None = None, **kwargs):
        super().__init__(**kwargs)
        # ask_to: a position asked for at launch more than one checkpoint past ``position``
        # (the saved one). The app opens at ``position`` and asks before showing any of it.
        if ask_to is not None:
            ask_to.check_within(pack.episode_count)
        self.ask_to = ask_to if ask_to is not None and ask_to.key > position.key + 1 else None
        # warnings from before the app started (a damaged progress file…): shown as toasts,
        # not only on stderr after quitting
        self.notices = tuple(n for n in notices if n)
        # freeze_gc (``companion`` sets it): once every tab is mounted, move everything alive
        # out of the cyclic GC's way (gc.freeze), as ``companion`` does with the pack before
        # the app starts. The widgets live as long as the app; without this, full
        # collections rescanning them stalled key presses (20–200 ms at the 100× scale).
        self.freeze_gc = freeze_gc
        position.check_within(pack.episode_count)
        self.pack = pack
        self.position = position
        self.first_run = first_run
        self.save = save
        self.screenshot_dir = Path(screenshot_dir) if screenshot_dir else None
        self.blink = (not _no_blink_default()) if cursor_blink is None else cursor_blink
        self.view = View(pack, position)
        self.selected_character: str | None = None
        self.selected_thread: str | None = None
        self.selected_episode: int | None = None
        self.news_since: Position | None = None
        self._news_seen = False
        self._news_cache: tuple[tuple[Position, Position], list[Change]] | None = None
        self._theme_restored = False
        self._active_tab = "characters"
        self._panes: dict[str, ViewPane] = {}
        self._toasts: dict[str, object] = {}
        self._tabbed: TabbedContent | None = None
        self._unsaved: Position | None = None  # a position not written to disk yet
        self._save_scheduled = False
        self.terminal_title = ""
        self.title = self.view.show_title
        self.sub_title = position.describe()

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield QuietHeader()
        with TabbedContent(id="tabs", initial="characters"):
            for i, (tab, label, _tip) in enumerate(TABS, start=1):
                with TabPane(f"{i} {label}", id=tab):
                    pane = self._make_pane(tab)
                    # only the first tab is built for the first frame; the others right after
                    yield pane if tab == "characters" else Lazy(pane)
        yield QuietFooter()

    @staticmethod
    def _make_pane(tab: str) -> ViewPane:
        cls = {"characters": CharactersPane, "relationships": RelationshipsPane,
               "threads": ThreadsPane, "episodes": EpisodesPane, "new": NewsPane}[tab]
        return cls(id=f"{tab}-pane")

    def on_mount(self) -> None:
        self._main_screen = self.screen
        tabs = self.tabbed
        for tab, _label, tip in TABS:
            tabs.get_tab(tab).tooltip = tip
        if not self.blink:
            for inp in self.query("Input"):
                inp.cursor_blink = False  # type: ignore[attr-defined]
        self._restore_theme()
        self._update_titles()
        self._fit_footer(self.size.width)
        if self.notices:  # after the first frame: the screen's toast rack is mounted by then
            self.call_after_refresh(self._say_notices)
        if self.ask_to is not None:
            self._ask_launch_jump(self.ask_to)
        elif self.first_run:
            self.call_after_refresh(self.action_pick)

    def _ask_launch_jump(self, target: Position) -> None:
        """The picker's "Show everything up to …?" for a launch far ahead; no keeps the saved."""
        from runaway_companion.tui.picker import ConfirmScreen, confirm_question

        def answered(yes: bool | None) -> None:
            self.ask_to = None
            if yes:
                self.move_to(target)
            else:
                self.say(f"Kept your saved progress: {self.position.describe()}.",
                         title="Progress", replace="position")

        self.push_screen(ConfirmScreen(confirm_question(target)), answered)

    def _say_notices(self) -> None:
        for notice in self.notices:
            self.say(notice, title="Saved progress", severity="warning", timeout=30)

    def on_resize(self, event) -> None:
        self._fit_footer(event.size.width)

    def _fit_footer(self, width: int) -> None:
        """Below 100 columns the footer's keys are packed tighter, so all of them fit at 80."""
        for footer in self.query(QuietFooter):
            footer.compact = width < 100

    # --- panes --------------------------------------------------------------------------
    def pane(self, tab: str) -> ViewPane | None:
        """The pane of ``tab`` if it is mounted (tabs after the first mount just after start),
        with the current View drawn (a hidden tab draws a move just after its frame)."""
        pane = self._panes.get(tab)
        if pane is not None:
            pane.flush_view()
        return pane

    def panes(self) -> Iterable[ViewPane]:
        return [pane for tab in list(self._panes) if (pane := self.pane(tab)) is not None]

    def register_pane(self, tab: str, pane: ViewPane | None) -> None:
        """Panes announce themselves when mounted (and leave when unmounted)."""
        if pane is None:
            self._panes.pop(tab, None)
        else:
            self._panes[tab] = pane
            if self.freeze_gc and len(self._panes) == len(TABS):
                import gc

                self.call_after_refresh(gc.freeze)

    @property
    def tabbed(self) -> TabbedContent:
        if self._tabbed is None:
            self._tabbed = self.query_one(TabbedContent)
        return self._tabbed

    @property
    def active_tab(self) -> str:
        return self._active_tab

    def _focus_active(self) -> None:
        """Focus the active tab's main list, at once (focus left in a hidden tab would pull
        the tabs back to it); the tab bar if that pane is still being built."""
        screen = getattr(self, "_main_screen", None)
        if screen is None:
            return
        tabbed = self.tabbed
        pane = self.pane(tabbed.active)
        target = pane.main_widget() if pane is not None else None
        if target is None:
            target = tabbed.query_one(Tabs)
        screen.set_focus(target)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if not self.is_running or not self.screen_stack:
            return
        tab = event.pane.id or ""
        self.pane(tab)  # (shown by a click just after a move: draw the move first)
        if self._active_tab == "new" and tab != "new" and self.news_since is not None:
            self._news_seen = True
        self._active_tab = tab
        if self.screen is getattr(self, "_main_screen", None):
            focused = self.focused
            if focused is None or tab not in {a.id for a in focused.ancestors_with_self}:
                self._focus_active()
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        self.pane(tab)  # a hidden tab not yet redrawn after a move draws it before it shows
        self.tabbed.active = tab
        self._focus_active()

    # --- selection shared by the tabs ---------------------------------------------------
    def select_character(self, char_id: str) -> None:
        """Select ``char_id`` in the tab in front now; in the other people tab just after the
        frame (a cursor move waits only for the card it shows)."""
        self.selected_character = char_id
        front = self._front_tab()
        for tab in ("characters", "relationships"):
            pane = self._panes.get(tab)
            if pane is None:
                continue
            if tab == front:
                pane.flush_view()
                pane.select(char_id)  # type: ignore[attr-defined]
            else:
                pane.follow_later()

    def _front_tab(self) -> str:
        """The tab shown now (set at once by ``action_show_tab``; ``_active_tab`` follows with
        the TabActivated message)."""
        try:
            return self.tabbed.active or self._active_tab
        except Exception:  # pragma: no cover - before the tabs exist
            return self._active_tab

    def select_thread(self, thread_id: str) -> None:
        self.selected_thread = thread_id
        pane = self.pane("threads")
        if pane is not None:
            pane.select(thread_id)  # type: ignore[attr-defined]

    def select_episode(self, number: int) -> None:
        self.selected_episode = number
        pane = self.pane("episodes")
        if pane is not None:
            pane.select(number)  # type: ignore[attr-defined]

    def jump(self, kind: str, ident: str) -> None:
        """Where a palette hit leads: a character's card, a thread, an episode."""
        if kind == "character":
            self.action_show_tab("characters")
            self.select_character(ident)
        elif kind == "thread":
            self.action_show_tab("threads")
            self.select_thread(ident)
        elif kind == "episode":
            self.action_show_tab("episodes")
            self.select_episode(int(ident))

    # --- progress -----------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        if delta > 0:
            if self.position >= self.pack.last_position:
                self.say("You've finished the show — there is nothing after this.",
                         title="Progress")
                return
            self.move_to(self.position.next())
        else:
            if self.position <= START:
                self.say("You're at the very start.", title="Progress")
                return
            self.move_to(self.position.prev())

    def action_pick(self) -> None:
        from runaway_companion.tui.picker import PickerScreen

        first = self.first_run
        self.first_run = False
        self.push_screen(PickerScreen(self.view, first_run=first),
                         partial(self.request_position, catch_up=not first))

    def request_position(self, target: Position | None, catch_up: bool = True) -> None:
        """Go to ``target``; more than one checkpoint forward asks first (in episode terms).

        ``catch_up=False`` (the very first pick) says where you are rather than moving on, so
        it does not fill "new since last time" with the whole show so far.
        """
        if target is None or target == self.position:
            return
        if target.key > self.position.key + 1:
            from runaway_companion.tui.picker import ConfirmScreen, confirm_question

            def answered(yes: bool | None) -> None:
                if yes:
                    self.move_to(target, catch_up=catch_up)

            self.push_screen(ConfirmScreen(confirm_question(target)), answered)
        else:
            self.move_to(target, catch_up=catch_up)

    def move_to(self, target: Position, catch_up: bool = True) -> None:
        """Change position: save, rebuild the View, redraw every tab, note what's new."""
        target.check_within(self.pack.episode_count)
        old = self.position
        if target == old:
            return
        if not catch_up:
            self.news_since, self._news_seen = None, False
        elif target > old:
            if self.news_since is None or self._news_seen:
                self.news_since, self._news_seen = old, False
        elif self.news_since is not None and target <= self.news_since:
            self.news_since, self._news_seen = None, False
        self.position = target
        self.view = View(self.pack, target)
        self._save_progress()
        self._update_titles()
        with self.batch_update():
            front = self._front_tab()
            # a hidden tab may draw a move *forward* just after the frame (until then it holds
            # an earlier position: nothing it shows is new to the viewer); a move back is drawn
            # in every tab at once, so no tab ever holds anything dated after the position
            back = target < old
            for tab, pane in list(self._panes.items()):
                pane.show_view(self.view, now=back or tab == front)
        # a toast about the old position would now be wrong: it goes in this frame
        self.drop_toast("position")
        # what's new (the "5 New · N" label, the toast) follows just after the frame that shows
        # the move: working it out (runaway_companion.view.changes) is not what the viewer waits for
        if self._move_note is None:
            self.call_after_refresh(self._note_move)
        self._move_note = (old, target, catch_up)

    _move_note: tuple[Position, Position, bool] | None = None

    def _note_move(self) -> None:
        note, self._move_note = self._move_note, None
        if note is None:
            return
        old, target, catch_up = note
        since, new = self.news()
        self._label_news(len(new))
        if not catch_up:
            self.say(f"You're at {target.describe()}. When you move on, what you've just "
                     "watched shows up under 5 New.", title="Welcome", replace="position")
        elif target > old and new and self._active_tab != "new":
            n = len(new)
            self.say(f"{n} new thing{'s' if n != 1 else ''} since "
                     f"{since.describe() if since else 'last time'} — press 5 to catch up.",
                     title=target.describe(), replace="position")

    def say(self, message: str, *, title: str = "", severity: str = "information",
            timeout: float | None = None, replace: str | None = None) -> None:
        """A toast, never parsed as markup (paths and pack text may hold brackets).

        ``replace``: a kind of toast of which only the latest should stay on screen.
        """
        from textual.notifications import Notification, Notify

        if replace is not None:
            self.drop_toast(replace)
        note = Notification(message, title, severity,  # type: ignore[arg-type]
                            self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
                            markup=False)
        if replace is not None:
            self._toasts[replace] = note
        self.post_message(Notify(note))

    def drop_toast(self, kind: str) -> None:
        """Take down the toast of ``kind`` (see :meth:`say`) if it is still on screen."""
        old = self._toasts.pop(kind, None)
        if old is not None and old in self._notifications:
            self._unnotify(old)

    def news(self) -> tuple[Position | None, list[Change]]:
        """(since, changes): what became visible between ``since`` and now."""
        since = self.news_since
        if since is None or since >= self.position:
            return since, []
        key = (since, self.position)
        if self._news_cache is None or self._news_cache[0] != key:
            self._news_cache = (key, changes(self.pack, since, self.position))
        return since, self._news_cache[1]

    def _label_news(self, count: int) -> None:
        try:
            tab = self.tabbed.get_tab("new")
        except Exception:  # pragma: no cover - during shutdown
            return
        label = f"5 New · {count}" if count else "5 New"
        if tab.label.plain != label:  # (setting it always lays the tabs out again)
            tab.label = label  # type: ignore[assignment]

    def _save_progress(self) -> None:
        """Save the position — just after the frame that shows it, and off the disk's clock.

        The state file is replaced atomically (temp file + ``os.replace``) on the event loop
        right after the next refresh, so the key press's frame never waits for it and several
        moves before then are one write; the fsync that makes it durable runs in a
        background thread (:meth:`_sync_soon`) — on a busy disk it took 5–20 ms. Nothing is
        lost on quit: :meth:`flush_progress` runs (durably) when the app unmounts, and
        ``companion`` calls it once more after the app has returned.
        """
        if not self.save:
            return
        self._unsaved = self.position
        if not self._save_scheduled:
            self._save_scheduled = True
            if not self.call_after_refresh(self.flush_progress, False):
                self.flush_progress()

    def flush_progress(self, durable: bool = True) -> None:
        """Write a position not saved yet (no-op when everything is saved)."""
        self._save_scheduled = False
        position, self._unsaved = self._unsaved, None
        if position is not None:
            from runaway_companion import state

            warning = state.save_progress(self.pack.id, position, durable=durable)
            if warning:
                if self.is_running:
                    self.say(warning, title="Progress not saved", severity="warning",
                             timeout=10)
                else:  # quitting: companion prints it once the terminal is back
                    self.exit_warning = warning
            elif not durable:
                self._sync_soon()
        if durable and self._syncer is not None:
            self._syncer.shutdown(wait=True)  # earlier writes' fsyncs finish too
            self._syncer = None

    exit_warning: str | None = None
    _syncer = None  # a one-thread executor for fsyncs
    _sync_queued = False

    def _sync_soon(self) -> None:
        """fsync the state file from a background thread (one queued at a time)."""
        if self._sync_queued:
            return  # the queued one runs after this write: it covers it
        if self._syncer is None:
            from concurrent.futures import ThreadPoolExecutor

            self._syncer = ThreadPoolExecutor(1, thread_name_prefix="companion-fsync")
        self._sync_queued = True
        self._syncer.submit(self._sync)

    def _sync(self) -> None:  # in the fsync thread
        from runaway_companion import state

        self._sync_queued = False  # a write after this line queues another sync
        state.sync()

    def on_unmount(self) -> None:
        self.flush_progress()

    # --- titles -------------------------------------------------------------------------
    def _update_titles(self) -> None:
        """Header, window title: the show and your position in words — never an episode title."""
        self.title = self.view.show_title
        self.sub_title = self.position.describe()
        self.terminal_title = f"{self.title} — {self.sub_title}"
        self._write_terminal_title(self.terminal_title)

    def _write_terminal_title(self, text: str) -> None:
        driver = self._driver
        if driver is None or self.is_headless or self.is_web:
            return
        clean = "".join(ch for ch in text if ch.isprintable())
        try:
            driver.write(f"\x1b]2;{clean}\x07")
        except Exception:  # pragma: no cover - a terminal that can't take it
            pass

    # --- theme --------------------------------------------------------------------------
    def _restore_theme(self) -> None:
        from runaway_companion import state

        saved = state.load_setting("theme")
        if saved and saved in self.available_themes:
            self.theme = saved
        self._theme_restored = True

    def watch_theme(self, theme: str) -> None:
        if not self._theme_restored or not self.save:
            return
        from runaway_companion import state

        warning = state.save_setting("theme", theme)
        if warning:
            self.say(warning, title="Theme not saved", severity="warning")

    # --- actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _MAIN_ONLY and self.screen is not getattr(self, "_main_screen", self.screen):
            return False
        if action in ("filter", "sources"):
            return self._active_tab == "characters"
        if action == "map":
            return self._active_tab == "relationships"
        return True

    def action_filter(self) -> None:
        pane = self.pane("characters")
        if pane is not None:
            pane.start_filter()  # type: ignore[attr-defined]

    def action_sources(self) -> None:
        pane = self.pane("characters")
        if pane is not None:
            shown = pane.toggle_sources()  # type: ignore[attr-defined]
            self.say("Sources shown under each line" if shown else "Sources hidden",
                     title="Sources", timeout=3)

    def action_map(self) -> None:
        pane = self.pane("relationships")
        if pane is not None:
            pane.toggle_cast()  # type: ignore[attr-defined]

    def show_cast_map(self) -> None:
        self.action_show_tab("relationships")
        pane = self.pane("relationships")
        if pane is not None and not pane.cast:  # type: ignore[attr-defined]
            pane.toggle_cast()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        from runaway_companion.tui.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG screenshot (to ``screenshot_dir`` or the current folder) and say where."""
        from datetime import datetime

        directory = Path(path) if path else (self.screenshot_dir or Path.cwd())
        if filename is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            filename = f"companion-{stamp}.svg"
            n = 1
            while (directory / filename).exists():
                n += 1
                filename = f"companion-{stamp}-{n}.svg"
        try:
            saved = self.save_screenshot(filename, str(directory))
        except OSError as exc:
            self.say(f"Could not save it in {directory}: {exc.strerror or exc}",
                     title="Screenshot not saved", severity="error")
            return
        self.last_screenshot = saved
        self.say(saved, title="Screenshot saved")

    # --- crashes ------------------------------------------------------------------------
    def _fatal_error(self) -> None:
        """Textual's crash report, but without local variables: they hold the pack (every
        future name and fact), and a crash report must not be a spoiler either. (Overrides
        a private method of the pinned Textual, 8.2.8; tests/tui/test_key_walks.py checks it.)"""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    # --- palette ------------------------------------------------------------------------
    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        yield ("Set progress", "Pick an episode and how far into it you are", self.action_pick)
        yield ("Forward one checkpoint", "]", partial(self.action_step, 1))
        yield ("Back one checkpoint", "[", partial(self.action_step, -1))
        for i, (tab, label, tip) in enumerate(TABS, start=1):
            yield (f"{label} tab", f"{i} · {tip}", partial(self.action_show_tab, tab))
        yield ("Cast map", "Every group and who is connected to whom", self.show_cast_map)
        yield ("Theme", "Change the colours (your choice is saved)", self.action_change_theme)
        yield ("Keys and help", "?", self.action_help)
        yield ("Screenshot", "Save an SVG of the screen (ctrl+s)", self.action_screenshot)
        yield ("Quit", "Your progress is already saved", self.action_quit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(
                id="--command-palette",
                placeholder="Someone, a thread or an episode you know — or a command…"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for name, help_text, callback in self.palette_commands():
            yield SystemCommand(name, help_text, callback)
