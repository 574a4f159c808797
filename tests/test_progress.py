import pytest

from runaway_companion.progress import CHECKPOINTS, Position, PositionError, all_positions


def test_positions_are_totally_ordered_episode_first():
    positions = all_positions(8)
    assert positions == sorted(positions)
    assert len(positions) == 40 and len(set(positions)) == 40
    assert Position(6, "end") < Position(7, "start") < Position(7, "early")


def test_parse_accepts_the_five_words_and_a_bare_number_is_the_start():
    assert Position.parse("6:late") == Position(6, "late")
    assert Position.parse("6") == Position(6, "start")
    assert Position.parse(" 3 : MID ") == Position(3, "mid")
    for word in CHECKPOINTS:
        assert Position.parse(f"2:{word}").checkpoint == word


@pytest.mark.parametrize("bad", ["banana", "6:soon", "0", "-1:end", "", ":late", "1.5"])
def test_parse_rejects_nonsense_with_a_clear_message(bad):
    with pytest.raises(PositionError):
        Position.parse(bad)


def test_stepping_walks_every_checkpoint_and_stops_at_the_first():
    p = Position(1, "start")
    assert p.prev() == p
    assert p.next() == Position(1, "early")
    assert Position(1, "end").next() == Position(2, "start")
    assert Position(2, "start").prev() == Position(1, "end")


def test_friendly_description():
    assert Position(3, "mid").describe() == "Episode 3 · halfway"
    assert Position(6, "late").describe() == "Episode 6 · three quarters in"


@pytest.mark.parametrize("text", ["٣:end", "８:end", "३", "1٣:mid"])
def test_parse_takes_only_ascii_digits(text):
    with pytest.raises(PositionError):
        Position.parse(text)
