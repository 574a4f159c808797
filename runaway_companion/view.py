"""THE visibility rule. ``View(pack, position)`` is everything this viewer may see.

Every surface (CLI, export, audit, every TUI screen, the palette) reads a View, never the model.
The rule itself is one comparison, in :func:`revealed`: a piece dated ``(e, p)`` is visible at
position ``P`` iff ``(e, p) <= P``. Anything without a reveal point never reaches the model (the
loader refuses it), so there is no "always visible" path.
"""
from __future__ import annotations

from functools import cached_property
from typing import Iterable, NamedTuple

from runaway_companion import gcpolicy
from runaway_companion.model import Character, Item, Pack, Relationship, Source, Thread
from runaway_companion.progress import Position


def revealed(item: Item | None, position_key: int) -> bool:
    """The one rule: a dated piece is visible iff its reveal point is at or before the viewer."""
    return item is not None and item.at_key <= position_key


def _visible(items: tuple[Item, ...], key: int) -> list[Item]:
    return [item for item in items if item.at_key <= key]


# --- how dated lines read (one place for every surface: CLI, export, TUI) --------------------

MARK = "˚"  # the one quiet mark for a weakly sourced line; never a word, never beside a name
MARK_LEGEND = f"{MARK} weakly sourced: thin evidence for the line, or for where it sits in the show"


def mark(item: object) -> str:
    """``˚`` for a line (or its date) that rests on weak evidence (``confidence: low``), else
    "". Confidence is about the evidence, never the story, and it is shown the same way
    everywhere: CLI, export and TUI append this, and say :data:`MARK_LEGEND` once."""
    return MARK if getattr(item, "confidence", "high") == "low" else ""


def label_for(stage: Item, owner_id: str) -> str:
    """A relationship stage as ``owner_id``'s card shows it: what the *other* person is to the
    owner (its side of ``labels:``), or the one neutral ``label:`` that reads right from both."""
    for owner, label in stage.sides:
        if owner == owner_id:
            return label
    return stage.text


def pair_label(stage: Item, a_id: str, b_id: str) -> str:
    """A stage read from neither card (a list of pairs ``A ↔ B``): the neutral label, or what
    each is to the other in the same order as the names — ``A's side ↔ B's side``."""
    if not stage.sides:
        return stage.text
    return f"{label_for(stage, b_id)} ↔ {label_for(stage, a_id)}"


TITLE_NOT_KNOWN = "title not known"  # an episode no source gives a title: the same before and after
RECAP_AT_END = "This episode's events are listed once you have finished it."
NOTHING_TO_RECAP = "Nothing to recap yet."


class EpisodeView(NamedTuple):
    number: int
    title: str | None  # None until the viewer has started the episode
    state: str  # "watched" | "current" | "unstarted"
    recap: tuple[Item, ...]
    title_item: Item | None = None
    title_known: bool = True  # False: no source gives this episode a title (not a hidden one)
    recap_at_end: bool = False  # every recap line of it sits at `end` (no known place inside)

    @property
    def label(self) -> str:
        """``Episode 2: <its title>`` once its title is due; before that, and for an episode
        no source gives a title, ``Episode 2 (title not known)`` — the same words for both."""
        if self.title:
            return f"Episode {self.number}: {self.title}"
        # a title not due yet reads exactly like one no source gives: which episodes have a
        # title to come is itself a mark
        return f"Episode {self.number} ({TITLE_NOT_KNOWN})"

    @property
    def recap_note(self) -> str | None:
        """What stands in for an empty recap: None when there are lines to show. Inside an
        episode whose lines have no known place (all at `end`), the same neutral words for every
        such episode; otherwise "Nothing to recap yet."."""
        if self.recap:
            return None
        if self.state == "current" and self.recap_at_end:
            return RECAP_AT_END
        return NOTHING_TO_RECAP


