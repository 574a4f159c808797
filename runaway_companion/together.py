"""Watching together: one screen for several profiles, at the earliest of their positions.

Nobody on the sofa is spoiled: the View is at the **minimum** of the members' saved positions.
Moving forward together moves every member who is behind the new point up to it; nobody is ever
moved backwards, and a member already ahead stays where they are. Leaving together mode goes back
to one profile's own position, which is never beyond that profile's point.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

from runaway_companion.progress import Position


class TogetherError(ValueError):
    """A together list that cannot be used (fewer than two names, a repeated or bad name)."""


class Member(NamedTuple):
    profile: str
    position: Position
    saved: bool


class Together(NamedTuple):
    members: tuple[Member, ...]

    @property
    def position(self) -> Position:
        """What the screen shows: the earliest member's position."""
        return min(m.position for m in self.members)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.profile for m in self.members)

    def describe(self) -> str:
        """``Together: ana 6:late · ben 4:end — showing 4:end``."""
        people = " · ".join(f"{m.profile} {m.position}" for m in self.members)
        return f"Together: {people} — showing {self.position}"

    def moved_to(self, position: Position) -> tuple["Together", tuple[str, ...]]:
        """Everyone behind ``position`` moved up to it (nobody moved back); and who moved."""
        moved = tuple(m.profile for m in self.members if m.position < position)
        members = tuple(m._replace(position=position, saved=True) if m.position < position else m
                        for m in self.members)
        return Together(members), moved


def parse_names(text: str) -> tuple[str, ...]:
    """``"ana,ben"`` → ``("ana", "ben")``: two or more distinct, valid profile names."""
    from runaway_companion.state import ProfileError, check_profile

    raw = [part for part in str(text).split(",") if part.strip()]
    try:
        names = tuple(check_profile(part) for part in raw)
    except ProfileError as exc:
        raise TogetherError(str(exc)) from None
    if len(names) < 2:
        raise TogetherError("--together needs two or more profiles, e.g. --together ana,ben")
    if len(set(names)) != len(names):
        raise TogetherError("--together names a profile twice")
    return names


def load(names: Sequence[str], show_id: str, episodes: int | None) -> tuple[Together, list[str]]:
    """Each member's saved position in ``show_id``; and any warnings (a damaged file…)."""
    from runaway_companion import state

    members, warnings = [], []
    for name in names:
        loaded = state.load_progress(show_id, episodes, profile=name)
        if loaded.warning:
            warnings.append(f"{name}: {loaded.warning}")
        members.append(Member(name, loaded.position, loaded.saved))
    return Together(tuple(members)), warnings


def save(together: Together, show_id: str, profiles: Sequence[str],
         durable: bool = True) -> str | None:
    """Write the positions of ``profiles`` (those who moved); the first failure, if any."""
    from runaway_companion import state

    for member in together.members:
        if member.profile in profiles:
            failed = state.save_progress(show_id, member.position, durable, profile=member.profile)
            if failed:
                return f"{member.profile}: {failed}"
    return None
