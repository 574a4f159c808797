"""Fixtures for the TUI tests: an isolated state dir, no blinking cursor, app factories, and
``run_app`` — a running app whose every tab is built (the shared pilot)."""
from __future__ import annotations

import os
import tempfile
from contextlib import asynccontextmanager

import pytest

from runaway_companion.progress import Position

from .helpers import until


def pytest_configure(config):
    """A failed snapshot's HTML report goes to the temp folder, not into the repository."""
    if getattr(config.option, "snapshot_report", None) == "snapshot_report.html":
        config.option.snapshot_report = os.path.join(tempfile.gettempdir(),
                                                     "companion-snapshot-report.html")


@pytest.fixture(autouse=True)
def _tui_env(tmp_path, monkeypatch):
    """Each test: its own saved-progress folder; no cursor blink (deterministic screens)."""
    state = tmp_path / "state"
    monkeypatch.setenv("COMPANION_STATE_DIR", str(state))
    monkeypatch.setenv("COMPANION_NO_BLINK", "1")
    monkeypatch.chdir(tmp_path)  # screenshots land here, never in the repo
    # the palette waits half a second before saying "No matches found"; tests needn't
    from textual.command import CommandPalette

    monkeypatch.setattr(CommandPalette, "_NO_MATCHES_COUNTDOWN", 0.02)
    # …and its search only notices that every provider is done at its next 0.1 s poll for a
    # hit (``wait_for(commands.get(), 0.1)``): ~0.13 s idle per query; polled every 5 ms here
    import asyncio

    import textual.command

    async def wait_for(awaitable, timeout):
        return await asyncio.wait_for(awaitable, min(timeout, 0.005))

    monkeypatch.setattr(textual.command, "wait_for", wait_for)
    # Pilot.press and Pilot.pause wait "until the process is idle": sleeps of 20 ms until one
    # used under 1 ms of CPU, at least 40 ms a key. 5 ms sleeps (under 0.25 ms of CPU) tell
    # the same; tests wait for defined states (helpers.until) anyway
    import textual._wait

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.005)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.00025)
    return state


@pytest.fixture
def make_app():
    """make_app(pack, "6:late", **kwargs) -> CompanionApp (not running)."""
    from runaway_companion.tui import CompanionApp

    def make(pack, position="1:end", **kwargs):
        pos = position if isinstance(position, Position) else Position.parse(position)
        app = CompanionApp(pack=pack, position=pos, **kwargs)
        app.animation_level = "none"  # no tab-underline animation to wait for
        return app

    return make


@pytest.fixture
def run_app(make_app):
    """``async with run_app(pack, "6:late", size=(100, 30)) as (app, pilot):`` — the app running
    with every tab built and caught up (a defined state, not a count of pauses). Extra keyword
    arguments go to ``CompanionApp``."""
    from runaway_companion.tui.main import TABS

    @asynccontextmanager
    async def run(pack, position="1:end", *, size=(100, 30), **kwargs):
        app = make_app(pack, position, **kwargs)
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: len(app.main.panes()) == len(TABS), "every tab is built")
            yield app, pilot

    return run