class CharacterView(NamedTuple):
    id: str
    name: str
    aliases: tuple[str, ...]
    actor: str | None
    role: str | None
    status: str | None
    groups: tuple[str, ...]
    facts: tuple[Item, ...]
    appears: Item
    # the dated items behind name/actor/role/status, for "sources" and audit displays
    name_items: tuple[Item, ...] = ()
    name_item: Item | None = None  # the item behind ``name``
    alias_items: tuple[Item, ...] = ()  # the items behind ``aliases``
    actor_item: Item | None = None
    role_item: Item | None = None
    status_item: Item | None = None

    @property
    def group(self) -> str:
        return self.groups[0] if self.groups else "Others"

    def matches(self, query: str) -> bool:
        """Whole name, alias, or one whole word of either, case-insensitively."""
        q = " ".join(query.lower().split())
        if not q:
            return False
        for known in (self.name, *self.aliases):
            low = known.lower()
            if q == low or q in low.replace('"', " ").split():
                return True
        return False


class RelationshipView(NamedTuple):
    id: str
    a: CharacterView
    b: CharacterView
    label: str  # read from neither card: see pair_label (a card shows label_for its owner)
    stages: tuple[Item, ...]
    history: tuple[Item, ...]

    def other(self, char_id: str) -> CharacterView:
        return self.b if self.a.id == char_id else self.a

    @property
    def stage(self) -> Item:
        """The stage in force now (the latest visible one)."""
        return self.stages[-1]

    def label_for(self, owner_id: str) -> str:
        """The label now, as ``owner_id``'s card shows it (see :func:`label_for`)."""
        return label_for(self.stages[-1], owner_id)


class ThreadView(NamedTuple):
    id: str
    title: str
    status: str  # "open" | "resolved"
    opened: Position
    beats: tuple[Item, ...]
    resolution: Item | None
    titles: tuple[Item, ...] = ()

    @property
    def last_event(self) -> Position:
        if self.resolution is not None:
            return self.resolution.at
        return self.beats[-1].at if self.beats else self.opened


