"""The companion's Textual app: owns the :class:`~runaway_companion.session.Session` (position,
View, "new since") and its ``view`` reactive, titles, themes, toasts, saving, the crash report and
the palette's providers. The layout, keys and selection live on
:class:`~runaway_companion.tui.main.MainScreen`; no widget reads the pack.
"""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Iterable, cast

from textual.binding import Binding
from textual.reactive import Reactive, var

from runaway_companion import gcpolicy
from runaway_companion.model import Pack
from runaway_companion.progress import Position
from runaway_companion.session import Move, Session, fill_in
from runaway_companion.tui.household import saver_for, subtitle, title_forms, where
from runaway_companion.tui.web import WebAwareApp
from runaway_companion.tui.main import MainScreen
from runaway_companion.tui.palette import CommandsProvider, SearchProvider
from runaway_companion.tui.widgets import CrashSafeApp, unnotify, write_terminal_title
from runaway_companion.view import View

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.config import Config
    from runaway_companion.together import Together

_HERE = Path(__file__).resolve().parent
_CSS = ("app.tcss", "tabs/characters.tcss", "tabs/relationships.tcss", "tabs/threads.tcss",
        "tabs/episodes.tcss", "tabs/news.tcss")


class CompanionApp(WebAwareApp, CrashSafeApp):
    """The spoiler-safe companion: ``CompanionApp(pack=…, position=…)`` or ``CompanionApp()``."""

    CSS_PATH: ClassVar = [_HERE / name for name in _CSS]  # absolute: subclasses find them
    COMMANDS: ClassVar = {CommandsProvider, SearchProvider}
    # As App's, minus the repaint: App.title/sub_title repaint the *whole screen* when set, on
    # every position change; the Header watches them and redraws its own line anyway (row 3).
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    view: var[View] = var(cast(View, None), init=False, always_update=True)
    title_forms: var[tuple[tuple[str, str], ...]] = var(())
    NOTIFICATION_TIMEOUT: ClassVar[float] = 4  # seconds; warnings say how long they stay
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "screenshot", "Screenshot", show=False, id="screenshot",
                tooltip="Save an SVG screenshot"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (your progress is saved)"),
    ]

    def __init__(self, pack: Pack | None = None, position: Position | None = None,
                 first_run: bool | None = None, *, save: bool = True, freeze_gc: bool = False,
                 screenshot_dir: str | os.PathLike | None = None, cursor_blink: bool | None = None,
                 notices: Iterable[str] = (), ask_to: Position | None = None,
                 clock_note: str | None = None, profile: str | None = None,
                 together: "Together | None" = None, config: "Config | None" = None,
                 **kwargs):
        super().__init__(**kwargs)
        pack, position, first_run, notices = fill_in(pack, position, first_run, notices)
        # ask_to: asked for at launch, >1 checkpoint past ``position`` (saved): opens, then asks
        if ask_to is not None:
            ask_to.check_within(pack.episode_count)
        self.session = Session(pack, position)
        self.ask_to = ask_to if ask_to is not None and self.session.needs_confirm(ask_to) \
            else None
        # warnings from before the app started (a damaged progress file…): shown as toasts
        self.notices = tuple(n for n in notices if n)
        self.clock_note = clock_note  # what `--at 34:10` became (clock.Reading.explain())
        # freeze_gc (``companion`` sets it): the GC comes back on after the first frame, and
        # once every tab is mounted everything alive is frozen (runaway_companion/gcpolicy.py)
        self.freeze_gc = freeze_gc
        self.pack = pack
        self.first_run = first_run
        self.save = save
        from runaway_companion import state  # (not needed for the first import)
        # one profile, or several together (``saver`` brings whoever is behind along)
        self.profile = state.check_profile(profile) if profile else state.current_profile()
        self.saver = saver_for(pack.id, self.profile, together)
        self._arrival: tuple[str, str] | None = None  # (title, words) after a switch
        self.screenshot_dir = Path(screenshot_dir) if screenshot_dir else None
        self.blink = (not os.environ.get("COMPANION_NO_BLINK")) if cursor_blink is None else cursor_blink
        self.set_reactive(CompanionApp.view, self.session.view)
        self._main: MainScreen | None = None
        self.config = config  # the settings file's (None: read on mount; tui/settings.py)
        self._theme_restored = False
        self.last_screenshot: str | None = None  # the last screenshot's path (served: its name)
        self._toasts: dict[str, object] = {}
        self._move_note: Move | None = None
        self._told_news = False  # "N new things": once a run, and on jumps (the tab counts)
        self.exit_warning: str | None = None
        self._update_titles()  # (no terminal yet: nothing is written)

    @property
    def position(self) -> Position:
        return self.session.position

    together = property(lambda self: getattr(self.saver, "together", None),
                        doc="Who is watching together (None: one profile, ``profile``).")

    @property
    def main(self) -> MainScreen:
        """The main screen (the tabs), under any dialog."""
        assert self._main is not None, "the app has not started"
        return self._main

    def get_default_screen(self) -> MainScreen:
        self._main = MainScreen(self.session)
        return self._main

    def on_mount(self) -> None:
        from runaway_companion.tui.settings import apply_config

        if self.freeze_gc:  # the GC back on after the first frame (paused by the launcher)
            self.call_after_refresh(gcpolicy.resume_after_start)
        apply_config(self)  # the settings file's themes, keys and theme
        self._theme_restored = True
        self._update_titles()
        if self.notices or self.clock_note:  # after the first frame: the toast rack is there
            self.call_after_refresh(self._say_notices)
        if self.ask_to is not None:
            self._ask_launch_jump(self.ask_to)
        elif self.first_run:
            self.call_after_refresh(self.pick)

    def all_tabs_mounted(self) -> None:
        if self.freeze_gc:
            self.call_after_refresh(gcpolicy.freeze)

    def _ask_launch_jump(self, target: Position) -> None:
        """The picker's "Show everything up to …?" for a launch far ahead; no keeps the saved."""
        from runaway_companion.tui.dialogs.confirm import ConfirmScreen, confirm_question

        def answered(yes: bool | None) -> None:
            self.ask_to = None
            if yes:
                self.move_to(target)
            else:
                self.say(f"Kept your saved progress: {where(self, self.position)}.",
                         title="Progress", replace="position")

        self.push_screen(ConfirmScreen(confirm_question(target)), answered)

    def _say_notices(self) -> None:
        if self.clock_note:
            self.say(self.clock_note, title="By the clock", timeout=20)
        for notice in self.notices:
            self.say(notice, title="Saved progress", severity="warning", timeout=30)

    # --- progress -----------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        target = self.session.step_target(delta)
        if target is not None:
            self.move_to(target)
        elif delta > 0:
            self.say("You've finished the show — there is nothing after this.", title="Progress")
        else:
            self.say("You're at the very start.", title="Progress")

    def pick(self) -> None:
        from runaway_companion.tui.dialogs.picker import PickerScreen

        first = self.first_run
        self.first_run = False
        self.push_screen(PickerScreen(self.view, first_run=first),
                         partial(self.request_position, catch_up=not first))

    def request_position(self, target: Position | None, catch_up: bool = True) -> None:
        """Go to ``target``; more than one checkpoint forward asks first (in episode terms).
        ``catch_up=False`` (the very first pick) says where you are rather than moving on."""
        if target is None or target == self.position:
            return
        if self.session.needs_confirm(target):
            from runaway_companion.tui.dialogs.confirm import ConfirmScreen, confirm_question

            def answered(yes: bool | None) -> None:
                if yes:
                    self.move_to(target, catch_up=catch_up)

            self.push_screen(ConfirmScreen(confirm_question(target)), answered)
        else:
            self.move_to(target, catch_up=catch_up)

    def move_to(self, target: Position, catch_up: bool = True) -> None:
        """Change position: the session moves, the View goes down to every tab, saved."""
        move = self.session.move_to(target, catch_up)
        if move is None:
            return
        self._save_progress()
        self._update_titles()
        with self.batch_update():
            self.view = self.session.view  # MainScreen binds it into every pane
        # a toast about the old position would now be wrong: it goes in this frame
        self.drop_toast("position")
        # what's new (the "5 New · N" label, the toast) follows just after the frame
        if self._move_note is None:
            self.call_after_refresh(self._note_move)
        self._move_note = move

    def _note_move(self) -> None:
        note, self._move_note = self._move_note, None
        if note is None or not self.is_running:
            return
        since, new = self.session.news_events()
        self._label_news(len(new))
        arrival, self._arrival = self._arrival, None
        if not note.catch_up:
            title, words = arrival or ("Welcome", f"You're at {where(self, note.new)}.")
            later = ("What you have watched so far is under 5 New." if new else
                     "When you move on, what you've just watched shows up under 5 New.")
            self.say(f"{words} {later}", title=title, replace="position")
        elif note.new > note.old and new and self.main.front != "new" \
                and (not self._told_news or note.new != note.old.next()):
            self._told_news = True
            n = len(new)
            self.say(f"{n} new thing{'s' if n != 1 else ''} since "
                     f"{where(self, since) if since else 'last time'} — press 5 to catch up.",
                     title=where(self, note.new), replace="position")

    def _label_news(self, count: int) -> None:
        try:
            tab = self.main.tabbed.get_tab("new")
        except Exception:  # pragma: no cover - during shutdown
            return
        label = f"5 New · {count}" if count else "5 New"
        if tab.label.plain != label:  # (setting it always lays the tabs out again)
            tab.label = label

    def _save_progress(self) -> None:
        """Save just after the frame that shows the move (several moves: one write), the fsync
        in a background thread (state.ProgressSaver); on quit, durably (:meth:`flush_progress`)."""
        if self.save and self.saver.request(self.position):
            if not self.call_after_refresh(self.flush_progress, False):
                self.flush_progress()

    def flush_progress(self, durable: bool = True) -> None:
        """Write a position not saved yet (no-op when everything is saved)."""
        warning = self.saver.flush(durable)
        if warning:
            if self.is_running:
                self.say(warning, title="Progress not saved", severity="warning", timeout=10)
            else:  # quitting: companion prints it once the terminal is back
                self.exit_warning = warning

    def on_unmount(self) -> None:
        self.flush_progress()

    # --- toasts ---------------------------------------------------------------------------------
    def say(self, message: str, *, title: str = "", severity: str = "information",
            timeout: float | None = None, replace: str | None = None) -> None:
        """A toast, never parsed as markup (paths and pack text may hold brackets).
        ``replace``: a kind of toast of which only the latest should stay on screen."""
        from textual.notifications import Notification, Notify

        if replace is not None:
            self.drop_toast(replace)
        timeout = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        note = Notification(message, title, severity, timeout, markup=False)  # type: ignore[arg-type]
        if replace is not None:
            self._toasts[replace] = note
        self.post_message(Notify(note))

    def drop_toast(self, kind: str) -> None:
        """Take down the toast of ``kind`` (see :meth:`say`) if it is still on screen."""
        if (old := self._toasts.pop(kind, None)) is not None:
            unnotify(self, old)

    # --- titles and theme -------------------------------------------------------------------
    def _update_titles(self) -> None:
        """Header, window title: the show and your position in words — never an episode title."""
        self.title, self.title_forms = self.view.show_title, title_forms(self)
        self.sub_title = subtitle(self)
        self.terminal_title = f"{self.title} — {self.sub_title}"
        write_terminal_title(self, self.terminal_title)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the app is saved in the config file (never the progress file)."""
        if not self._theme_restored or not self.save:
            return
        from runaway_companion import config as settings_file

        if warning := settings_file.save_theme(theme, self.config.path if self.config else None):
            self.say(warning, title="Theme not saved", severity="warning")

    # --- screenshots and the palette ----------------------------------------------------------
    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """An SVG screenshot, saved or (served) downloaded: screenshot.py."""
        from runaway_companion.tui.screenshot import save_screenshot

        save_screenshot(self, filename, path)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(
                id="--command-palette",
                placeholder="Someone, a thread or an episode you know — or a command…"))
