"""The viewer's session, headless: where they are, the View of it, their moves, and what the
last move forward revealed ("new since").

The TUI owns one :class:`Session` and draws from ``session.view``; nothing here knows about
Textual (the import-linter contract in pyproject.toml keeps it so), so every rule below is
tested without a pilot (tests/test_session.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple

from runaway_companion.model import Pack
from runaway_companion.progress import Position
from runaway_companion.view import Change, Event, EventsMemo, View, changes, events

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.together import Together

START = Position(1, "start")


class Start(NamedTuple):
    """Where a launch opens (:func:`start`): what ``companion`` and ``CompanionApp()`` use."""

    pack: Pack
    position: Position  # the saved position (1:start when nothing is saved)
    first_run: bool  # nothing saved and nothing asked for: the picker opens first
    notices: tuple[str, ...] = ()  # warnings (a damaged progress file, a save that failed)
    ask_to: Position | None = None  # asked for, more than one checkpoint past the saved one


def start(pack: Pack | None = None, override: Position | None = None,
          household: "Together | None" = None) -> Start:
    """Where the companion opens: ``pack`` (default: the shipped one) at the saved position of
    the profile in use, or at ``override`` (``--episode/--at``; saved, unless it is more than
    one checkpoint past the saved position: then the app opens at the saved one and asks), or
    at the household's place (``--together``). Raises PackError for a pack that won't load."""
    from runaway_companion import state

    if pack is None:
        from runaway_companion.pack import load_pack

        pack = load_pack()
    loaded = state.load_progress(pack.id, pack.episode_count)
    if household is not None:
        return Start(pack, household.position, False)
    notices = [loaded.warning]
    position, first_run, ask_to = loaded.position, override is None and not loaded.saved, None
    if override is not None:
        if override.key > loaded.position.key + 1:
            ask_to = override
        else:
            position = override
            notices.append(state.save_progress(pack.id, position))
    return Start(pack, position, first_run, tuple(n for n in notices if n), ask_to)


def fill_in(pack: Pack | None, position: Position | None, first_run: bool | None = None,
            notices: Iterable[str] = ()) -> tuple[Pack, Position, bool, tuple[str, ...]]:
    """An app's (pack, position, first_run, notices), what was not given filled in by
    :func:`start` (``CompanionApp()`` opens where ``companion`` without flags does)."""
    if pack is None or position is None:
        opening = start(pack)
        pack = opening.pack
        if position is None:
            position = opening.position
            first_run = opening.first_run if first_run is None else first_run
            notices = (*opening.notices, *notices)
    return pack, position, bool(first_run), tuple(notices)


class Move(NamedTuple):
    """One change of position, as :meth:`Session.move_to` made it."""

    old: Position
    new: Position
    catch_up: bool  # False: a pick that says where you are (the first one, another person's);
    #                 from the very start it still reveals what lies up to there

    @property
    def back(self) -> bool:
        return self.new < self.old


class Session:
    """Position + View + "new since"; ``Session(pack, position)``."""

    def __init__(self, pack: Pack, position: Position) -> None:
        position.check_within(pack.episode_count)
        self.pack = pack
        self.position = position
        self.view = View(pack, position)
        self.news_since: Position | None = None  # where the viewer was before moving on
        self._news_seen = False  # the New tab was looked at and left: the next move restarts it
        self.news_open = False  # the New tab is in front: every move forward restarts it
        self._news_cache: tuple[tuple[Position, Position], list[Change]] | None = None
        self._events_cache: tuple[tuple[Position, Position], list[Event]] | None = None
        self._events_memo = EventsMemo()

    # --- moves ----------------------------------------------------------------------------
    def needs_confirm(self, target: Position) -> bool:
        """More than one checkpoint forward asks first (from every entry point)."""
        return target.key > self.position.key + 1

    def step_target(self, delta: int) -> Position | None:
        """The position one checkpoint forward (``delta > 0``) or back; None at either end."""
        if delta > 0:
            return None if self.position >= self.pack.last_position else self.position.next()
        return None if self.position <= START else self.position.prev()

    def move_to(self, target: Position, catch_up: bool = True) -> Move | None:
        """Go to ``target`` (no question asked: the caller asked it); None if already there."""
        target.check_within(self.pack.episode_count)
        old = self.position
        if target == old:
            return None
        if not catch_up:
            # the first pick from the very start reveals everything up to the pick; any other
            # "here is where you are" (another person's progress) starts afresh
            self.news_since = START if old == START and target > old else None
            self._news_seen = False
        elif target > old:
            if self.news_since is None or self._news_seen or self.news_open:
                self.news_since, self._news_seen = old, False
        elif self.news_since is not None and target <= self.news_since:
            self.news_since, self._news_seen = None, False
        self.position = target
        self.view = View(self.pack, target)
        return Move(old, target, catch_up)

    # --- what is new ------------------------------------------------------------------------
    def mark_news_seen(self) -> None:
        """The viewer left the New tab: the next move forward starts a new "since"."""
        if self.news_since is not None:
            self._news_seen = True

    def show_news(self, shown: bool) -> None:
        """The New tab came to the front (``True``) or left it: while it is in front, each move
        forward shows just what that move revealed; once left, the next move starts afresh."""
        if self.news_open and not shown:
            self.mark_news_seen()
        self.news_open = shown

    def news(self) -> tuple[Position | None, list[Change]]:
        """(since, changes): what became visible between ``since`` and now (cached per pair)."""
        since = self.news_since
        if since is None or since >= self.position:
            return since, []
        key = (since, self.position)
        if self._news_cache is None or self._news_cache[0] != key:
            self._news_cache = (key, changes(self.pack, since, self.position))
        return since, self._news_cache[1]

    def news_events(self) -> tuple[Position | None, list[Event]]:
        """(since, events): :meth:`news` as one line per event, newest checkpoint first
        (:func:`runaway_companion.view.events`; cached per pair)."""
        since, items = self.news()
        if not items:
            return since, []
        key = (since, self.position)
        if self._events_cache is None or self._events_cache[0] != key:
            found = events(self.view, items, self._events_memo)  # type: ignore[arg-type]
            self._events_cache = (key, found)
        return since, self._events_cache[1]
