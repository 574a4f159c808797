"""Statics for the tabs' Rich content, on Textual's public API only: ``RichStatic`` keeps what
it built per widget, ``set_text`` skips an update that would change nothing."""
from __future__ import annotations

from rich.text import Text
from textual.cache import LRUCache
from textual.widgets import Static


class RichStatic(Static):
    """A ``Static`` for Rich content whose ``show`` keeps the renderables it built in a
    per-widget ``LRUCache`` keyed by the render function's arguments, and skips the update
    when they are the ones shown (public API only). ``content`` stays the Rich renderable."""

    _key: object = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._built: LRUCache[object, object] = LRUCache(32)

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
