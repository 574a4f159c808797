"""The main screen: header, the five tabs, footer; the keys that only make sense here (a dialog
on top disables them by itself), and the selection the tabs share.

State goes down: ``view``, ``front`` (the tab in front) and the selections are reactives bound
into the panes (``data_bind``). Intents come up: lists and the palette post
:class:`~runaway_companion.tui.panes.Selected`; only this screen changes the selection.
"""
from __future__ import annotations

from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Input, TabbedContent, TabPane, Tabs

from runaway_companion.tui.panes import ListDetailPane, Selected, ViewPane
from runaway_companion.tui.tabs.characters import CharactersPane
from runaway_companion.tui.widgets import QuietFooter, SteadyHeader

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.session import Session
    from runaway_companion.tui.app import CompanionApp
    from runaway_companion.tui.tabs.relationships import RelationshipsPane
    from runaway_companion.view import View

TABS: tuple[tuple[str, str, str], ...] = (
    ("characters", "Characters", "The characters you know at this point, by the name known then"),
    ("relationships", "Relationships", "Who is connected to whom, as of now — with a map"),
    ("threads", "Threads", "Plot threads open and resolved as of now, with a timeline"),
    ("episodes", "Episodes", "Recaps of the episodes you have watched"),
    ("new", "New", "What your last move forward revealed"),
)
# each tab's pane: the first is built for the first frame; the others' modules are imported
# and their panes built just after it (PaneSlot)
PANE_CLASS = {"characters": "characters:CharactersPane",
              "relationships": "relationships:RelationshipsPane",
              "threads": "threads:ThreadsPane", "episodes": "episodes:EpisodesPane",
              "new": "news:NewsPane"}
TAB_OF = {"character": "characters", "thread": "threads", "episode": "episodes"}
_TAB_KEYS = Binding.Group("Tabs", compact=True)
_STEP_KEYS = Binding.Group("Step", compact=True)


class PaneSlot(Widget):
    """Where a hidden tab's pane will be: nothing to show. The screen imports the pane's module
    and puts the pane here right after the first frame (as ``textual.lazy.Lazy`` would, but
    built by the screen, so the pane's ``data_bind`` binds to it)."""

    DEFAULT_CSS = "PaneSlot { display: none; }"

    def __init__(self, tab: str) -> None:
        super().__init__()
        self.tab = tab


def pane_class(tab: str) -> type[ViewPane]:
    """The pane class of ``tab`` (its module imported on first use)."""
    module, name = PANE_CLASS[tab].split(":")
    return getattr(import_module(f"runaway_companion.tui.tabs.{module}"), name)