class View:
    """What a viewer at ``position`` may see of ``pack``. Cheap to build; parts are lazy."""

    def __init__(self, pack: Pack, position: Position):
        position.check_within(pack.episode_count)
        self.pack = pack
        self.position = position
        self.key = position.key

    # --- show -------------------------------------------------------------------------------
    @property
    def show_title(self) -> str:
        return self.pack.title

    @property
    def show_id(self) -> str:
        return self.pack.id

    @property
    def episode_count(self) -> int:
        return self.pack.episode_count

    @cached_property
    def episodes(self) -> tuple[EpisodeView, ...]:
        out = []
        for ep in self.pack.episodes:
            if ep.number < self.position.episode:
                state = "watched"
            elif ep.number == self.position.episode and self.position.checkpoint == "end":
                state = "watched"
            elif ep.number == self.position.episode and self.position.checkpoint != "start":
                state = "current"
            else:
                state = "unstarted"
            title = ep.title.text if revealed(ep.title, self.key) else None
            at_end = bool(ep.recap) and all(b.at.checkpoint == "end" for b in ep.recap)
            out.append(EpisodeView(ep.number, title, state, tuple(_visible(ep.recap, self.key)),
                                   ep.title if title else None, ep.title is not None, at_end))
        return tuple(out)

    def episode(self, number: int) -> EpisodeView | None:
        return next((e for e in self.episodes if e.number == number), None)

    # --- characters -------------------------------------------------------------------------
    def _character(self, ch: Character) -> CharacterView | None:
        key = self.key
        if not revealed(ch.appears, key):
            return None
        names = _visible(ch.names, key)
        primary = [n for n in names if n.kind == "name"]
        current = primary[-1]
        aliases: list[str] = []
        for n in names:
            if n is not current and n.text != current.text and n.text not in aliases:
                aliases.append(n.text)
        roles = _visible(ch.roles, key)
        statuses = _visible(ch.statuses, key)
        actor = ch.actor if revealed(ch.actor, key) else None
        groups: list[str] = []
        for g in _visible(ch.groups, key):
            if g.text not in groups:
                groups.append(g.text)
        facts = sorted(_visible(ch.facts, key), key=lambda f: f.at_key)
        return CharacterView(
            id=ch.id,
            name=current.text,
            aliases=tuple(aliases),
            actor=actor.text if actor else None,
            role=roles[-1].text if roles else None,
            status=statuses[-1].text if statuses else None,
            groups=tuple(groups),
            facts=tuple(facts),
            appears=ch.appears,
            name_items=tuple(names),
            name_item=current,
            alias_items=tuple(n for n in names if n.text in aliases),
            actor_item=actor,
            role_item=roles[-1] if roles else None,
            status_item=statuses[-1] if statuses else None,
        )

    @cached_property
    @gcpolicy.paused_build
    def _characters(self) -> dict[str, CharacterView]:
        out: dict[str, CharacterView] = {}
        for ch in self.pack.characters:
            view = self._character(ch)
            if view is not None:
                out[ch.id] = view
        return out

    @property
    def characters(self) -> tuple[CharacterView, ...]:
        """Visible characters in pack order (the pack lists the leads first)."""
        return tuple(self._characters.values())

    def character(self, char_id: str) -> CharacterView | None:
        return self._characters.get(char_id)

    def find_characters(self, query: str) -> list[CharacterView]:
        """Characters whose *visible* names or aliases match; exact full names win."""
        q = " ".join(query.lower().split())
        exact = [c for c in self.characters if q in (c.name.lower(), *(a.lower() for a in c.aliases))]
        return exact or [c for c in self.characters if c.matches(query)]

    # --- relationships ----------------------------------------------------------------------
    def _relationship(self, rel: Relationship) -> RelationshipView | None:
        stages = _visible(rel.stages, self.key)
        a, b = (self._characters.get(rel.between[0]), self._characters.get(rel.between[1]))
        if not stages or a is None or b is None:
            return None
        history = sorted(_visible(rel.history, self.key), key=lambda h: h.at_key)
        return RelationshipView(rel.id, a, b, pair_label(stages[-1], a.id, b.id), tuple(stages),
                                tuple(history))

    @cached_property
    @gcpolicy.paused_build
    def relationships(self) -> tuple[RelationshipView, ...]:
        out = []
        for rel in self.pack.relationships:
            view = self._relationship(rel)
            if view is not None:
                out.append(view)
        return tuple(out)

    @cached_property
    def _relationships_by_character(self) -> dict[str, list[RelationshipView]]:
        index: dict[str, list[RelationshipView]] = {}
        for r in self.relationships:
            for cid in dict.fromkeys((r.a.id, r.b.id)):
                index.setdefault(cid, []).append(r)
        return index

    def relationships_of(self, char_id: str) -> list[RelationshipView]:
        """Visible relationships involving ``char_id``, in pack order (indexed: O(answer))."""
        return list(self._relationships_by_character.get(char_id, ()))

    # --- threads ----------------------------------------------------------------------------
    def _thread(self, thr: Thread) -> ThreadView | None:
        titles = _visible(thr.titles, self.key)
        if not titles:
            return None
        resolution = thr.resolved if revealed(thr.resolved, self.key) else None
        return ThreadView(thr.id, titles[-1].text, "resolved" if resolution else "open",
                          titles[0].at, tuple(_visible(thr.beats, self.key)), resolution,
                          tuple(titles))

    @cached_property
    @gcpolicy.paused_build
    def threads(self) -> tuple[ThreadView, ...]:
        out = []
        for thr in self.pack.threads:
            view = self._thread(thr)
            if view is not None:
                out.append(view)
        return tuple(out)

    @cached_property
    def _threads_by_id(self) -> dict[str, ThreadView]:
        index: dict[str, ThreadView] = {}
        for t in self.threads:
            index.setdefault(t.id, t)
        return index

    def thread(self, thread_id: str) -> ThreadView | None:
        return self._threads_by_id.get(thread_id)

    # --- search -----------------------------------------------------------------------------
    def search_entries(self) -> list[tuple[str, str, str]]:
        """(kind, id, text) for every visible name, alias, thread title and episode label."""
        out: list[tuple[str, str, str]] = []
        for c in self.characters:
            out.append(("character", c.id, c.name))
            out.extend(("character", c.id, alias) for alias in c.aliases)
        out.extend(("thread", t.id, t.title) for t in self.threads)
        out.extend(("episode", str(e.number), e.label) for e in self.episodes)
        return out

    # --- sources ----------------------------------------------------------------------------
    # A source is a dated piece like any other: its page may spoil everything up to its ``at``,
    # so its outlet, title and URL are shown only once that point is behind the viewer. Keys
    # are internal ids and are never shown; a source not yet due is only ever counted.
    def source(self, key: str) -> Source | None:
        """The source behind ``key`` if it is due at this position, else None."""
        src = self.pack.sources.get(key)
        return src if src is not None and revealed(src, self.key) else None  # type: ignore[arg-type]

    def sources_of(self, items: Iterable[Item | None]) -> tuple[list[Source], int]:
        """(the due sources behind ``items`` in first-seen order, how many others are not yet due)."""
        seen: set[str] = set()
        shown: list[Source] = []
        hidden = 0
        for item in items:
            if item is None:
                continue
            for key in item.sources:
                if key in seen:
                    continue
                seen.add(key)
                src = self.source(key)
                if src is None:
                    hidden += 1
                else:
                    shown.append(src)
        return shown, hidden

    def source_label(self, key: str) -> str:
        """``Outlet — title: url`` for a due source; the same neutral words for any other."""
        src = self.source(key)
        return source_text(src) if src is not None else NOT_YET_DUE


