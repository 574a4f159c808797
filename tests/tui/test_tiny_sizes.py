"""No terminal size crashes the app: every screen and dialog, shrunk to a few cells and back."""
from __future__ import annotations

import pytest

from .helpers import resized, still, until

SIZES = [(8, 3), (1, 1), (20, 5), (40, 12), (120, 36)]


async def _shrink_and_grow(app, pilot) -> None:
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)
        await until(pilot, lambda: not app.is_running or (
            tuple(app.screen.size) == (width, height) and still(app)),
            f"a frame drawn at {width}×{height} (or the app stopped)")
        assert app.is_running and app.return_code is None, (width, height)


# (the key that opens it, the screen then on top); one app visits them all in turn
SCREENS = [(None, "main"), ("p", "PickerScreen"), ("question_mark", "HelpScreen"), ("m", "main"),
           ("s", "main"), ("4", "main"), ("3", "main"), ("5", "main")]


@pytest.mark.asyncio
async def test_no_terminal_size_crashes_a_screen_or_dialog(real_pack, make_app):
    app = make_app(real_pack, "3:mid", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.screen.query("TabbedContent"), "the main screen")
        for key, screen in SCREENS:
            if key:
                await pilot.press(key)
            if screen != "main":
                await until(pilot, lambda: type(app.screen).__name__ == screen, screen)
            await _shrink_and_grow(app, pilot)
            if screen != "main":  # back to the tabs for the next one
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is app.main, f"{screen} closed")
    assert app.return_code in (None, 0)


@pytest.mark.asyncio
async def test_no_terminal_size_crashes_the_forward_jump_question(real_pack, make_app):
    from runaway_companion.progress import Position

    app = make_app(real_pack, "1:end", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.screen.query("TabbedContent"), "the main screen")
        app.request_position(Position(6, "end"))
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", "the question")
        await _shrink_and_grow(app, pilot)
        assert app.position == Position(1, "end")


PAGE_KEYS = ["pageup", "pagedown", "home", "end", "pagedown", "down", "pageup"]


@pytest.mark.asyncio
@pytest.mark.parametrize("tab", ["1", "2", "3", "4"])
async def test_page_keys_in_a_tab_list_at_a_terminal_four_rows_high_or_less(real_pack, make_app,
                                                                         tab):
    app = make_app(real_pack, "3:mid", save=False)
    async with app.run_test(size=(80, 1)) as pilot:  # started at one row, then 2, 3 and 4
        await until(pilot, lambda: app.screen.query("TabbedContent"), "the main screen")
        await pilot.press(tab)
        for height in (1, 2, 3, 4):
            if height > 1:
                await resized(pilot, app, (80, height))
            for key in PAGE_KEYS:
                await pilot.press(key)
                assert app.is_running and app.return_code is None, (tab, height, key)
    assert app.return_code in (None, 0)


PICKER_SIZES = [(24, 30), (20, 30), (16, 12), (80, 4), (80, 2)]


@pytest.mark.asyncio
@pytest.mark.parametrize("side", ["episodes", "checkpoints"])
async def test_page_keys_in_the_pickers_lists_at_tiny_sizes(real_pack, make_app, side):
    app = make_app(real_pack, "3:mid", save=False, first_run=True)  # the picker opens by itself
    async with app.run_test(size=PICKER_SIZES[0]) as pilot:  # then smaller and smaller
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        app.screen.query_one(f"#picker-{side}").focus()
        for size in PICKER_SIZES:
            if size != PICKER_SIZES[0]:
                await resized(pilot, app, size)
            for key in PAGE_KEYS:
                await pilot.press(key)
                assert app.is_running and app.return_code is None, (side, size, key)
    assert app.return_code in (None, 0)
