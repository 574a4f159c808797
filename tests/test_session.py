"""The headless session: position, View, moves and "new since" — no Textual, no pilot."""
from __future__ import annotations

import pytest

from runaway_companion.progress import Position, PositionError
from runaway_companion.session import START, Session
from runaway_companion.view import changes


def test_a_move_rebuilds_the_view_and_reports_old_and_new(mini_pack):
    session = Session(mini_pack, Position(1, "end"))
    move = session.move_to(Position(2, "mid"))
    assert move is not None and (move.old, move.new, move.back) == (
        Position(1, "end"), Position(2, "mid"), False)
    assert session.position == session.view.position == Position(2, "mid")
    assert session.move_to(Position(2, "mid")) is None  # already there: no move


def test_a_position_outside_the_show_is_refused(mini_pack):
    session = Session(mini_pack, START)
    with pytest.raises(PositionError):
        session.move_to(Position(mini_pack.episode_count + 1, "end"))
    assert session.position == START


def test_more_than_one_checkpoint_forward_needs_a_question(mini_pack):
    session = Session(mini_pack, Position(1, "mid"))
    assert not session.needs_confirm(Position(1, "late"))
    assert session.needs_confirm(Position(1, "end"))
    assert not session.needs_confirm(START)  # back never asks


def test_a_step_stops_at_either_end(mini_pack):
    assert Session(mini_pack, START).step_target(-1) is None
    last = mini_pack.last_position
    assert Session(mini_pack, last).step_target(1) is None
    assert Session(mini_pack, START).step_target(1) == START.next()


def test_new_since_is_what_changes_reports_between_the_two_points(mini_pack):
    session = Session(mini_pack, Position(1, "end"))
    assert session.news() == (None, [])
    session.move_to(Position(2, "mid"))
    session.move_to(Position(2, "end"))  # still the same "since": not looked at yet
    since, items = session.news()
    assert since == Position(1, "end")
    assert items == changes(mini_pack, Position(1, "end"), Position(2, "end"))
    assert session.news()[1] is items  # cached for the same pair


def test_new_since_restarts_after_the_new_tab_was_seen(mini_pack):
    session = Session(mini_pack, Position(1, "end"))
    session.move_to(Position(2, "mid"))
    session.mark_news_seen()
    session.move_to(Position(2, "end"))
    assert session.news()[0] == Position(2, "mid")


def test_moving_back_before_since_clears_it(mini_pack):
    session = Session(mini_pack, Position(1, "end"))
    session.move_to(Position(2, "end"))
    session.move_to(Position(1, "mid"))
    assert session.news() == (None, [])


def test_the_first_pick_from_the_start_reveals_what_lies_up_to_it(mini_pack):
    session = Session(mini_pack, START)
    move = session.move_to(Position(2, "end"), catch_up=False)
    assert move is not None and not move.catch_up
    assert session.news() == (START, changes(mini_pack, START, Position(2, "end")))


def test_a_pick_that_says_where_you_are_from_elsewhere_reveals_nothing_new(mini_pack):
    session = Session(mini_pack, Position(1, "end"))
    session.move_to(Position(2, "end"), catch_up=False)  # another person's progress
    assert session.news() == (None, [])