class MainScreen(Screen[None]):
    """The companion's tabs over one View (``MainScreen(session)``)."""

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
        Binding("?,f1", "help", "Help", id="help", tooltip="Keys and help"),
    ]

    # ``var``: reactives that repaint nothing themselves — the panes they are bound to redraw
    # what changed. (A plain ``reactive`` here repainted the whole screen on every move: one
    # full-screen render per switch; benchmarks row 3 median went from ~15 ms to ~9 ms.)
    view: var["View"] = var(cast("View", None), init=False, always_update=True)
    front: var[str] = var("characters", init=False)
    character: var[str | None] = var(None, init=False)
    thread: var[str | None] = var(None, init=False)
    episode: var[str | None] = var(None, init=False)

    def __init__(self, session: "Session") -> None:
        super().__init__()
        self.session = session
        self.set_reactive(MainScreen.view, session.view)
        self._ready: set[str] = set()

    @property
    def companion(self) -> "CompanionApp":
        return cast("CompanionApp", self.app)

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SteadyHeader()
        with TabbedContent(id="tabs", initial="characters"):
            for i, (tab, label, _tip) in enumerate(TABS, start=1):
                with TabPane(f"{i} {label}", id=tab):
                    # only the first tab is built for the first frame; the others right after
                    yield self._make_pane(tab) if tab == "characters" else PaneSlot(tab)
        yield QuietFooter()

    def _make_pane(self, tab: str) -> ViewPane:
        """``tab``'s pane, bound to this screen's state (run in this screen's context)."""
        common = {"view": MainScreen.view, "front": MainScreen.front}
        cls = pane_class(tab)
        if tab == "new":
            return cls(self.session.news_events, id="new-pane").data_bind(**common)
        assert issubclass(cls, ListDetailPane)
        selected = {"character": MainScreen.character, "thread": MainScreen.thread,
                    "episode": MainScreen.episode}[cls.kind]
        return cls(id=f"{tab}-pane").data_bind(selected=selected, **common)

    def on_mount(self) -> None:
        for tab, _label, tip in TABS:
            try:
                self.tabbed.get_tab(tab).tooltip = tip
            except NoMatches:  # stopped (Ctrl+C in serve) before the tabs were mounted
                return
        if not self.companion.blink:
            for inp in self.query(Input):
                inp.cursor_blink = False
        self._fit_footer(self.size.width)
        self.watch(self.app, "view", self._take_view, init=False)
        self.call_after_refresh(self._build_hidden_panes)

    def _build_hidden_panes(self) -> None:
        """After the first frame: each hidden tab's pane in place of its slot."""
        for slot in self.query(PaneSlot):
            if slot.parent is not None:
                slot.parent.mount(self._make_pane(slot.tab), after=slot)
                slot.remove()

    def _take_view(self, view: "View") -> None:
        self.view = view

    def on_resize(self, event) -> None:
        self._fit_footer(event.size.width)

    def _fit_footer(self, width: int) -> None:
        """Below 100 columns the footer's keys are packed tighter, so all of them fit at 80."""
        for footer in self.query(QuietFooter):
            footer.compact = width < 100

    @on(ViewPane.Ready)
    def _pane_ready(self, event: ViewPane.Ready) -> None:
        if isinstance(event.control, ViewPane):
            self._ready.add(event.control.tab)
        if len(self._ready) == len(TABS):
            self.companion.all_tabs_mounted()

    # --- panes and tabs ---------------------------------------------------------------------
    @property
    def tabbed(self) -> TabbedContent:
        tabbed = self.__dict__.get("_tabbed")
        if tabbed is None:
            tabbed = self.__dict__["_tabbed"] = self.query_one(TabbedContent)
        return tabbed

    def pane(self, tab: str) -> ViewPane | None:
        """The pane of ``tab`` if it is mounted, caught up (it draws what it was told)."""
        try:
            holder = self.tabbed.get_pane(tab)
        except Exception:  # pragma: no cover - before the tabs exist, or shutting down
            return None
        pane = next((c for c in holder.children if isinstance(c, ViewPane)), None)
        if pane is not None:
            pane.catch_up()
        return pane

    def panes(self) -> Iterable[ViewPane]:
        return [pane for tab, _l, _t in TABS if (pane := self.pane(tab)) is not None]

    def _focus_front(self) -> None:
        """Focus the tab in front's main list at once (focus left in a hidden tab would pull
        the tabs back to it); the tab bar if that pane is still being built."""
        pane = self.pane(self.front)
        target = pane.main_widget() if pane is not None else None
        self.set_focus(target if target is not None else self.tabbed.query_one(Tabs))

    def watch_front(self, old: str, new: str) -> None:
        # in front: each move forward shows what it revealed; left: the next move starts afresh
        self.session.show_news(new == "new")

    def action_show_tab(self, tab: str) -> None:
        self.front = tab  # the pane catches up before it shows (panes.py)
        self.tabbed.active = tab
        self._focus_front()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id or ""
        self.front = tab  # (shown by a click just after a move: drawn first)
        if self.is_current:
            focused = self.focused
            if focused is None or tab not in {a.id for a in focused.ancestors_with_self}:
                self._focus_front()
        self.refresh_bindings()

    # --- the selection --------------------------------------------------------------------------
    @on(Selected)
    def _selected(self, message: Selected) -> None:
        message.stop()
        origin = message.origin
        if origin is not None:
            option = origin.highlighted_option
            if option is None or option.id != message.ident:
                return  # stale: that list has moved on since
        if message.show:
            self.action_show_tab(TAB_OF[message.kind])
        self.select(message.kind, message.ident)

    def select(self, kind: str, ident: str) -> None:
        """Make ``ident`` the selected character, thread or episode (at once)."""
        setattr(self, kind, ident)

    def jump(self, kind: str, ident: str) -> None:
        """Where a palette hit leads, at once: that tab in front, that item selected."""
        self.action_show_tab(TAB_OF[kind])
        self.select(kind, ident)

    # --- actions --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("filter", "sources"):
            return self.front == "characters"
        if action == "map":
            return self.front == "relationships"
        return True

    def action_step(self, delta: int) -> None:
        self.companion.step(delta)

    def action_pick(self) -> None:
        self.companion.pick()

    def action_filter(self) -> None:
        self.query_one(CharactersPane).start_filter()

    def action_sources(self) -> None:
        shown = self.query_one(CharactersPane).toggle_sources()
        self.companion.say("Sources shown under each line" if shown else "Sources hidden",
                           title="Sources", timeout=3)

    def action_map(self) -> None:
        pane = cast("RelationshipsPane | None", self.pane("relationships"))
        if pane is not None:
            pane.toggle_cast()

    def show_cast_map(self) -> None:
        self.action_show_tab("relationships")
        pane = cast("RelationshipsPane | None", self.pane("relationships"))
        if pane is not None and not pane.cast:
            pane.toggle_cast()

    def action_help(self) -> None:
        from runaway_companion.tui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        app = self.companion
        yield ("Set progress", "Pick an episode and how far into it you are", app.pick)
        yield ("Forward one checkpoint", "]", partial(app.step, 1))
        yield ("Back one checkpoint", "[", partial(app.step, -1))
        for i, (tab, label, tip) in enumerate(TABS, start=1):
            yield (f"{label} tab", f"{i} · {tip}", partial(self.action_show_tab, tab))
        yield ("Cast map", "Everyone known now, under their group, and the links between them",
               self.show_cast_map)
        from runaway_companion.tui import household

        yield ("Switch profile…", "Whose progress: each person in the household has their own",
               partial(household.pick_profile, app))
        yield ("Watch together…", "Two or more profiles on one screen, at the earliest place",
               partial(household.pick_together, app))
        if app.together is not None:
            yield ("Stop watching together", "Back to one profile, at its own place",
                   partial(household.pick_leave, app))
        yield ("Theme", "Change the colours (your choice is saved)", app.action_change_theme)
        yield ("Keys and help", "?", self.action_help)
        yield ("Screenshot", "Save an SVG of the screen (ctrl+s)", app.action_screenshot)
        yield ("Quit", "Your progress is already saved", app.action_quit)
