"""Names that open a person's card: in a card, on a map, in a relationship's lines.

A name is drawn with :func:`name_style` — a Rich style whose ``@click`` meta runs
``open_person(id)`` on the widget it is drawn in (a :class:`NamesStatic`); the widget only posts
:class:`~runaway_companion.tui.panes.Selected` up (intents flow up: the main screen changes the
selection and brings the Characters tab, with that card, to the front).

The keyboard does the same with a *name cursor* (:class:`NameCursor`): while a tab's detail is
focused, ←/→ move it over the names drawn there and Enter opens the one under it.
"""
from __future__ import annotations

from rich.style import Style
from textual.geometry import Region

from runaway_companion.tui.panes import ListDetailPane, Selected
from runaway_companion.tui.statics import RichStatic

CURSOR = Style(reverse=True)


def name_style(ident: str, base: str = "bold", cursor: bool = False) -> Style:
    """The style of a person's name that opens their card on a click (reversed under the
    cursor)."""
    style = Style.parse(base) if base else Style()
    if cursor:
        style += CURSOR
    return style + Style(meta={"@click": f"open_person({ident!r})"})


class NamesStatic(RichStatic):
    """A RichStatic whose names (drawn with :func:`name_style`) open that person's card."""

    def action_open_person(self, ident: str) -> None:
        self.post_message(Selected("character", ident, show=True))

    def cursor_row(self) -> int | None:
        """The first row (in this widget) drawing a name under the cursor; None: no such row."""
        width, height = self.size
        if not width or not height:
            return None
        for y, strip in enumerate(self.render_lines(Region(0, 0, width, height))):
            for segment in strip:
                style = segment.style
                if style is not None and style.reverse and "@click" in style.meta:
                    return y
        return None


class NameCursor:
    """Which of the names drawn in a detail is under the keyboard's cursor (None: none)."""

    def __init__(self) -> None:
        self.names: tuple[str, ...] = ()
        self.index: int | None = None

    @property
    def current(self) -> str | None:
        if self.index is None or not self.names:
            return None
        return self.names[min(self.index, len(self.names) - 1)]

    def show(self, names: tuple[str, ...]) -> None:
        """The names now drawn, in reading order (keeps the cursor on its name if it is still
        there)."""
        current = self.current
        self.names = names = tuple(dict.fromkeys(names))
        if self.index is not None:
            self.index = names.index(current) if current in names else (0 if names else None)

    def start(self) -> None:
        self.index = 0 if self.names else None

    def stop(self) -> None:
        self.index = None

    def move(self, delta: int) -> None:
        if not self.names:
            self.index = None
        elif self.index is None:
            self.index = 0 if delta > 0 else len(self.names) - 1
        else:
            self.index = (self.index + delta) % len(self.names)


class NamesPane(ListDetailPane):
    """A list-and-detail pane whose detail draws names: while the detail (``body_id``) is
    focused, the name cursor shows; ←/→ move it, Enter opens that card. The pane draws with
    ``self.name_cursor.current`` and tells it the names it drew (``name_cursor.show``)."""

    @property
    def name_cursor(self) -> NameCursor:
        cursor = self.__dict__.get("_name_cursor")
        if cursor is None:
            cursor = self.__dict__["_name_cursor"] = NameCursor()
        return cursor

    def _detail_focused(self) -> bool:
        focused = self.screen.focused
        return focused is not None and focused.id == self.body_id

    def on_descendant_focus(self, event) -> None:
        if getattr(event.widget, "id", None) == self.body_id:
            self.name_cursor.start()
            self.refresh_selection()

    def on_descendant_blur(self, event) -> None:
        if getattr(event.widget, "id", None) == self.body_id \
                and self.name_cursor.index is not None:
            self.name_cursor.stop()
            self.refresh_selection()

    def name_key(self, event) -> bool:
        """Handle ←/→/Enter on the focused detail; True when the key was taken."""
        if event.key not in ("left", "right", "enter") or not self._detail_focused():
            return False
        cursor = self.name_cursor
        event.stop()
        event.prevent_default()
        if event.key == "enter":
            ident = cursor.current
            if ident is not None:
                self.post_message(Selected("character", ident, show=True))
            return True
        cursor.move(1 if event.key == "right" else -1)
        self.refresh_selection()
        self.call_after_refresh(self.scroll_to_name_cursor)
        return True

    def scroll_to_name_cursor(self) -> None:
        """Scroll the detail (no animation) so that the name under the cursor is in view."""
        body = self.query_one(f"#{self.body_id}")
        for names in body.query(NamesStatic):
            row = names.cursor_row()
            if row is not None:
                top = names.virtual_region.y + row
                body.scroll_to_region(Region(0, top, 1, 1), animate=False, immediate=True)
                return
