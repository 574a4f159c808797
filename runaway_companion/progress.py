"""A viewer's position in the show: an episode plus a checkpoint inside it.

Positions are totally ordered by ``(episode, checkpoint index)``; a reveal point is a position
whose checkpoint is not ``start``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

CHECKPOINTS: tuple[str, ...] = ("start", "early", "mid", "late", "end")
REVEAL_CHECKPOINTS: tuple[str, ...] = CHECKPOINTS[1:]
FRIENDLY: dict[str, str] = {
    "start": "not started",
    "early": "about a quarter in",
    "mid": "halfway",
    "late": "three quarters in",
    "end": "finished",
}
_STEPS = len(CHECKPOINTS)


def one_line(text: str) -> str:
    """``text`` on one line, always: line breaks, controls (and an RTL override) escaped —
    for messages that quote what a user typed or a pack holds."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


class PositionError(ValueError):
    """A position written by a user or a pack that cannot be understood."""


@total_ordering
@dataclass(frozen=True, slots=True)
class Position:
    episode: int
    checkpoint: str = "end"

    def __post_init__(self) -> None:
        if isinstance(self.episode, bool) or not isinstance(self.episode, int) or self.episode < 1:
            raise PositionError(f"episode must be a whole number from 1, not {self.episode!r}")
        if self.checkpoint not in CHECKPOINTS:
            raise PositionError(
                f"checkpoint must be one of {', '.join(CHECKPOINTS)}, not {self.checkpoint!r}"
            )

    # ordering -------------------------------------------------------------------------
    @property
    def key(self) -> int:
        """A single integer that orders positions; filtering compares these."""
        return self.episode * _STEPS + CHECKPOINTS.index(self.checkpoint)

    @classmethod
    def from_key(cls, key: int) -> "Position":
        return cls(key // _STEPS, CHECKPOINTS[key % _STEPS])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Position):
            return NotImplemented
        return self.key < other.key

    def next(self) -> "Position":
        return Position.from_key(self.key + 1)

    def prev(self) -> "Position":
        if self.key - 1 < Position(1, "start").key:
            return self
        return Position.from_key(self.key - 1)

    # text -------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> "Position":
        """Parse ``"6:late"``, ``"6 late"`` or ``"6"`` (= the start of episode 6: a bare episode
        number shows nothing of it, as ``--episode 6`` alone does)."""
        raw = str(text).strip().lower()
        for sep in (":", " ", "@"):
            if sep in raw:
                ep_text, _, cp = raw.partition(sep)
                cp = cp.strip()
                break
        else:
            ep_text, cp = raw, "start"
        try:
            if not ep_text.isascii():  # int() takes any script's digits ("٣", "８"): not we
                raise ValueError
            episode = int(ep_text.strip())
        except ValueError:
            raise PositionError(
                f"'{text}' is not a position — write EPISODE[:CHECKPOINT], e.g. 6:late"
            ) from None
        if cp not in CHECKPOINTS:
            raise PositionError(
                f"'{cp}' is not a checkpoint — use one of {', '.join(CHECKPOINTS)}"
            )
        return cls(episode, cp)

    def __str__(self) -> str:
        return f"{self.episode}:{self.checkpoint}"

    def describe(self, seasons: "Seasons | None" = None) -> str:
        """Friendly words, e.g. ``Episode 3 · halfway`` (``Season 2 · Episode 3 · halfway`` for
        a show with seasons)."""
        if seasons:
            season, episode = seasons.locate(self.episode)
            return f"Season {season} · Episode {episode} · {FRIENDLY[self.checkpoint]}"
        return f"Episode {self.episode} · {FRIENDLY[self.checkpoint]}"

    def label(self, seasons: "Seasons | None" = None) -> str:
        """``6:late``, or ``2x05:late`` for a show with seasons (what :func:`parse_position`
        reads back)."""
        if seasons:
            season, episode = seasons.locate(self.episode)
            return f"{season}x{episode:02d}:{self.checkpoint}"
        return str(self)

    def check_within(self, episodes: int) -> None:
        if self.episode > episodes:
            raise PositionError(
                f"episode {self.episode} is past the last episode — this show has {episodes}"
            )


def all_positions(episodes: int) -> list[Position]:
    """Every viewer position from 1:start to N:end, in order."""
    return [Position(e, c) for e in range(1, episodes + 1) for c in CHECKPOINTS]


_SEASON_EPISODE = re.compile(r"^\s*s?0*([1-9][0-9]{0,3})\s*[xe]\s*0*([1-9][0-9]{0,3})\s*$")


class Seasons(tuple):
    """A show's seasons: how many episodes each has, in order. Episodes are still numbered
    1..N across the whole show inside the companion (a position is one number and a
    checkpoint); seasons only change how positions are written and read: ``2x05`` (or
    ``S2E05``) is the fifth episode of season 2. A show without seasons is an empty Seasons,
    which is false, and every position keeps its plain form."""

    def __new__(cls, counts=()):
        return super().__new__(cls, tuple(counts))

    def locate(self, episode: int) -> tuple[int, int]:
        """Episode ``episode`` of the show as (season, episode in that season)."""
        for season, count in enumerate(self, 1):
            if episode <= count:
                return season, episode
            episode -= count
        raise PositionError(f"episode {episode} is past the last season")

    def absolute(self, season: int, episode: int) -> int:
        """(season, episode in that season) as the episode's number in the whole show."""
        if not 1 <= season <= len(self):
            raise PositionError(f"season {season} is past the last season — this show has "
                                f"{len(self)}")
        if not 1 <= episode <= self[season - 1]:
            raise PositionError(f"season {season} has no episode {episode} — it has "
                                f"{self[season - 1]}")
        return sum(self[: season - 1]) + episode

    def episode_of(self, text: str) -> int | None:
        """``"2x05"`` / ``"S2E05"`` as an episode number of the whole show; None if ``text``
        is not in that form. Raises PositionError for a season or episode that is not there."""
        match = _SEASON_EPISODE.match(str(text).lower())
        if match is None:
            return None
        if not self:
            raise PositionError(f"'{text}' names a season, but this show has no seasons — "
                                "write the episode number alone, e.g. 5:mid")
        return self.absolute(int(match.group(1)), int(match.group(2)))


def parse_position(text: str, seasons: Seasons | None = None) -> Position:
    """:meth:`Position.parse`, and for a show with seasons also ``2x05:mid`` / ``2x05``
    (``S2E05 mid``…): the season form is read wherever a position is typed."""
    raw = str(text).strip()
    for sep in (":", " ", "@"):
        if sep in raw:
            head, _, cp = raw.partition(sep)
            break
    else:
        head, cp = raw, "start"
    if not raw.isascii():
        return Position.parse(text)
    episode = (seasons or Seasons()).episode_of(head)
    if episode is None:
        return Position.parse(text)
    return Position.parse(f"{episode}:{cp.strip() or 'start'}")