NOT_YET_DUE = "a source shown once its episode is behind you"


def source_text(src: Source) -> str:
    """How a due source reads: ``Outlet — title: url`` (``Outlet: url`` without a title)."""
    return f"{src.outlet} — {src.title}: {src.url}" if src.title else f"{src.outlet}: {src.url}"


def hidden_sources_line(count: int) -> str:
    """The one line that stands for every source not yet due (never its date, outlet or URL)."""
    if count == 1:
        return "1 more source — shown once its episode is behind you"
    return f"{count} more sources — shown once their episodes are behind you"


# ---------------------------------------------------------------------------------------------
# What changed between two positions ("new since last time", the audit)


class Change(NamedTuple):
    at: Position
    kind: str  # character, name, alias, actor, group, role, status, fact, relationship, label,
    #            history, thread, thread-title, beat, resolved, episode-title, recap
    subject: str  # who/what it is about, as named at the *new* position
    text: str
    sources: tuple[str, ...]
    confidence: str = "high"


def changes(pack: Pack, old: Position, new: Position) -> list[Change]:
    """Everything that becomes visible after ``old`` and up to ``new`` (empty if new <= old).

    Built from two Views so it uses exactly the same rule as every other surface.
    """
    if new <= old:
        return []
    before, after = View(pack, old), View(pack, new)
    lo, hi = old.key, new.key

    def fresh(item: Item | None) -> bool:
        return revealed(item, hi) and not revealed(item, lo)

    out: list[Change] = []
    for ep_new in after.episodes:
        ep = pack.episodes[ep_new.number - 1]
        if fresh(ep.title):
            out.append(Change(ep.title.at, "episode-title", f"Episode {ep.number}", ep.title.text,  # type: ignore[union-attr]
                              ep.title.sources, ep.title.confidence))  # type: ignore[union-attr]
        out.extend(Change(b.at, "recap", f"Episode {ep.number}", b.text, b.sources, b.confidence)
                   for b in ep.recap if fresh(b))
    for ch in pack.characters:
        cv = after.character(ch.id)
        if cv is None:
            continue
        if fresh(ch.appears):
            out.append(Change(ch.appears.at, "character", cv.name,
                              cv.role_item.text if fresh(cv.role_item) and cv.role_item else "",
                              ch.appears.sources, ch.appears.confidence))
        intro = next((n for n in reversed(ch.names)
                      if n.kind == "name" and n.at == ch.appears.at), None)
        for n in ch.names:
            # the name a new face is introduced by (the last name dated at its appearance)
            # is said by its "character" line; any other name dated then gets its own line
            if fresh(n) and not (fresh(ch.appears) and n is intro):
                out.append(Change(n.at, "name" if n.kind == "name" else "alias", cv.name, n.text,
                                  n.sources, n.confidence))
        if fresh(ch.actor):
            out.append(Change(ch.actor.at, "actor", cv.name, ch.actor.text, ch.actor.sources,  # type: ignore[union-attr]
                              ch.actor.confidence))  # type: ignore[union-attr]
        for kind, seq in (("group", ch.groups), ("role", ch.roles), ("status", ch.statuses),
                          ("fact", ch.facts)):
            out.extend(Change(i.at, kind, cv.name, i.text, i.sources, i.confidence)
                       for i in seq if fresh(i))
    rel_views: dict[str, RelationshipView] = {}
    for r in after.relationships:
        rel_views.setdefault(r.id, r)
    for rel in pack.relationships:
        rv = rel_views.get(rel.id)
        if rv is None:
            continue
        pair = f"{rv.a.name} ↔ {rv.b.name}"
        for idx, stage in enumerate(rel.stages):
            if fresh(stage):
                out.append(Change(stage.at, "relationship" if idx == 0 else "label", pair,
                                  pair_label(stage, rv.a.id, rv.b.id), stage.sources,
                                  stage.confidence))
        out.extend(Change(h.at, "history", pair, h.text, h.sources, h.confidence)
                   for h in rel.history if fresh(h))
    for thr in pack.threads:
        tv = after.thread(thr.id)
        if tv is None:
            continue
        for idx, title in enumerate(thr.titles):
            if fresh(title):
                out.append(Change(title.at, "thread" if idx == 0 else "thread-title", tv.title,
                                  title.text, title.sources, title.confidence))
        out.extend(Change(b.at, "beat", tv.title, b.text, b.sources, b.confidence)
                   for b in thr.beats if fresh(b))
        if fresh(thr.resolved):
            r = thr.resolved
            out.append(Change(r.at, "resolved", tv.title, r.text, r.sources, r.confidence))  # type: ignore[union-attr]
    del before
    order = {k: i for i, k in enumerate(
        ("episode-title", "recap", "character", "name", "alias", "actor", "group", "role",
         "status", "fact", "relationship", "label", "history", "thread", "thread-title", "beat",
         "resolved"))}
    out.sort(key=lambda c: (c.at.key, order[c.kind]))
    return out


