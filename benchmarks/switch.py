"""Episode switch: from a progress change to the re-filtered, re-drawn tab, in-process.

A sweep presses ``]`` checkpoint by checkpoint from ``1:start`` to the last ``N:end`` and then
``[`` back, so every position and both directions are measured, with the chosen tab in front.
Each key is delivered as a terminal's would be (:func:`tuitools.press`) and goes through the
app's bindings to ``CompanionApp.move_to`` (what ``]``/``[``, the picker and the palette all
end in): a new View, every tab told, progress saved, the "N new things" toast.

One sample has two times (:func:`tuitools.timed_frame`): **to frame** — from the key to the
end of the first screen update painted after the position changed, i.e. the re-filtered,
re-rendered current tab on the glass (the target); **to idle** — until everything the key
caused is done and painted (the toast, the progress write, scrollbars).
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass

from benchmarks.tuitools import like_launch, press, settle, timed_frame


@contextmanager
def isolated_state():
    """A temporary COMPANION_STATE_DIR (progress saves go there, not to the user's)."""
    old = os.environ.get("COMPANION_STATE_DIR")
    with tempfile.TemporaryDirectory(prefix="companion-bench-state-") as tmp:
        os.environ["COMPANION_STATE_DIR"] = tmp
        try:
            yield tmp
        finally:
            if old is None:
                os.environ.pop("COMPANION_STATE_DIR", None)
            else:
                os.environ["COMPANION_STATE_DIR"] = old


@dataclass
class SwitchResult:
    samples: list[float]  # seconds to the frame, one per position change
    idle: list[float]  # seconds until idle, same order
    by_tab: dict[str, list[float]]  # to frame
    idle_by_tab: dict[str, list[float]]


def _sweep(episodes: int):
    from runaway_companion.progress import all_positions

    positions = all_positions(episodes)
    return positions[1:] + positions[-2::-1]  # forward to the end, then back to 1:start


async def _measure(pack, tabs: tuple[str, ...], sweeps: int, size: tuple[int, int],
                   limit: int | None) -> SwitchResult:
    from runaway_companion.progress import Position
    from runaway_companion.tui import CompanionApp

    start = Position(1, "start")
    # as `companion` starts it (cli.launch): gc frozen after loading, and again once mounted
    app = CompanionApp(pack=pack, position=start, cursor_blink=False, freeze_gc=True)
    app.animation_level = "none"
    by_tab: dict[str, list[float]] = {}
    idle_by_tab: dict[str, list[float]] = {}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()  # every lazy tab mounted
        await settle(pilot)
        for tab in tabs:
            app.main.action_show_tab(tab)
            await settle(pilot)
            frames: list[float] = []
            idles: list[float] = []
            for _ in range(sweeps):
                route = _sweep(pack.episode_count)
                if limit is not None:
                    route = route[:limit]
                for position in route:
                    key = "]" if position > app.position else "["
                    frame, idle = await timed_frame(
                        pilot, lambda k=key: press(app, k),
                        lambda p=position: app.position == p)
                    frames.append(frame)
                    idles.append(idle)
                if app.position != start:
                    app.move_to(start)
                    await settle(pilot)
            by_tab[tab] = frames
            idle_by_tab[tab] = idles
    return SwitchResult([s for v in by_tab.values() for s in v],
                        [s for v in idle_by_tab.values() for s in v], by_tab, idle_by_tab)


def measure_switch(pack, tabs: tuple[str, ...] = ("characters",), sweeps: int = 1,
                   size: tuple[int, int] = (100, 30), limit: int | None = None) -> SwitchResult:
    """Run the sweeps in a fresh event loop (with an isolated state folder)."""
    with isolated_state(), like_launch():
        return asyncio.run(_measure(pack, tabs, sweeps, size, limit))


async def _measure_tabs(pack, cycles: int, size: tuple[int, int]) -> SwitchResult:
    from runaway_companion.progress import Position
    from runaway_companion.tui import CompanionApp
    from runaway_companion.tui.main import TABS

    app = CompanionApp(pack=pack, position=Position(3, "end"), cursor_blink=False,
                       freeze_gc=True)
    app.animation_level = "none"
    by_tab: dict[str, list[float]] = {tab: [] for tab, _label, _tip in TABS}
    idle_by_tab: dict[str, list[float]] = {tab: [] for tab, _label, _tip in TABS}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()  # every lazy tab mounted
        await settle(pilot)
        order = [*TABS[1:], TABS[0]]  # from Characters: 2 3 4 5 1, again and again
        for _ in range(cycles):
            for i, (tab, _label, _tip) in enumerate(order):
                digit = str(1 + [t for t, _l, _t in TABS].index(tab))
                frame, idle = await timed_frame(
                    pilot, lambda k=digit: press(app, k),
                    lambda t=tab: app.main.front == t and app.main.tabbed.active == t)
                by_tab[tab].append(frame)
                idle_by_tab[tab].append(idle)
    return SwitchResult([s for v in by_tab.values() for s in v],
                        [s for v in idle_by_tab.values() for s in v], by_tab, idle_by_tab)


def measure_tab_switch(pack, cycles: int = 8, size: tuple[int, int] = (100, 30)) -> SwitchResult:
    """Tab switches (the digit keys) at 3:end: to the new tab's frame, and until idle (the
    footer's keys for that tab included)."""
    with isolated_state(), like_launch():
        return asyncio.run(_measure_tabs(pack, cycles, size))


def measure_core_switch(pack, sweeps: int = 1) -> list[float]:
    """The core's share of one switch: what the TUI asks of runaway_companion.view for a new position.

    A new View with its episodes, characters, relationships and threads, plus ``changes()``
    from the previous position (the "New" tab) — no Textual, no rendering.
    """
    from runaway_companion.view import View, changes

    samples = []
    for _ in range(sweeps):
        route = _sweep(pack.episode_count)
        previous = route[-1]
        for position in route:
            t0 = time.perf_counter()
            view = View(pack, position)
            _ = (view.episodes, view.characters, view.relationships, view.threads)
            changes(pack, previous, position)
            samples.append(time.perf_counter() - t0)
            previous = position
    return samples
