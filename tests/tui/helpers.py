"""Reading what the TUI shows: the glass (screen text) and every widget's full content."""
from __future__ import annotations

import asyncio
import io

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.widgets import Input, OptionList, Static, Tab

from runaway_companion.model import Pack
from runaway_companion.progress import Position
from runaway_companion.tui.text import Deferred, Rows

_WIDE = 4000


def screen_text(app) -> str:
    """Exactly the characters on the terminal now (all screens composited, like a screenshot)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def plain(renderable) -> str:
    """The full, unwrapped text of a renderable (a Static's content, an option's prompt)."""
    if renderable is None:
        return ""
    if isinstance(renderable, str):
        return renderable
    if isinstance(renderable, (Text, Content)):
        return renderable.plain
    if isinstance(renderable, Group):
        return "\n".join(plain(r) for r in renderable.renderables)
    if isinstance(renderable, Rows):  # (as a wide console shows it, without its padding)
        return "\n".join(f"{label} {plain(text)}" for label, text in renderable.rows)
    if isinstance(renderable, Deferred):
        return plain(renderable.renderable)
    if isinstance(renderable, Table):
        cells = [list(column.cells) for column in renderable.columns]
        rows = zip(*cells) if cells else []
        return "\n".join(" ".join(plain(c) for c in row) for row in rows)
    console = Console(width=_WIDE, file=io.StringIO(), record=True, legacy_windows=False,
                      color_system=None)
    console.print(renderable)
    return console.export_text()


def widget_text(app, *roots) -> str:
    """Every widget's full content under ``roots`` (default: the whole main screen, hidden tabs
    too, plus the titles and the keys)."""
    from runaway_companion.tui.tabs.threads import Timeline

    parts: list[str] = []
    if not roots:
        roots = (app.main,)
        parts = [app.title, app.sub_title, getattr(app, "terminal_title", "")]
        for binding in app.active_bindings.values():
            parts.extend((binding.binding.description, binding.binding.tooltip or ""))
    widgets = [w for root in roots for w in root.walk_children(with_self=False)]
    for widget in widgets:
        if isinstance(widget, Timeline):
            parts.append(plain(widget.render()))
        elif isinstance(widget, Tab):
            parts.append(widget.label.plain)
        elif isinstance(widget, Static):
            parts.append(plain(widget.content))
        elif isinstance(widget, OptionList):
            parts.extend(plain(o.prompt) for o in widget.options)
        elif isinstance(widget, Input):
            parts.extend((widget.value, widget.placeholder))
        if widget.tooltip:
            parts.append(plain(widget.tooltip))
    return "\n".join(parts)


def _blob(pack: Pack, position: Position) -> str:
    """The text of every piece visible at ``position`` (what may legitimately appear)."""
    from leakcheck import dated_items

    return "\n".join(i.text for i in dated_items(pack) if i.at <= position)


def probes(pack: Pack, position: Position, hidden: set[str]) -> dict[str, str]:
    """hidden text -> the shortest run of its first words (≥ 14 chars) no visible data contains.

    Short hidden texts (names, labels) are their own probe; long ones are caught even when
    the UI truncates them.
    """
    blob = _blob(pack, position)
    out = {}
    for h in hidden:
        probe = h
        ends = [i for i, ch in enumerate(h) if ch == " " and i >= 14] + [len(h)]
        for n in ends:
            if h[:n] not in blob:
                probe = h[:n]
                break
        out[h] = probe
    return out


def collapse(text: str) -> str:
    return " ".join(text.split())


async def until(pilot, check, what: str, timeout: float = 10.0) -> None:
    """Wait until ``check()`` holds — a defined state — with the screen on top mounted (a
    dialog just pushed has run its ``on_mount``). Between checks a short pause (1 ms at first,
    up to 16 ms: the app's frame) after which the screen is brought up to date; at most
    ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = 0.001
    while not (_top_mounted(pilot.app) and check()):
        if loop.time() > deadline:
            raise AssertionError(f"never reached: {what}")
        await pilot.pause(delay)
        delay = min(delay * 2, 0.016)


def _top_mounted(app) -> bool:
    try:
        return app.screen.is_mounted
    except Exception:  # no screen any more: the app has stopped
        return True


# --- waits for a defined state (never a count of pauses) ------------------------------------

def still(app) -> bool:
    """Nothing on the screen waits to be laid out or painted: ``screen_text`` now is a frame
    the terminal shows (not new content in an old layout)."""
    top = app.screen  # (a screen under a dialog is not current: it updates once on top again)
    if (top._layout_required or top._scroll_required or top._repaint_required
            or top._dirty_widgets or not top._message_queue.empty()):
        return False
    return not any(w._layout_required or w._repaint_required or w._scroll_required
                   for w in top.walk_children())


async def shows(pilot, app, *texts: str) -> str:
    """Wait until the screen, laid out and painted, shows every one of ``texts``; returns the
    screen text of then (a drawn frame: check in it what must be absent)."""
    seen: dict[str, str] = {}

    def check() -> bool:
        if not still(app):
            return False
        seen["glass"] = glass = screen_text(app)
        return all(t in glass for t in texts)

    await until(pilot, check, f"the screen shows {texts!r}")
    return seen["glass"]


async def on_screen(pilot, app, screen_type) -> None:
    """Wait until a ``screen_type`` is the screen on top."""
    await until(pilot, lambda: isinstance(app.screen, screen_type),
                f"{screen_type.__name__} is on top")


async def off_screen(pilot, app, screen_type) -> None:
    """Wait until the screen on top is no longer a ``screen_type``."""
    await until(pilot, lambda: not isinstance(app.screen, screen_type),
                f"{screen_type.__name__} is gone")


async def tab_is(pilot, app, tab: str) -> None:
    """Wait until ``tab`` is the tab in front: shown, its pane told so and on the screen."""
    await until(pilot, lambda: app.main.tabbed.active == tab and app.main.front == tab
                and app.main.query_one(f"#{tab}-pane").is_on_screen,
                f"the {tab} tab is in front")


def drawn(app) -> bool:
    """Every tab, hidden ones included, has drawn the app's current View."""
    from runaway_companion.tui.panes import ViewPane

    return all(pane.view is app.view and not pane.stale for pane in app.main.query(ViewPane))


async def at(pilot, app, position, header: bool = True) -> None:
    """Wait until the app is at ``position`` ("2:mid" or a Position), every tab has drawn it
    and (``header``) the header on the screen says it."""
    pos = position if isinstance(position, Position) else Position.parse(position)

    def check() -> bool:
        if app.position != pos or not drawn(app):
            return False
        return not header or (still(app) and f"{app.title} — {app.sub_title}" in screen_text(app))

    await until(pilot, check, f"at {pos}, drawn")


async def noted(pilot, app) -> None:
    """Wait until what follows a move's frame (the "5 New · N" label, its toast) is done."""
    await until(pilot, lambda: app._move_note is None, "the move's note is out")


async def notified(pilot, app, check, what: str) -> list:
    """Wait until a toast satisfies ``check(notification)``; returns every toast that does."""
    await until(pilot, lambda: any(check(n) for n in app._notifications), what)
    return [n for n in app._notifications if check(n)]


async def palette_types(pilot, app, query: str) -> None:
    """In an open command palette (a fresh one: its input still empty), type ``query`` and
    wait until its hits are in and the first one is highlighted."""
    from textual.command import CommandInput, CommandList, CommandPalette

    await until(pilot, lambda: isinstance(app.screen, CommandPalette)
                and app.screen.query_one(CommandInput).value == "", "a fresh palette")
    app.screen.query_one(CommandInput).value = query
    await until(pilot, lambda: app.screen.query_one(CommandList).highlighted is not None
                and all(w.is_finished for w in app.workers),
                f"every palette hit for {query!r} is in, the first highlighted")


async def resized(pilot, app, size, widget=None) -> None:
    """At ``size``: the terminal resized (unless it is already) and a frame drawn there;
    ``widget`` (which grows with the terminal) laid out again at its new width."""
    before = widget.size.width if widget is not None else None
    if tuple(app.size) != size:
        await pilot.resize_terminal(*size)
    else:
        before = None
    await until(pilot, lambda: tuple(app.screen.size) == size and still(app)
                and (before is None or widget.size.width != before),
                f"a frame drawn at {size[0]}×{size[1]}")
