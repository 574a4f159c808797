"""Timing a Textual app in-process: "until everything a change caused has been drawn".

``pilot.pause()`` is not usable as a stopwatch: it always sleeps at least 20 ms
(``textual._wait.wait_for_idle`` samples CPU use in 1/50 s slices), which alone is more than a
frame. :func:`settle` instead runs the message loop until every widget's queue is empty and
nothing is waiting to be laid out or painted, then paints at once (what the 60 Hz refresh timer
would do on its next tick) — so a measurement is the work the change caused, with no idle
time in it.
"""
from __future__ import annotations

import asyncio
import gc
import time
from contextlib import contextmanager
from typing import Awaitable, Callable

from textual import events


def _busy(app) -> bool:
    try:
        screen = app.screen
    except Exception:  # pragma: no cover - no screen (shutting down)
        return False
    if app.message_queue_size:
        return True
    for node in screen.walk_children(with_self=True):
        if node.message_queue_size:
            return True
    return bool(screen._callbacks or screen._layout_required or screen._dirty_widgets
                or screen._repaint_required or screen._scroll_required)


async def settle(pilot, quiet_polls: int = 3, max_polls: int = 100_000) -> None:
    """Run the event loop until nothing is queued or waiting to be painted, painting at once.

    Polls with ``asyncio.sleep(0)`` (each poll lets every ready task take a step) and stops
    after ``quiet_polls`` polls in a row in which no widget had a message waiting and the screen
    had nothing to lay out or paint. Cheap: one poll walks the DOM once (~75 widgets).
    """
    app = pilot.app
    quiet = 0
    for _ in range(max_polls):
        await asyncio.sleep(0)
        screen = app.screen
        if screen._layout_required or screen._dirty_widgets or screen._repaint_required \
                or screen._scroll_required:
            if not app._batch_count:
                screen._on_timer_update()  # paint now, not on the next refresh tick
            quiet = 0
            continue
        if _busy(app):
            quiet = 0
            continue
        quiet += 1
        if quiet >= quiet_polls:
            return


async def timed(pilot, action: Callable[[], object | Awaitable[object]]) -> float:
    """Seconds from calling ``action`` until the app has settled and painted the result."""
    t0 = time.perf_counter()
    result = action()
    if hasattr(result, "__await__"):
        await result  # type: ignore[misc]
    await settle(pilot)
    return time.perf_counter() - t0


async def timed_frame(pilot, action: Callable[[], object],
                      shown: Callable[[], bool]) -> tuple[float, float]:
    """(to frame, to idle), in seconds, from calling ``action``.

    *To frame*: until the end of the first screen update (compositor refresh) that happens
    once ``shown()`` is true — i.e. the first frame painted after the app has applied the
    change (``shown`` tests the app's state: a new position, a new selected character), which
    is what the viewer waits for. *To idle*: until :func:`settle` — everything the change
    caused, including work after that frame (a toast sliding in, saving progress, a
    scrollbar). Both include posting the key and the app's handling of it.
    """
    from textual.screen import Screen

    app = pilot.app
    seen: list[float] = []
    original = Screen._compositor_refresh

    def hook(screen) -> None:
        original(screen)
        if not seen and screen is app.screen and shown():
            seen.append(time.perf_counter())

    Screen._compositor_refresh = hook  # type: ignore[method-assign]
    try:
        t0 = time.perf_counter()
        result = action()
        if hasattr(result, "__await__"):
            await result  # type: ignore[misc]
        await settle(pilot)
        idle = time.perf_counter() - t0
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]
    if not seen:
        raise RuntimeError("the change never reached the screen")
    return seen[0] - t0, idle


def press(app, key: str) -> None:
    """Deliver one key press the way a terminal does (through the driver), without waiting.

    ``key`` is a key name (``down``, ``end``) or one printable character (``]``), translated
    exactly as Textual's own ``Pilot.press`` does (``App._press_keys``): ``]`` becomes the key
    ``right_square_bracket`` with the character ``]`` — a bare ``Key("]")`` would match no
    binding and measure nothing. The event goes through the driver's ``send_message``, as a
    terminal's input does.
    """
    import unicodedata

    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    driver = app._driver
    if driver is not None:
        driver.send_message(event)
    else:  # pragma: no cover - not running
        app.post_message(event)


@contextmanager
def like_launch():
    """The GC set-up ``companion`` makes before it starts the TUI (``gc.freeze()`` after the
    pack is loaded, see runaway_companion/cli.py:launch), undone afterwards so one measurement's frozen
    objects don't stay in the benchmark process."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
