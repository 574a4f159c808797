"""The press that gives the app focus (the first click into a ``companion serve`` page, which
starts unfocused) only gives it focus: it does not choose an episode in the picker that opens
at first launch. Events are posted to the app as its driver posts them (AppFocus, then the
click's MouseDown and MouseUp), so they take the app's own path, not the pilot's shortcut."""
from __future__ import annotations

from textual import events
from textual.widgets import OptionList

from runaway_companion.progress import Position

from .helpers import until


async def test_the_click_that_focuses_the_page_does_not_choose_an_episode(make_app, mini_pack):
    app = make_app(mini_pack, Position(1, "start"), first_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        picker = app.screen
        episodes = picker.query_one("#picker-episodes", OptionList)
        await until(pilot, lambda: episodes.region.height > 0, "the episode list is laid out")
        app.post_message(events.AppBlur())  # a served page starts unfocused
        await until(pilot, lambda: not app.app_focus, "the app is out of focus")

        # the first click into the page, on episode 2: AppFocus, then the click itself
        app.post_message(events.AppFocus())
        target = episodes.region
        x, y = target.x + 3, target.y + 1 + 1  # (the list's border, then episode 1, 2)
        for kind in (events.MouseDown, events.MouseUp):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False,
                                  screen_x=x, screen_y=y))
        await until(pilot, lambda: app.app_focus and _idle(app), "the click is handled")
        assert picker.episode == 1 and episodes.highlighted == 0
        assert app.focused is episodes  # still on the episodes: nothing was chosen

        # a later click acts as usual
        for kind in (events.MouseDown, events.MouseUp):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False,
                                  screen_x=x, screen_y=y))
        await until(pilot, lambda: picker.episode == 2, "the second click chose episode 2")


async def test_a_click_long_after_the_focus_acts(make_app, mini_pack):
    """Focus from the keyboard (Tab into the page), a click later: that click is a click."""
    app = make_app(mini_pack, Position(1, "start"), first_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        picker = app.screen
        episodes = picker.query_one("#picker-episodes", OptionList)
        await until(pilot, lambda: episodes.region.height > 0, "the episode list is laid out")
        app.post_message(events.AppBlur())
        await until(pilot, lambda: not app.app_focus, "the app is out of focus")
        focus = events.AppFocus()
        app.post_message(focus)
        await until(pilot, lambda: app.app_focus, "the app has focus")
        target = episodes.region
        x, y = target.x + 3, target.y + 1 + 1
        for kind in (events.MouseDown, events.MouseUp):
            event = kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y)
            event.time = focus.time + app.FOCUS_PRESS_WINDOW + 1  # well after it
            app.post_message(event)
        await until(pilot, lambda: picker.episode == 2, "the click chose episode 2")


async def test_a_focused_app_takes_every_click(make_app, mini_pack):
    """In a terminal (always focused) nothing is dropped: the first click chooses."""
    app = make_app(mini_pack, Position(1, "start"), first_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        picker = app.screen
        episodes = picker.query_one("#picker-episodes", OptionList)
        await until(pilot, lambda: episodes.region.height > 0, "the episode list is laid out")
        app.post_message(events.AppFocus())  # already focused: not a focusing press
        target = episodes.region
        x, y = target.x + 3, target.y + 1 + 1
        for kind in (events.MouseDown, events.MouseUp):
            app.post_message(kind(None, x, y, 0, 0, 1, False, False, False,
                                  screen_x=x, screen_y=y))
        await until(pilot, lambda: picker.episode == 2, "the click chose episode 2")


def _idle(app) -> bool:
    """No message waits anywhere (the app, the screen, any widget) and nothing to redraw."""
    from .helpers import still

    return app._message_queue.empty() and still(app) and all(
        w._message_queue.empty() for w in app.screen.walk_children())

