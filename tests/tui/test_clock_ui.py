"""The clock in the TUI: the picker's time field (a playback time becomes the checkpoint safely
behind it, said in the preview; a bad time is one line there and moves nothing), and the note a
launch by the clock (`--episode 1 --at 40:00`) leaves."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from runaway_companion.progress import Position
from runaway_companion.tui.dialogs.picker import ConfirmScreen, PickerScreen

from .helpers import plain, until

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "example"


@pytest.fixture(scope="module")
def example_pack():
    from runaway_companion.pack import load_pack

    return load_pack(EXAMPLE)


def _preview(app) -> str:
    return plain(app.screen.query_one("#picker-preview").content)


async def _open_picker(pilot, app):
    await pilot.press("p")
    await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the picker is open")
    return app.screen


async def _type_time(pilot, app, text: str) -> None:
    field = app.screen.query_one("#picker-time", Input)
    field.focus()
    field.value = text
    await until(pilot, lambda: text.strip() == "" or "into episode" in _preview(app)
                or "not a time" in _preview(app) or "past the end" in _preview(app),
                f"the preview reads {text!r}")


async def test_a_typed_time_sets_the_checkpoint_rounded_down_and_says_why(example_pack, make_app):
    app = make_app(example_pack, "1:start", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        picker = await _open_picker(pilot, app)
        await _type_time(pilot, app, "34:10")  # episode 1 runs 44 min: 78 % → past mid's margin
        preview = _preview(app)
        assert "34:10 into episode 1 → 1:mid (halfway)" in preview
        assert "approximate" in preview and "You'll be at: Episode 1 · halfway" in preview
        assert picker.target == Position(1, "mid")
        cps = picker.query_one("#picker-checkpoints", OptionList)
        await until(pilot, lambda: cps.highlighted == 2, "the checkpoint list follows the time")
        await pilot.press("enter")  # 1:start → 1:mid is two checkpoints: it asks first
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the jump asks first")
        await pilot.press("y")
        await until(pilot, lambda: app.position == Position(1, "mid"), "moved to 1:mid")


async def test_the_time_is_read_against_the_highlighted_episodes_runtime(example_pack, make_app):
    app = make_app(example_pack, "2:start", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        picker = await _open_picker(pilot, app)
        await _type_time(pilot, app, "34m")  # 34 of 46 minutes (74 %): not yet past mid's margin
        assert "34:00 into episode 2 → 2:mid" in _preview(app)
        picker.query_one("#picker-episodes", OptionList).highlighted = 2  # episode 3, 51 minutes
        await until(pilot, lambda: "into episode 3" in _preview(app), "read again for episode 3")
        assert "34:00 into episode 3 → 3:mid" in _preview(app)


@pytest.mark.parametrize("text, error", [
    ("45:00", "45:00 is past the end of episode 1"),
    ("34:99", "is not a time"),
    ("soon", "is not a time"),
])
async def test_a_bad_time_is_one_line_in_the_preview_and_nothing_moves(example_pack, make_app,
                                                                       text, error):
    app = make_app(example_pack, "1:early", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        picker = await _open_picker(pilot, app)
        await _type_time(pilot, app, text)
        preview = _preview(app)
        assert error in preview and "\n" not in preview.strip()
        assert picker.target == Position(1, "early")
        rang = []
        app.bell = lambda: rang.append("bell")  # a refused go rings the bell
        await pilot.press("enter")  # refused: the picker stays, the position too
        await until(pilot, lambda: rang, "the enter is refused")
        assert isinstance(app.screen, PickerScreen) and app.position == Position(1, "early")
        await _type_time(pilot, app, "")  # cleared: the plain preview is back
        await until(pilot, lambda: "You'll be at: Episode 1 · about a quarter in" in _preview(app),
                    "the plain preview")


async def test_a_launch_by_the_clock_says_what_the_time_became_as_information(example_pack,
                                                                             make_app):
    note = "40:00 into episode 1 → 1:late (three quarters in); approximate: …"
    app = make_app(example_pack, "1:late", save=False, clock_note=note,
                   notices=["saved progress is damaged"])
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: len(app._notifications) == 2, "both toasts are up")
        toasts = {n.message: n for n in app._notifications}
        assert toasts[note].severity == "information" and toasts[note].title == "By the clock"
        damaged = toasts["saved progress is damaged"]
        assert damaged.severity == "warning" and damaged.title == "Saved progress"