# ---------------------------------------------------------------------------------------------
# One line per event ("new since", the catch-up): the lines :func:`changes` gives, merged

#: the lines about who someone is (folded into one line per person and checkpoint)
PROFILE_KINDS = ("character", "name", "alias", "actor", "group")
#: the lines that tell what happened (merged into events, see :func:`events`)
STORY_KINDS = ("recap", "beat", "history", "fact", "resolved", "relationship", "label",
               "thread", "thread-title", "status", "role", "episode-title")
#: which line of an event tells it (the first kind here that the event has)
HEADLINE = ("recap", "beat", "resolved", "history", "fact", "relationship", "label", "status",
            "role", "thread", "thread-title", "episode-title")
_PAIR = " ↔ "


class Event(NamedTuple):
    """One thing that happened at ``at``, told by ``headline``; ``lines`` are every
    :class:`Change` folded into it (in :func:`changes` order, the headline among them).
    ``people`` and ``threads``: who and what it touched, named as known at the new position."""

    at: Position
    headline: Change
    lines: tuple[Change, ...]
    people: tuple[str, ...]
    threads: tuple[str, ...]

    @property
    def kind(self) -> str:
        """``"person"`` (a new face or who someone is) or ``"story"`` (what happened)."""
        return "person" if self.headline.kind in PROFILE_KINDS else "story"


