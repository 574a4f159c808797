"""The tab pane bases: state comes down (reactives bound by the main screen), intents go up
(:class:`Selected`). No pane reads the app or the pack: each draws from its bound ``view``.

**The catch-up rule** (the one mechanism for hidden tabs, named in docs/spoiler-safety.md): a
pane draws a change at once when it is in front (``front == tab``) or when the change is a move
back; otherwise it marks itself ``stale`` and catches up just after the next frame — or at once,
whichever comes first, when it is brought to the front or anything asks for it
(``MainScreen.pane``). So a hidden pane never *shows* another position, and never holds a later
one at all.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.tui.statics import set_text

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import View


class Selected(Message):
    """Show ``ident`` (a character, thread or episode): posted by lists and the palette; only
    the main screen changes the selection. ``origin``: the list that asked (a newer highlight
    there makes this one stale); ``show``: bring its tab to the front too."""

    def __init__(self, kind: str, ident: str, origin: OptionList | None = None,
                 show: bool = False) -> None:
        super().__init__()
        self.kind, self.ident, self.origin, self.show = kind, ident, origin, show


class PickList(OptionList):
    """A tab's list: a cursor move asks for that item at once (in the same frame as the key),
    not one ``OptionHighlighted`` later."""

    def __init__(self, kind: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind = kind

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None or not self.is_mounted:
            return
        option = self.options[highlighted]
        if option.id and not option.disabled:  # straight to the screen: no bubbling hops
            self.screen.post_message(Selected(self.kind, option.id, origin=self))


class ViewPane(Container):
    """A tab's content, drawn by :meth:`refresh_view` from ``self.view`` only."""

    view: var["View | None"] = var(None, init=False, always_update=True)
    front: var[str] = var("", init=False)
    main_id: ClassVar[str] = ""  # the widget focused when this tab is shown
    stale: set[str]  # what this hidden pane has still to draw: "view", "selection"

    class Ready(Message):
        """A pane is mounted (tabs after the first mount just after the first frame)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stale = set()
        self._ready = False
        self._catching_up = False

    @property
    def tab(self) -> str:
        return self.id.removesuffix("-pane") if self.id else ""

    def on_mount(self) -> None:
        self._ready = True
        self.stale.add("view")
        self.catch_up()
        self.post_message(self.Ready())
        if self.front == self.tab and self.screen.is_current:
            widget = self.main_widget()
            if widget is not None:
                self.screen.set_focus(widget)

    def watch_view(self, old: "View | None", new: "View | None") -> None:
        back = old is not None and new is not None and new.position < old.position
        self.changed("view", now=back)

    def watch_front(self, front: str) -> None:
        if front == self.tab:
            self.catch_up()

    def changed(self, what: str, now: bool = False) -> None:
        """The catch-up rule (module docstring)."""
        self.stale.add(what)
        if now or self.front == self.tab:
            self.catch_up()
        elif self._ready and not self._catching_up:
            self._catching_up = True
            self.call_after_refresh(self.catch_up)

    def catch_up(self) -> None:
        """Draw at once whatever this pane was told and has not drawn yet."""
        self._catching_up = False
        if not self._ready or self.view is None or not self.stale:
            return
        stale, self.stale = self.stale, set()
        if "view" in stale:
            self.refresh_view()
        else:
            self.refresh_selection()

    def refresh_view(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def refresh_selection(self) -> None:
        self.refresh_view()

    def part(self, widget_id: str, expect_type=None):
        """A child widget by id, looked up once (panes never remove their parts)."""
        cache = self.__dict__.setdefault("_parts", {})
        widget = cache.get(widget_id)
        if widget is None:
            widget = self.query_one(f"#{widget_id}", expect_type) if expect_type else \
                self.query_one(f"#{widget_id}")
            cache[widget_id] = widget
        return widget

    def main_widget(self):
        if not self.main_id:
            return None
        try:
            return self.part(self.main_id)
        except Exception:
            return None


# the border titles of each tab's two panels, by the pane's ``prefix``: names of the panels,
# the same at every position (never a count or a name from the show)
PANEL_TITLES: dict[str, tuple[str, str]] = {
    "char": ("Characters", "Card"),
    "rel": ("People", "Connections"),
    "thr": ("Threads", "Timeline and beats"),
    "ep": ("Episodes", "Recap"),
}


SHORT_PANE = 6  # rows: below this the panels have no border (nor title)


class ListDetailPane(ViewPane):
    """A count line and a list on the left, a scrolling detail on the right, one selection.
    Each panel has a border title (:data:`PANEL_TITLES`, or ``side_title``/``detail_title``),
    and the panel that has the focus shows it (``:focus-within`` in app.tcss).

    Subclasses say what the list holds (:meth:`options`, with a ``signature`` of what they say)
    and draw the detail (:meth:`draw_detail`); the list's cursor asks for a new selection with
    :class:`Selected`, and the bound ``selected`` comes back down from the main screen.
    """

    selected: var[str | None] = var(None, init=False)
    kind: ClassVar[str] = ""
    prefix: ClassVar[str] = ""  # widget ids: {prefix}-side, {prefix}-count, …
    list_id: ClassVar[str] = ""
    body_id: ClassVar[str] = ""
    adopt_default: ClassVar[bool] = True  # the item shown for want of a selection becomes it
    side_title: ClassVar[str] = ""  # default: PANEL_TITLES[prefix]
    detail_title: ClassVar[str] = ""

    @property
    def titles(self) -> tuple[str, str]:
        """(the list panel's border title, the detail panel's)."""
        side, detail = PANEL_TITLES.get(self.prefix, ("", ""))
        return self.side_title or side, self.detail_title or detail

    def compose(self):
        side_title, detail_title = self.titles
        with Horizontal():
            with Vertical(id=f"{self.prefix}-side", classes="side") as side:
                side.border_title = side_title
                yield from self.compose_side()
                yield Static("", id=f"{self.prefix}-count", classes="count")
                yield PickList(self.kind, id=self.list_id)
            with VerticalScroll(id=self.body_id, classes="detail") as detail:
                detail.border_title = detail_title
                yield from self.compose_detail()

    def on_resize(self, event: Resize) -> None:
        # too short for a border round each panel (it would leave the list no row at all)
        self.set_class(event.size.height < SHORT_PANE, "-short")

    def compose_side(self):
        return ()

    def compose_detail(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def watch_selected(self) -> None:
        self.changed("selection")

    # --- what subclasses say ------------------------------------------------------------------
    def count_text(self, view: "View") -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def build_options(self, view: "View") -> list[Option]:  # pragma: no cover - abstract
        raise NotImplementedError

    def draw_detail(self, view: "View", ident: str | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def default_ident(self, ids: list[str]) -> str | None:
        return ids[0] if ids else None

    # --- drawing --------------------------------------------------------------------------------
    _signature: object = None
    _ids: dict[str, int]

    @property
    def option_list(self) -> OptionList:
        return self.part(self.list_id, OptionList)

    def refresh_view(self) -> None:
        view = self.view
        assert view is not None
        set_text(self.part(f"{self.prefix}-count", Static), Text(self.count_text(view)))
        signature = self.signature(view)
        ol = self.option_list
        with self.app.batch_update():
            if "_ids" not in self.__dict__ or signature != self._signature:
                with self.prevent(Selected, OptionList.OptionHighlighted):
                    ol.set_options(self.build_options(view))
                self._signature = signature
                self._ids = {o.id: i for i, o in enumerate(ol.options)
                             if not o.disabled and o.id is not None}
            self.refresh_selection()

    def signature(self, view: "View") -> object:  # pragma: no cover - abstract
        raise NotImplementedError

    def refresh_selection(self) -> None:
        """Put the cursor on the selection and draw its detail (the first item when the
        selection is not in the list — which then becomes the selection)."""
        view = self.view
        if view is None or "_ids" not in self.__dict__:
            return
        ident = self.selected
        ids = self._ids
        if ids and ident not in ids:
            ident = self.default_ident(list(ids))
            if self.adopt_default and ident is not None and ident != self.selected:
                self.post_message(Selected(self.kind, ident))
        if ident is not None and ident in ids:
            ol = self.option_list
            if ol.highlighted != ids[ident]:
                with self.prevent(Selected, OptionList.OptionHighlighted):
                    ol.highlighted = ids[ident]
        self.draw_detail(view, ident)
