"""Pieces shared by the tabs: the pane base class and small text helpers.

Every pane draws itself from a :class:`companion.view.View` handed to it by the app — never from
the pack — so the one visibility rule in ``companion/view.py`` is the only thing deciding what
appears on screen.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from rich.text import Text
from textual.containers import Container

from companion.model import Item
from companion.progress import FRIENDLY, Position

if TYPE_CHECKING:  # pragma: no cover
    from companion.view import View


def when(position: Position) -> str:
    """``Ep 3 · halfway`` — an episode marker for a dated line."""
    return f"Ep {position.episode} · {FRIENDLY[position.checkpoint]}"


def uncertain(item: Item | None) -> str:
    return " (uncertain)" if item is not None and item.confidence == "low" else ""


def source_keys(items: Iterable[Item | None]) -> list[str]:
    """The source keys behind some items, in first-seen order, without repeats."""
    seen: list[str] = []
    for item in items:
        if item is None:
            continue
        for key in item.sources:
            if key not in seen:
                seen.append(key)
    return seen


def cite(item: Item | None) -> Text:
    """A dim ``[KEY, KEY]`` suffix naming the sources behind one line."""
    if item is None or not item.sources:
        return Text("")
    return Text(f"  [{', '.join(item.sources)}]", style="dim italic")


def truncate(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


class ViewPane(Container):
    """A tab's content. Subclasses implement :meth:`refresh_view` from ``self.view`` only."""

    view: "View | None" = None

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

    def show_view(self, view: "View") -> None:
        self.view = view
        self.refresh_view()

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

    def focus_main(self) -> None:
        widget = self.main_widget()
        if widget is not None:
            widget.focus()
