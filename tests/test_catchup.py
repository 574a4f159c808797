"""The catch-up ("new since"), headless: one line per event (view.events), newest first, the base
moving while the New tab is open, and a step that reveals nothing."""
from __future__ import annotations

import pytest

from runaway_companion.progress import Position, all_positions
from runaway_companion.session import START, Session
from runaway_companion.view import Change, View, changes, events


def _change(kind, subject, text, sources=("S1",), at=Position(1, "end")):
    return Change(at, kind, subject, text, tuple(sources))


# --- the merging rule ------------------------------------------------------------------------
def test_a_recap_line_takes_in_the_lines_told_by_the_same_sources_about_the_same_people(
        mini_pack):
    end = Position(1, "end")
    found = events(View(mini_pack, end), changes(mini_pack, Position(1, "late"), end))
    [event] = [e for e in found if e.headline.kind == "recap"]
    assert {c.kind for c in event.lines} == {"recap", "beat", "history", "status"}
    assert event.people == ("Alice Moon", "Bob Moon")  # named as known at the new position
    assert event.threads == ("Where is Bob?",)
    assert len(found) == 1  # nothing else was revealed there


def test_lines_with_unrelated_sources_stay_apart_even_about_the_same_person(mini_pack):
    view = View(mini_pack, Position(1, "end"))
    found = events(view, [_change("fact", "Alice Moon", "One thing.", ("S1",)),
                          _change("fact", "Alice Moon", "Another thing.", ("S2",))])
    assert len(found) == 2


def test_lines_with_the_same_sources_about_different_people_stay_apart(mini_pack):
    view = View(mini_pack, Position(1, "end"))
    found = events(view, [_change("fact", "Alice Moon", "One thing."),
                          _change("fact", "Bob Moon", "Another thing.")])
    assert len(found) == 2


def test_nested_sources_and_a_named_person_merge_and_the_recap_tells_it(mini_pack):
    view = View(mini_pack, Position(1, "end"))
    lines = [_change("fact", "Alice Moon", "Calls the police.", ("S1",)),
             _change("recap", "Episode 1", "Alice calls the police.", ("S1", "S2"))]
    [event] = events(view, lines)
    assert event.headline is lines[1] and set(event.lines) == set(lines)


def test_two_recap_lines_are_never_one_event(mini_pack):
    view = View(mini_pack, Position(1, "end"))
    found = events(view, [_change("recap", "Episode 1", "Alice does one thing."),
                          _change("recap", "Episode 1", "Alice does another.")])
    assert [e.headline.text for e in found] == ["Alice does one thing.", "Alice does another."]


def test_a_word_two_people_share_and_an_actors_name_name_nobody(mini_pack):
    view = View(mini_pack, Position(1, "end"))
    [shared] = events(view, [_change("beat", "A thread", "The Moon family gathers.")])
    assert shared.people == ()
    [actor] = events(view, [_change("beat", "A thread", "Ann Actor is praised.")])
    assert actor.people == ()


def test_a_new_face_is_one_line_with_its_actor_group_role_and_status(mini_pack):
    early = Position(1, "early")
    found = events(View(mini_pack, early), changes(mini_pack, START, early))
    faces = [e for e in found if e.kind == "person"]
    assert [e.headline.subject for e in faces] == ["Alice Moon", "Bob Moon"]
    assert {c.kind for c in faces[0].lines} == {"character", "actor", "group", "role", "status"}


def test_an_episode_title_is_said_by_its_heading_not_by_an_event(mini_pack):
    early = Position(1, "early")
    found = events(View(mini_pack, early), changes(mini_pack, START, early))
    assert all(c.kind != "episode-title" for e in found for c in e.lines)


@pytest.mark.parametrize("pack_name", ["mini_pack", "real_pack"])
def test_every_step_and_the_whole_jump_split_exactly_into_events_newest_first(pack_name,
                                                                              request):
    pack = request.getfixturevalue(pack_name)
    positions = all_positions(pack.episode_count)
    pairs = list(zip(positions, positions[1:])) + [(positions[0], positions[-1])]
    for old, new in pairs:
        items = changes(pack, old, new)
        view = View(pack, new)
        found = events(view, items)
        told = [c for e in found for c in e.lines]
        assert sorted(told, key=items.index) == [c for c in items if c.kind != "episode-title"]
        keys = [e.at.key for e in found]
        assert keys == sorted(keys, reverse=True)  # newest checkpoint first
        known = {c.name for c in view.characters}
        for e in found:
            assert e.headline in e.lines and all(c.at == e.at for c in e.lines)
            assert set(e.people) <= known  # only names as known at the new position
            assert set(e.threads) <= {t.title for t in view.threads}
        assert events(view, items) == found  # deterministic


# --- the session: what the last move forward revealed ---------------------------------------
def test_with_the_new_tab_open_each_step_shows_only_what_it_revealed(mini_pack):
    session = Session(mini_pack, Position(2, "start"))
    session.show_news(True)
    for _ in range(3):
        before = session.position
        session.move_to(session.step_target(1))
        since, found = session.news_events()
        assert since == before
        assert [c for e in found for c in e.lines] == [
            c for c in changes(mini_pack, before, session.position) if c.kind != "episode-title"]


def test_with_the_new_tab_hidden_the_steps_add_up_until_it_is_seen(mini_pack):
    session = Session(mini_pack, Position(2, "start"))
    session.move_to(Position(2, "early"))
    session.move_to(Position(2, "mid"))
    assert session.news_events()[0] == Position(2, "start")
    session.show_news(True)
    session.show_news(False)  # looked at and left
    session.move_to(Position(2, "late"))
    assert session.news_events()[0] == Position(2, "mid")


def test_a_step_that_reveals_nothing_has_no_events(mini_pack):
    session = Session(mini_pack, Position(1, "end"))
    session.show_news(True)
    session.move_to(Position(2, "start"))
    assert session.news_events() == (Position(1, "end"), [])


def test_the_first_pick_from_the_start_reveals_the_whole_way_there(mini_pack):
    session = Session(mini_pack, START)
    session.move_to(Position(1, "end"), catch_up=False)
    since, found = session.news_events()
    assert since == START
    assert {e.at for e in found} == {Position(1, "early"), Position(1, "end")}
    assert found[0].at == Position(1, "end")  # newest first
    assert session.news_events()[1] is found  # cached for the same pair
