"""Progress in the TUI: the picker, stepping, the confirmation, saving and restoring, and
"new since last time"."""
from __future__ import annotations

from runaway_companion import state
from runaway_companion.progress import Position
from runaway_companion.tui.dialogs.picker import ConfirmScreen, PickerScreen, confirm_question

from .helpers import at, notified, on_screen, screen_text, shows, tab_is, until, widget_text


async def _pick(pilot, app, episode: int, checkpoint_index: int) -> None:
    """In an open picker: choose ``episode`` and the checkpoint at ``checkpoint_index``."""
    from textual.widgets import OptionList

    from runaway_companion.progress import CHECKPOINTS

    await on_screen(pilot, app, PickerScreen)
    picker = app.screen
    await pilot.press(str(episode))
    await until(pilot, lambda: picker.episode == episode
                and getattr(app.focused, "id", None) == "picker-checkpoints",
                f"episode {episode} is picked, the checkpoints focused")
    app.screen.query_one("#picker-checkpoints", OptionList).highlighted = checkpoint_index
    await until(pilot, lambda: picker.checkpoint == CHECKPOINTS[checkpoint_index],
                "the checkpoint is picked")
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not picker, "the picker is closed")


def test_the_question_names_only_episodes():
    assert confirm_question(Position(6, "end")) == "Show everything up to the end of episode 6?"
    assert confirm_question(Position(3, "mid")) == "Show everything up to halfway through episode 3?"
    assert confirm_question(Position(2, "start")) == "Show everything up to the start of episode 2?"


async def test_first_launch_opens_the_picker(mini_pack, run_app):
    async with run_app(mini_pack, "1:start", first_run=True, size=(100, 30)) as (app, pilot):
        await on_screen(pilot, app, PickerScreen)
        assert isinstance(app.screen, PickerScreen)
        assert "Where are you in Mini Show?" in await shows(pilot, app, "Where are you in")


async def test_first_launch_choosing_episode_3_finished_shows_who_you_know(real_pack, run_app):
    async with run_app(real_pack, "1:start", first_run=True, size=(120, 36)) as (app, pilot):
        await _pick(pilot, app, 3, 4)
        await on_screen(pilot, app, ConfirmScreen)
        assert "Show everything up to the end of episode 3?" in await shows(pilot, app, "Show ")
        await pilot.press("y")
        await at(pilot, app, "3:end")
        assert app.position == Position(3, "end")
        await until(pilot, lambda: state.load_progress(real_pack.id, 8).saved, "saved")
        assert state.load_progress(real_pack.id, 8).position == Position(3, "end")
        glass = screen_text(app)
        assert "Run Away — Episode 3 · finished" in glass
        assert "Simon Greene" in glass and "Elena Ravenscroft" in widget_text(app)


async def test_the_picker_names_only_episodes_you_have_started(mini_pack, run_app):
    async with run_app(mini_pack, "1:end", size=(100, 30)) as (app, pilot):
        await pilot.press("p")
        await on_screen(pilot, app, PickerScreen)
        glass = await shows(pilot, app, "Episode 3", "You'll be at")
        assert "Episode 1: Pilot Light" in glass and "Episode 2" in glass
        assert "Canary" not in glass
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "the picker is closed")
        assert app.position == Position(1, "end")


async def test_one_checkpoint_forward_never_asks(mini_pack, run_app):
    async with run_app(mini_pack, "2:early", size=(100, 30)) as (app, pilot):
        await pilot.press("]")
        await at(pilot, app, "2:mid")
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.position == Position(2, "mid")
        assert app.sub_title == "Episode 2 · halfway"


async def test_stepping_back_never_asks_however_far(mini_pack, run_app):
    async with run_app(mini_pack, "3:end", size=(100, 30)) as (app, pilot):
        await pilot.press("[")
        await at(pilot, app, "3:late")
        assert app.position == Position(3, "late")
        await pilot.press("p")
        await _pick(pilot, app, 1, 0)
        await at(pilot, app, "1:start")
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.position == Position(1, "start")
        assert "Papa Canary" not in widget_text(app)


async def test_jumping_ahead_asks_in_episode_terms_and_no_keeps_you_where_you_are(mini_pack,
                                                                                 run_app):
    async with run_app(mini_pack, "1:end", size=(100, 30)) as (app, pilot):
        await pilot.press("p")
        await _pick(pilot, app, 3, 4)
        await on_screen(pilot, app, ConfirmScreen)
        glass = await shows(pilot, app, "Show everything")
        assert "Show everything up to the end of episode 3?" in glass
        for canary in ("Canary", "Zed", "Stranger", "father"):
            assert canary not in glass
        await pilot.press("n")
        await until(pilot, lambda: app.screen is app.main, "the question is gone")
        assert app.position == Position(1, "end")
        assert state.load_progress("mini", 3).saved is False
        await pilot.press("p")
        await _pick(pilot, app, 3, 4)
        await on_screen(pilot, app, ConfirmScreen)
        await pilot.click("#confirm-yes")  # the mouse works too
        await at(pilot, app, "3:end")
        assert app.position == Position(3, "end")


