"""`CompanionApp()` with no arguments (what `textual run --dev` makes) opens as `companion`
without flags does: the shipped pack, at the saved position, or 1:start with the picker."""
from __future__ import annotations

from runaway_companion import state
from runaway_companion.progress import Position
from runaway_companion.session import START
from runaway_companion.tui import CompanionApp
from runaway_companion.tui.main import TABS, MainScreen

from .helpers import until


async def test_companion_app_with_no_arguments_opens_the_shipped_pack_at_the_saved_position(
        real_pack):
    state.save_progress(real_pack.id, Position(3, "mid"))
    app = CompanionApp()
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(app.main.panes()) == len(TABS), "every tab is built")
        assert app.pack.id == real_pack.id
        assert app.position == app.view.position == Position(3, "mid")
        assert isinstance(app.screen, MainScreen)  # nothing to ask: no picker


async def test_companion_app_with_no_arguments_and_nothing_saved_opens_the_picker(real_pack):
    app = CompanionApp()
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        assert app.pack.id == real_pack.id and app.position == START
