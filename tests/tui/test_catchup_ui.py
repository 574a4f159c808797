"""The New tab as a catch-up: with it open, each step shows just what that step revealed
(newest first, read from the top); the first pick from the start reveals what lies up to it; a
step that reveals nothing says so."""
from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import OptionList

from runaway_companion.progress import Position
from runaway_companion.tui.dialogs.picker import PickerScreen

from .helpers import noted, screen_text, until, widget_text


def _news_text(app) -> str:
    return widget_text(app, app.main.query_one("#new-pane"))


async def _show_new_tab(app, pilot) -> None:
    await pilot.press("5")
    await until(pilot, lambda: app.main.tabbed.active == "new", "the New tab in front")


async def test_with_the_new_tab_open_three_steps_show_only_the_last_steps_reveals(
        mini_pack, run_app):
    async with run_app(mini_pack, "1:end", size=(100, 30)) as (app, pilot):
        await _show_new_tab(app, pilot)
        for _ in range(3):  # to 2:start, 2:early, 2:mid: three steps, each noted
            await pilot.press("]")
            await noted(pilot, app)
        await until(pilot, lambda: app.position == Position(2, "mid")
                    and "New since Episode 2 · about a quarter in" in _news_text(app),
                    "the third step's news drawn")
        text = _news_text(app)
        assert "The stranger gives his name." in text and "Zed Quill" in text
        assert "appears" not in text  # the second step's new face is not counted again
        assert "Alice" not in text and "Bob" not in text  # nor episode 1
        assert app.main.tabbed.get_tab("new").label.plain == "5 New · 2"
        assert "New since Episode 2 · about a quarter in" in screen_text(app)


async def test_the_first_pick_from_the_start_reveals_episode_one_newest_first(
        mini_pack, run_app):
    async with run_app(mini_pack, "1:start", first_run=True, save=False,
                       size=(100, 30)) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the first picker")
        await pilot.press("1")
        checkpoints = app.screen.query_one("#picker-checkpoints", OptionList)
        checkpoints.highlighted = 4
        await until(pilot, lambda: checkpoints.highlighted == 4, "finished highlighted")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, PickerScreen), "picker closed")
        await pilot.press("y")  # "Show everything up to the end of episode 1?"
        await until(pilot, lambda: app.position == Position(1, "end"), "at the end of episode 1")
        await until(pilot, lambda: app.main.tabbed.get_tab("new").label.plain.startswith(
            "5 New · "), "the New count")
        await _show_new_tab(app, pilot)
        await until(pilot, lambda: "New since Episode 1 · not started" in _news_text(app),
                    "episode 1's news drawn")
        text = _news_text(app)
        assert "Episode 1: Pilot Light" in text  # the heading names the episode as known now
        newest, oldest = "Bob's car is found by the lake.", "Alice looks for her brother Bob."
        assert newest in text and oldest in text
        assert text.index(newest) < text.index(oldest)  # newest checkpoint first
        assert "Alice Moon appears" in text
        assert "Nothing new" not in text


async def test_a_step_that_reveals_nothing_says_so(mini_pack, run_app):
    async with run_app(mini_pack, "1:end", size=(100, 30)) as (app, pilot):
        await _show_new_tab(app, pilot)
        await pilot.press("]")
        await until(pilot, lambda: "Nothing new at Episode 2 · not started" in _news_text(app),
                    "the empty step said")
        assert app.main.tabbed.get_tab("new").label.plain == "5 New"
        assert "Nothing new at Episode 2 · not started" in screen_text(app)


async def test_new_news_is_read_from_the_top(real_pack, run_app):
    async with run_app(real_pack, "1:start", size=(100, 20)) as (app, pilot):
        app.move_to(Position(1, "late"))
        await _show_new_tab(app, pilot)
        body = app.main.query_one("#news-body", VerticalScroll)
        await until(pilot, lambda: body.max_scroll_y > 0, "a long list drawn")
        body.scroll_end(animate=False)
        await until(pilot, lambda: body.scroll_y > 0, "scrolled down")
        await pilot.press("]")
        await until(pilot, lambda: app.position == Position(1, "end")
                    and "New since Episode 1 · three quarters in" in _news_text(app)
                    and body.max_scroll_y > 0, "the next step's long list drawn")
        await until(pilot, lambda: body.scroll_y == 0, "read from the top")