async def test_progress_is_saved_on_every_change_and_restored_on_relaunch(mini_pack, make_app, run_app):
    async with run_app(mini_pack, "2:early", size=(100, 30)) as (app, pilot):
        await pilot.press("]")
        await until(pilot, lambda: state.load_progress("mini", 3).position == Position(2, "mid"),
                    "2:mid is saved")
        assert state.load_progress("mini", 3).position == Position(2, "mid")
        await pilot.press("[", "[")
        await until(pilot, lambda: state.load_progress("mini", 3).position == Position(2, "start"),
                    "2:start is saved")
        assert state.load_progress("mini", 3).position == Position(2, "start")
        await pilot.press("q")
    loaded = state.load_progress("mini", 3)
    assert loaded.saved and loaded.position == Position(2, "start")
    again = make_app(mini_pack, loaded.position, first_run=not loaded.saved)
    async with again.run_test(size=(100, 30)) as pilot:
        await at(pilot, again, "2:start")
        assert not isinstance(again.screen, PickerScreen)
        assert "Mini Show — Episode 2 · not started" in screen_text(again)


async def test_a_progress_file_that_cannot_be_written_warns_and_the_app_goes_on(
        mini_pack, run_app, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("COMPANION_STATE_DIR", str(blocker))
    async with run_app(mini_pack, "1:end", size=(100, 30)) as (app, pilot):
        await pilot.press("]")
        await at(pilot, app, "2:start")
        assert app.position == Position(2, "start")
        [note] = await notified(pilot, app, lambda n: n.title == "Progress not saved",
                                "the not-saved warning")
        assert note.severity == "warning" and "could not save" in note.message


async def test_the_ends_of_the_show_are_gentle(mini_pack, run_app):
    async with run_app(mini_pack, "3:end", size=(100, 30)) as (app, pilot):
        await pilot.press("]")
        await notified(pilot, app, lambda n: "finished the show" in n.message, "the end note")
        assert app.position == Position(3, "end")
        assert any("finished the show" in n.message for n in app._notifications)
        app.move_to(Position(1, "start"))
        await pilot.press("[")
        await notified(pilot, app, lambda n: "very start" in n.message, "the start note")
        assert app.position == Position(1, "start")
        assert any("very start" in n.message for n in app._notifications)


async def test_new_since_last_time_lists_what_the_step_revealed(mini_pack, run_app):
    async with run_app(mini_pack, "2:early", size=(100, 30)) as (app, pilot):
        await pilot.press("]")
        # the notice counts, it never tells
        [note] = await notified(pilot, app, lambda n: "new thing" in n.message, "the news toast")
        assert "2 new things since Episode 2 · about a quarter in" in note.message
        assert "Zed" not in note.message and "name" not in note.message
        assert app.main.tabbed.get_tab("new").label.plain == "5 New · 2"
        await pilot.press("5")
        await tab_is(pilot, app, "new")
        glass = await shows(pilot, app, "New since")
        assert "New since Episode 2 · about a quarter in" in glass
        assert "Name revealed: Zed Quill" in glass
        assert "The stranger gives his name." in glass
        assert "Papa Canary" not in glass


async def test_new_since_last_time_adds_up_until_you_look(mini_pack, run_app):
    async with run_app(mini_pack, "2:start", size=(100, 30)) as (app, pilot):
        await pilot.press("]", "]", "]")  # three steps without looking
        await at(pilot, app, "2:late")
        since, items = app.session.news()
        assert since == Position(2, "start")
        assert {c.text for c in items} >= {"A helpful drifter", "Zed Quill"}
        await pilot.press("5")
        await tab_is(pilot, app, "new")
        await pilot.press("1")  # looked, and left
        await tab_is(pilot, app, "characters")
        await pilot.press("]")
        await at(pilot, app, "2:end")
        since, items = app.session.news()
        assert since == Position(2, "late")
        await pilot.press("[", "[", "[")  # back before that: nothing is new
        await at(pilot, app, "2:early")
        assert app.session.news() == (None, [])
        await pilot.press("5")
        await tab_is(pilot, app, "new")
        assert "Nothing new since you last looked" in await shows(pilot, app, "Nothing new since")


async def test_stepping_back_takes_back_what_was_shown(mini_pack, run_app):
    async with run_app(mini_pack, "3:late", size=(100, 30)) as (app, pilot):
        app.main.select("character", "stranger")
        assert "Papa Canary" in widget_text(app)
        await pilot.press("[")
        await at(pilot, app, "3:mid")
        text = widget_text(app)
        for canary in ("Papa Canary", "Canary fact", "Canary father and son"):
            assert canary not in text


async def test_the_welcome_toast_goes_when_you_move_so_it_never_names_an_old_position(
        mini_pack, run_app):
    async with run_app(mini_pack, "1:start", first_run=True, save=False, size=(100, 30)) as (app, pilot):
        await _pick(pilot, app, 1, 4)
        await on_screen(pilot, app, ConfirmScreen)
        await pilot.press("y")  # "Show everything up to the end of episode 1?"
        welcome = await notified(pilot, app, lambda n: n.title == "Welcome", "the welcome toast")
        assert len(welcome) == 1 and "Episode 1 · finished" in welcome[0].message
        await pilot.press("[")
        await at(pilot, app, "1:late")
        assert not [n for n in app._notifications if n.title == "Welcome"]
        glass = await shows(pilot, app, "Mini Show — Episode 1 · three quarters in")
        assert "Episode 1 · finished" not in glass