class _Namer:
    """Who a line touches, from the names a View gives (so only names known there)."""

    def __init__(self, view: View) -> None:
        self.order: dict[str, int] = {}
        self.by_name: dict[str, str] = {}
        words: dict[str, set[str]] = {}
        # actors' names are not people in the story ("played by Ann Lee" names no Ann)
        self.actors = sorted({c.actor for c in view.characters if c.actor}, key=len, reverse=True)
        for i, c in enumerate(view.characters):
            self.order[c.name] = i
            for known in (c.name, *c.aliases):
                self.by_name.setdefault(known, c.name)
                for word in _words(known):
                    if len(word) >= 3 and word[0].isupper() and word not in _COMMON:
                        words.setdefault(word, set()).add(c.name)
        # a word shared by two people (a surname) names neither of them
        self.by_word = {w: next(iter(names)) for w, names in words.items() if len(names) == 1}
        self.by_first: dict[str, list[str]] = {}  # whole names and aliases, by their first word
        for known in self.by_name:
            first = known.split()[0] if known.split() else known
            self.by_first.setdefault(first, []).append(known)
        self._cache: dict[Change, list[str]] = {}

    def touched(self, change: Change) -> list[str]:
        cached = self._cache.get(change)
        if cached is None:
            cached = self._cache[change] = self._touched(change)
        return cached

    def _touched(self, change: Change) -> list[str]:
        names: list[str] = []
        if change.kind in PROFILE_KINDS or change.kind in ("fact", "status", "role"):
            names.append(change.subject)
        elif change.kind in ("relationship", "label", "history"):
            names.extend(change.subject.split(_PAIR))
        text = f"{change.subject} {change.text}"
        for actor in self.actors:
            text = text.replace(actor, " ")
        words = _words(text)
        for first in dict.fromkeys(w for raw in text.split() for w in (raw, raw.strip("\"“(")) ):
            for known in self.by_first.get(first, ()):
                if known in text:
                    names.append(self.by_name[known])
        names.extend(self.by_word[w] for w in words if w in self.by_word)
        return [n for n in dict.fromkeys(names) if n in self.order]


_COMMON = frozenset({"The", "And", "Mrs", "Miss", "Detective", "Doctor", "Sergeant"})


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?“”\"'()’s") for w in text.replace("’s", " ").replace("'s", " ").split()]


def _thread_of(change: Change) -> str | None:
    return change.subject if change.kind in ("thread", "thread-title", "beat", "resolved") else None


def _linked(a: Change, b: Change, touch: dict[int, set[str]], ia: int, ib: int) -> bool:
    """The merging rule for two story lines at one checkpoint: the same evidence tells them
    (one's sources contain the other's, none empty) and they touch someone — or some thread —
    in common."""
    sa, sb = set(a.sources), set(b.sources)
    if not sa or not sb or not (sa <= sb or sb <= sa):
        return False
    return bool(touch[ia] & touch[ib])


def events(view_after: View, items: list[Change],
           memo: EventsMemo | None = None) -> list[Event]:
    """``items`` (what :func:`changes` gives for a move to ``view_after.position``) as one line
    per event, newest checkpoint first. Nothing is added: every event is made of those lines,
    and named with ``view_after``'s names.

    The merging rule, for the lines of one checkpoint:

    1. *Who someone is* — a new face with its name, alias, actor and group lines (and its role
       and status lines at that checkpoint) — is one line per person.
    2. *What happened*: each recap line is one event (two recap lines never merge). Every other
       story line joins the first recap line it is *linked* to (see below); the lines left over
       form events of their own: the groups of lines linked to one another, directly or through
       others.
    3. Two lines are *linked* when one's sources contain the other's (the same evidence tells
       them) and they touch someone in common (a person the line is about, or names by a name
       or a word of a name known at the new position — a word two people share, like a
       surname, names neither; an actor's name names nobody), or the same thread.

    An event is told by its first line in :data:`HEADLINE` order; it names everyone and every
    thread its lines touch. An episode's title line is no event: the episode's heading says it
    (:attr:`EpisodeView.label` at the new position).

    ``memo`` (an :class:`EventsMemo`): reuse what an earlier call worked out (the same result;
    without one, everything is worked out afresh).
    """
    memo = memo if memo is not None else EventsMemo()
    names = _names_key(view_after)
    namer = memo.namer(names, view_after)
    by_at: dict[Position, list[Change]] = {}
    for change in items:
        if change.kind == "episode-title":  # said by its episode's heading
            continue
        by_at.setdefault(change.at, []).append(change)
    out: list[Event] = []
    for at in sorted(by_at, key=lambda p: p.key, reverse=True):
        out.extend(memo.events_at(names, at, by_at[at], namer))
    return out


