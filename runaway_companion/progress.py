"""A viewer's position in the show: an episode plus a checkpoint inside it.

Positions are totally ordered by ``(episode, checkpoint index)``; a reveal point is a position
whose checkpoint is not ``start``.
"""
from __future__ import annotations

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

    def describe(self) -> str:
        """Friendly words, e.g. ``Episode 3 · halfway``."""
        return f"Episode {self.episode} · {FRIENDLY[self.checkpoint]}"

    def check_within(self, episodes: int) -> None:
        if self.episode > episodes:
            raise PositionError(
                f"episode {self.episode} is past the last episode — this show has {episodes}"
            )


def all_positions(episodes: int) -> list[Position]:
    """Every viewer position from 1:start to N:end, in order."""
    return [Position(e, c) for e in range(1, episodes + 1) for c in CHECKPOINTS]
