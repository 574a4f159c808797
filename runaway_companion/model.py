"""The validated, immutable model of a pack. Every piece of data carries its reveal point.

Nothing here decides visibility: that is :mod:`runaway_companion.view`'s job alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from runaway_companion.progress import Position, Seasons


@dataclass(frozen=True, slots=True)
class Item:
    """One dated piece of data: a name, a role, a status, a card line, a label, a beat…"""

    at: Position
    text: str
    sources: tuple[str, ...]
    confidence: str = "high"
    kind: str = ""  # names only: "name" (replaces the shown name) or "alias"
    # relationship stages only: ((owner id, label), (owner id, label)) when each side has its
    # own label — what the *other* person is to that owner, as the owner's card shows it. Empty
    # for one neutral label (``text``) that reads right from both cards.
    # (:func:`runaway_companion.view.label_for` picks the side.)
    sides: tuple[tuple[str, str], ...] = ()
    at_key: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # precomputed so that filtering is one integer comparison
        object.__setattr__(self, "at_key", self.at.key)


class Episode(NamedTuple):
    number: int
    title: Item | None  # dated at (number, early): visible once the episode is started
    recap: tuple[Item, ...]
    runtime_s: int | None = None  # optional, for turning a playback time into a checkpoint
    ids: tuple[tuple[str, str], ...] = ()  # external ids (imdb, tmdb, tvdb), shown as its title is


class Character(NamedTuple):
    id: str
    appears: Item
    names: tuple[Item, ...]
    actor: Item | None
    groups: tuple[Item, ...]
    roles: tuple[Item, ...]
    statuses: tuple[Item, ...]
    facts: tuple[Item, ...]


class Relationship(NamedTuple):
    id: str
    between: tuple[str, str]
    stages: tuple[Item, ...]
    history: tuple[Item, ...]


class Thread(NamedTuple):
    id: str
    titles: tuple[Item, ...]
    beats: tuple[Item, ...]
    resolved: Item | None


class Source(NamedTuple):
    """A dated piece: ``at`` is the latest point its page covers (it may spoil up to there)."""

    key: str  # an internal, neutral id; never shown to a viewer
    url: str
    outlet: str
    at: Position
    at_key: int  # ``at.key``, precomputed by the loader so visibility is one comparison
    title: str | None = None


class Pack(NamedTuple):
    id: str
    title: str
    episodes: tuple[Episode, ...]
    characters: tuple[Character, ...]
    relationships: tuple[Relationship, ...]
    threads: tuple[Thread, ...]
    sources: dict[str, Source]
    path: Path | None = None
    ids: tuple[tuple[str, str], ...] = ()  # the show's external ids (imdb, tmdb, tvdb)
    seasons: Seasons = Seasons()  # episodes per season; empty for a show without seasons

    @property
    def episode_count(self) -> int:
        return len(self.episodes)

    @property
    def last_position(self) -> Position:
        return Position(self.episode_count, "end")