def _names_key(view: View) -> tuple:
    """Everything :class:`_Namer` reads of a View: who is known, by which names, played by whom."""
    return tuple((c.name, c.aliases, c.actor) for c in view.characters)


class EventsMemo:
    """What :func:`events` worked out, kept for the next call: one checkpoint's events are the
    same whenever the same lines are named with the same names (a move back, or forward past a
    checkpoint that introduced nobody, repeats them). Keyed by everything they are made of;
    bounded (emptied when full)."""

    def __init__(self, limit: int = 2048) -> None:
        self.limit = limit
        self._namers: dict[tuple, _Namer] = {}
        self._events: dict[tuple, list[Event]] = {}

    def namer(self, names: tuple, view: View) -> "_Namer":
        namer = self._namers.get(names)
        if namer is None:
            if len(self._namers) >= 64:
                self._namers.clear()
            namer = self._namers[names] = _Namer(view)
        return namer

    def events_at(self, names: tuple, at: Position, lines: list[Change],
                  namer: "_Namer") -> list[Event]:
        key = (names, at, tuple(lines))
        found = self._events.get(key)
        if found is None:
            if len(self._events) >= self.limit:
                self._events.clear()
            found = self._events[key] = _events_at(at, lines, namer)
        return found


def _events_at(at: Position, lines: list[Change], namer: _Namer) -> list[Event]:
    new_faces = {c.subject for c in lines if c.kind == "character"}
    groups: list[list[int]] = []
    person: dict[str, list[int]] = {}
    story: list[int] = []
    for i, c in enumerate(lines):
        if c.kind in PROFILE_KINDS or (c.kind in ("role", "status") and c.subject in new_faces):
            if c.subject not in person:
                person[c.subject] = []
                groups.append(person[c.subject])
            person[c.subject].append(i)
        else:
            story.append(i)
    touch = {i: set(namer.touched(lines[i])) | ({f"thread:{t}"} if (t := _thread_of(lines[i]))
                                                  else set()) for i in story}
    recaps = [i for i in story if lines[i].kind == "recap"]
    joined: dict[int, list[int]] = {r: [r] for r in recaps}
    rest: list[int] = []
    for i in story:
        if i in joined:
            continue
        home = next((r for r in recaps if _linked(lines[r], lines[i], touch, r, i)), None)
        if home is None:
            rest.append(i)
        else:
            joined[home].append(i)
    # the leftovers: connected groups (union-find, the smallest index as the root)
    root = {i: i for i in rest}

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for x, i in enumerate(rest):
        for j in rest[x + 1:]:
            if _linked(lines[i], lines[j], touch, i, j):
                a, b = find(i), find(j)
                root[max(a, b)] = min(a, b)
    clusters: dict[int, list[int]] = {}
    for i in rest:
        clusters.setdefault(find(i), []).append(i)
    # story events first (recaps in their order, then the others), then the people
    ordered = [sorted(joined[r]) for r in recaps]
    ordered += sorted(clusters.values(), key=lambda g: g[0])
    ordered += groups
    return [_event(at, [lines[i] for i in g], namer) for g in ordered]


def _event(at: Position, lines: list[Change], namer: _Namer) -> Event:
    rank: dict[str, int] = {}
    for n, k in enumerate(("character",) + HEADLINE + PROFILE_KINDS):
        rank.setdefault(k, n)
    headline = min(lines, key=lambda c: rank.get(c.kind, len(rank)))
    people: list[str] = []
    threads: list[str] = []
    for c in lines:
        people.extend(namer.touched(c))
        t = _thread_of(c)
        if t is not None:
            threads.append(t)
    people = sorted(dict.fromkeys(people), key=lambda n: namer.order[n])
    return Event(at, headline, tuple(lines), tuple(people), tuple(dict.fromkeys(threads)))
