"""Playback time to checkpoint: "34:10 into episode 6" becomes a position that never overshoots.

A viewer's player shows a clock, not "halfway". The pack's checkpoints are rough (a fact dated
``mid`` is "somewhere around the middle"), so a guess upward spoils and a guess downward only
delays. The mapping therefore **rounds down with a margin**:

* the fraction watched is ``time / runtime``; where the episode's runtime is unknown, it is
  divided by :data:`UNKNOWN_RUNTIME_S` (75 minutes), longer than any episode of a one-hour drama,
  so the fraction can only be under-estimated;
* a checkpoint counts as reached only once the fraction is :data:`MARGIN` past its nominal point
  (``early`` 25 % → 35 %, ``mid`` 50 % → 60 %, ``late`` 75 % → 85 %);
* ``end`` is never reached by the clock — only when the viewer says they finished;
* a time past the runtime (or past the upper bound) is an error, not ``end``.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from runaway_companion.progress import FRIENDLY, Position

NOMINAL: dict[str, float] = {"early": 0.25, "mid": 0.50, "late": 0.75}
MARGIN = 0.10
UNKNOWN_RUNTIME_S = 75 * 60
MAX_RUNTIME_S = 24 * 3600  # a runtime longer than a day is a typo

_CLOCK_RE = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")          # [h:]mm:ss
_UNITS_RE = re.compile(r"^(?:(\d{1,2})h)?\s*(?:(\d{1,3})m)?\s*(?:(\d{1,5})s)?$")  # 1h2m3s, 34m


class ClockError(ValueError):
    """A playback time or runtime that cannot be understood, or that is past the episode."""


def looks_like_time(text: str) -> bool:
    """True for what is meant as a clock reading ("34:10", "1:02:03", "34m", "90s"), so a
    caller can tell it from a checkpoint name."""
    raw = str(text).strip().lower()
    return bool(raw) and raw.isascii() and (bool(_CLOCK_RE.match(raw)) or (
        bool(_UNITS_RE.match(raw)) and any(ch.isdigit() for ch in raw)))


def parse_duration(text: str) -> int:
    """Seconds in ``"34:10"`` (m:ss), ``"1:02:03"`` (h:mm:ss), ``"34m"``, ``"1h2m"``, ``"90s"``.

    Only ASCII digits; seconds and minutes of a clock reading stay under 60.
    """
    raw = str(text).strip().lower()
    if not raw.isascii():
        raise ClockError(f"'{text}' is not a time — write minutes:seconds, e.g. 34:10, or 34m")
    m = _CLOCK_RE.match(raw)
    if m:
        hours, minutes, seconds = int(m[1] or 0), int(m[2]), int(m[3])
        if seconds >= 60 or (m[1] is not None and minutes >= 60):
            raise ClockError(f"'{text}' is not a time — minutes and seconds run 00 to 59")
        return hours * 3600 + minutes * 60 + seconds
    m = _UNITS_RE.match(raw)
    if m and any(m.groups()):
        return int(m[1] or 0) * 3600 + int(m[2] or 0) * 60 + int(m[3] or 0)
    raise ClockError(f"'{text}' is not a time — write minutes:seconds, e.g. 34:10, or 34m")


def parse_runtime(value: object) -> int:
    """A pack's runtime: whole minutes (``50``) or a duration text (``"50m"``, ``"0:50:00"``)."""
    if isinstance(value, bool):
        raise ClockError(f"runtime {value!r} is not a duration")
    if isinstance(value, int):
        seconds = value * 60
    elif isinstance(value, str):
        seconds = parse_duration(value)
    else:
        raise ClockError(f"runtime {value!r} is not a duration")
    if not 0 < seconds <= MAX_RUNTIME_S:
        raise ClockError(f"runtime {value!r} must be more than zero and at most a day")
    return seconds


class Reading(NamedTuple):
    """What a clock reading became, and why."""

    position: Position
    seconds: int
    runtime_s: int
    runtime_known: bool

    def explain(self) -> str:
        """One line, e.g. ``34:10 into episode 6 → 6:early (about a quarter in); approximate…``."""
        shown = format_duration(self.seconds)
        basis = (f"episode {self.position.episode} runs about {format_duration(self.runtime_s)}"
                 if self.runtime_known else
                 f"its runtime is unknown, so counted against {self.runtime_s // 60} minutes")
        where = ("nothing of it shown yet" if self.position.checkpoint == "start"
                 else FRIENDLY[self.position.checkpoint])
        return (f"{shown} into episode {self.position.episode} → {self.position} ({where}); "
                f"approximate: {basis}, and a checkpoint counts only once you are safely past it")


def checkpoint_at(fraction: float) -> str:
    """The latest checkpoint safely behind ``fraction`` of an episode (never ``end``)."""
    reached = "start"
    for name, nominal in NOMINAL.items():
        if fraction >= nominal + MARGIN:
            reached = name
    return reached


def position_at(episode: int, time: str | int, runtime_s: int | None) -> Reading:
    """The position of a viewer ``time`` into ``episode`` (``runtime_s`` None when unknown)."""
    seconds = parse_duration(time) if isinstance(time, str) else int(time)
    known = runtime_s is not None
    runtime = runtime_s if runtime_s is not None else UNKNOWN_RUNTIME_S
    if seconds < 0:
        raise ClockError("a playback time cannot be negative")
    if seconds > runtime:
        if known:
            raise ClockError(f"{format_duration(seconds)} is past the end of episode {episode} "
                             f"(about {format_duration(runtime)}) — if you finished it, use "
                             f"{episode}:end")
        raise ClockError(f"{format_duration(seconds)} is longer than any episode here "
                         f"({runtime // 60} minutes) — if you finished it, use {episode}:end")
    return Reading(Position(episode, checkpoint_at(seconds / runtime)), seconds, runtime, known)


def format_duration(seconds: int) -> str:
    """``2050`` → ``"34:10"``; an hour or more → ``"1:02:03"``."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
