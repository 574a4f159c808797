"""Playback time to checkpoint: rounds down with a margin, never reaches `end`, refuses overruns."""
import pytest
from hypothesis import given, strategies as st

from runaway_companion.clock import (MARGIN, NOMINAL, UNKNOWN_RUNTIME_S, ClockError, checkpoint_at,
                                     format_duration, looks_like_time, parse_duration,
                                     parse_runtime, position_at)
from runaway_companion.progress import CHECKPOINTS


def _true_checkpoint(fraction: float) -> str:
    """The checkpoint a viewer has truly passed, with no margin (end only at 100 %)."""
    if fraction >= 1:
        return "end"
    reached = "start"
    for name, nominal in NOMINAL.items():
        if fraction >= nominal:
            reached = name
    return reached


@given(runtime=st.integers(1, 3 * 3600), data=st.data())
def test_clock_position_never_exceeds_the_true_fraction(runtime, data):
    seconds = data.draw(st.integers(0, runtime))
    got = position_at(3, seconds, runtime).position
    assert got.episode == 3
    assert CHECKPOINTS.index(got.checkpoint) <= CHECKPOINTS.index(_true_checkpoint(seconds / runtime))
    assert got.checkpoint != "end"


@given(true_runtime=st.integers(60, UNKNOWN_RUNTIME_S), data=st.data())
def test_unknown_runtime_only_under_estimates(true_runtime, data):
    seconds = data.draw(st.integers(0, true_runtime))
    unknown = position_at(2, seconds, None).position
    known = position_at(2, seconds, true_runtime).position
    assert unknown <= known


@given(runtime=st.integers(1, 3 * 3600), over=st.integers(1, 3600))
def test_a_time_past_the_runtime_is_an_error_not_the_end(runtime, over):
    with pytest.raises(ClockError, match="past the end"):
        position_at(1, runtime + over, runtime)


def test_a_time_past_the_upper_bound_is_an_error_when_the_runtime_is_unknown():
    with pytest.raises(ClockError, match="longer than any episode"):
        position_at(1, UNKNOWN_RUNTIME_S + 1, None)


@pytest.mark.parametrize("fraction, expected", [
    (0.0, "start"), (0.30, "start"), (NOMINAL["early"] + MARGIN, "early"), (0.59, "early"),
    (0.60, "mid"), (0.84, "mid"), (0.85, "late"), (0.999, "late"), (1.0, "late"),
])
def test_checkpoints_need_the_margin_past_their_nominal_point(fraction, expected):
    assert checkpoint_at(fraction) == expected


@pytest.mark.parametrize("text, seconds", [
    ("34:10", 2050), ("0:05", 5), ("1:02:03", 3723), ("34m", 2040), ("1h2m", 3720),
    ("90s", 90), ("34m10s", 2050), (" 12:00 ", 720),
])
def test_durations_parse_as_clock_readings_or_units(text, seconds):
    assert looks_like_time(text)
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["late", "mid", "", "34:70", "1:61:00", "３４:10", "abc", "m", "-5:00"])
def test_what_is_not_a_time_is_refused_in_one_line(text):
    with pytest.raises(ClockError) as info:
        parse_duration(text)
    assert "\n" not in str(info.value)


def test_checkpoint_names_do_not_look_like_times():
    assert not any(looks_like_time(cp) for cp in CHECKPOINTS)


@pytest.mark.parametrize("value, seconds", [(50, 3000), ("50m", 3000), ("0:50:00", 3000), ("48:30", 2910)])
def test_runtimes_are_minutes_or_durations(value, seconds):
    assert parse_runtime(value) == seconds


@pytest.mark.parametrize("value", [0, -3, True, 2.5, "0:00", "none", 10**6])
def test_bad_runtimes_are_refused(value):
    with pytest.raises(ClockError):
        parse_runtime(value)


def test_the_reading_explains_itself_in_one_line():
    reading = position_at(6, "34:10", None)
    line = reading.explain()
    assert line.startswith("34:10 into episode 6 → ")
    assert "approximate" in line and "\n" not in line
    assert format_duration(3723) == "1:02:03"
