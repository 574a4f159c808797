"""Where the companion opens (session.start / fill_in): the one headless path that `companion`
without flags and `CompanionApp()` share."""
from __future__ import annotations

from runaway_companion import state
from runaway_companion.progress import Position
from runaway_companion.session import START, fill_in, start


def test_nothing_saved_opens_the_shipped_pack_at_the_start_with_the_picker(real_pack):
    opening = start()
    assert opening.pack.id == real_pack.id
    assert (opening.position, opening.first_run, opening.notices, opening.ask_to) == (
        START, True, (), None)


def test_a_saved_position_is_where_it_opens(mini_pack):
    state.save_progress(mini_pack.id, Position(2, "mid"))
    opening = start(mini_pack)
    assert (opening.position, opening.first_run) == (Position(2, "mid"), False)


def test_an_asked_position_next_to_the_saved_one_is_saved_and_a_far_one_is_asked(mini_pack):
    state.save_progress(mini_pack.id, Position(2, "mid"))
    near = start(mini_pack, Position(2, "mid").next())
    assert (near.position, near.ask_to) == (Position(2, "mid").next(), None)
    assert state.load_progress(mini_pack.id).position == Position(2, "mid").next()
    far = start(mini_pack, Position(4, "end"))
    assert (far.position, far.ask_to) == (Position(2, "mid").next(), Position(4, "end"))


def test_a_damaged_progress_file_is_a_notice_and_the_start(mini_pack):
    state.state_path().parent.mkdir(parents=True, exist_ok=True)
    state.state_path().write_text("{not json")
    opening = start(mini_pack)
    assert opening.position == START and opening.first_run
    assert len(opening.notices) == 1 and "damaged" in opening.notices[0]


def test_fill_in_keeps_what_was_given(mini_pack):
    assert fill_in(mini_pack, Position(3, "end")) == (mini_pack, Position(3, "end"), False, ())
    state.save_progress(mini_pack.id, Position(1, "late"))
    assert fill_in(mini_pack, None, None, ["hello"]) == (
        mini_pack, Position(1, "late"), False, ("hello",))
