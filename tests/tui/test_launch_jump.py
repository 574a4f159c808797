"""Launching far past the saved progress: the app opens at the saved position and asks the
picker's question before anything of the asked-for position is drawn."""
from __future__ import annotations

from runaway_companion import state
from runaway_companion.progress import Position
from runaway_companion.tui.dialogs.picker import ConfirmScreen, confirm_question

from leakcheck import hidden_texts

from .helpers import screen_text, until, widget_text

SAVED = Position(1, "early")
ASKED = Position(3, "end")


def _shown_of(app, pack, position: Position) -> list[str]:
    everything = screen_text(app) + "\n" + widget_text(app)
    return sorted(t for t in hidden_texts(pack, position) if t in everything)


def _said(app, text: str) -> bool:
    return any(text in n.message for n in app._notifications)


async def _asked(pilot, app) -> None:
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
    await until(pilot, lambda: len(list(app.main.panes())) == 5, "every tab's pane mounted")
    await until(pilot, lambda: confirm_question(ASKED) in screen_text(app), "the question drawn")


async def test_launch_far_ahead_asks_before_showing_anything_of_it(mini_pack, make_app):
    app = make_app(mini_pack, SAVED, ask_to=ASKED)
    async with app.run_test(size=(100, 30)) as pilot:
        await _asked(pilot, app)
        assert app.position == SAVED
        assert _shown_of(app, mini_pack, SAVED) == []
        assert "Episode 1 · about a quarter in" in app.sub_title


async def test_launch_far_ahead_answer_no_keeps_saved_position(mini_pack, make_app):
    state.save_progress(mini_pack.id, SAVED)
    app = make_app(mini_pack, SAVED, ask_to=ASKED)
    async with app.run_test(size=(100, 30)) as pilot:
        await _asked(pilot, app)
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "the answer")
        await until(pilot, lambda: _said(app, "Kept your saved progress"), "the note")
        assert app.position == SAVED
        assert _shown_of(app, mini_pack, SAVED) == []
    app.flush_progress()
    assert state.load_progress(mini_pack.id, mini_pack.episode_count).position == SAVED


async def test_launch_far_ahead_answer_yes_moves_there(mini_pack, make_app):
    state.save_progress(mini_pack.id, SAVED)
    app = make_app(mini_pack, SAVED, ask_to=ASKED)
    async with app.run_test(size=(100, 30)) as pilot:
        await _asked(pilot, app)
        await pilot.press("y")
        await until(pilot, lambda: app.position == ASKED, "the move")
        await until(pilot, lambda: "Episode 3 · finished" in screen_text(app), "the move drawn")
    app.flush_progress()
    assert state.load_progress(mini_pack.id, mini_pack.episode_count).position == ASKED


async def test_launch_one_checkpoint_ahead_never_asks(mini_pack, make_app):
    app = make_app(mini_pack, Position(1, "mid"), ask_to=Position(1, "late"))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main.pane("characters") is not None, "the first pane")
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.ask_to is None
