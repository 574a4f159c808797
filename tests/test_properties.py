"""The visibility rule as properties of generated packs (tests/packgen.py).

At every position of every generated pack: what is visible is exactly what is dated at or before
the position (so visibility only grows as you move forward); a character's visible pieces never
precede the character's first appearance; a relationship is never visible while either of its
characters is hidden; "new since last time" is exactly what lies between two positions. Nothing
without a reveal point can reach the View: the loader refuses it. And the View holds the
relationship/character rules even on a model that skipped the loader's checks.
"""
from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runaway_companion.export import to_json
from runaway_companion.model import Item, Pack
from runaway_companion.pack import PackError, load_pack
from runaway_companion.progress import Position, all_positions
from runaway_companion.view import EventsMemo, View, changes, events, revealed
from leakcheck import dated_items, hidden_texts
from packgen import make_pack, mutate, reveal_keys, write_pack

PROPS = settings(max_examples=100, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SEEDS = st.integers(0, 2**32)
_n = iter(range(10**9))


def generated(tmp_path_factory, seed: int, odd: bool = False) -> Pack:
    rnd = random.Random(seed)
    docs = make_pack(rnd, odd=odd, max_episodes=4, max_characters=6)
    return load_pack(write_pack(tmp_path_factory.getbasetemp() / f"g{next(_n)}", docs, rnd))


def exposed(view: View) -> set[tuple[str, int]]:
    """Every dated piece a View hands to a surface, as (kind, identity of the Item)."""
    out: set[tuple[str, int]] = set()
    for e in view.episodes:
        if e.title_item is not None:
            out.add(("episode-title", id(e.title_item)))
        out.update(("recap", id(i)) for i in e.recap)
    for c in view.characters:
        out.add(("appears", id(c.appears)))
        out.update(("name", id(i)) for i in c.name_items)
        out.update(("fact", id(i)) for i in c.facts)
        for kind, item in (("actor", c.actor_item), ("role", c.role_item),
                           ("status", c.status_item)):
            if item is not None:
                out.add((kind, id(item)))
    for r in view.relationships:
        out.update(("stage", id(i)) for i in r.stages)
        out.update(("history", id(i)) for i in r.history)
    for t in view.threads:
        out.update(("thread-title", id(i)) for i in t.titles)
        out.update(("beat", id(i)) for i in t.beats)
        if t.resolution is not None:
            out.add(("resolved", id(t.resolution)))
    return out


def cumulative(pack: Pack, key: int) -> set[tuple[str, int]]:
    """What *should* be exposed at ``key``: every piece dated at or before it (roles and
    statuses: only the latest — the View shows the role *now*)."""
    out: set[tuple[str, int]] = set()
    for ep in pack.episodes:
        if ep.title is not None and ep.title.at_key <= key:
            out.add(("episode-title", id(ep.title)))
        out.update(("recap", id(i)) for i in ep.recap if i.at_key <= key)
    for ch in pack.characters:
        if ch.appears.at_key > key:
            continue
        out.add(("appears", id(ch.appears)))
        out.update(("name", id(i)) for i in ch.names if i.at_key <= key)
        out.update(("fact", id(i)) for i in ch.facts if i.at_key <= key)
        if ch.actor is not None and ch.actor.at_key <= key:
            out.add(("actor", id(ch.actor)))
        for kind, seq in (("role", ch.roles), ("status", ch.statuses)):
            known = [i for i in seq if i.at_key <= key]
            if known:
                out.add((kind, id(known[-1])))
    for rel in pack.relationships:
        out.update(("stage", id(i)) for i in rel.stages if i.at_key <= key)
        out.update(("history", id(i)) for i in rel.history if i.at_key <= key)
    for thr in pack.threads:
        out.update(("thread-title", id(i)) for i in thr.titles if i.at_key <= key)
        out.update(("beat", id(i)) for i in thr.beats if i.at_key <= key)
        if thr.resolved is not None and thr.resolved.at_key <= key:
            out.add(("resolved", id(thr.resolved)))
    return out


ACCUMULATING = {"episode-title", "recap", "appears", "name", "fact", "actor", "stage", "history",
                "thread-title", "beat", "resolved"}


@PROPS
@given(seed=SEEDS, odd=st.booleans())
def test_what_is_visible_is_exactly_what_is_due_and_only_grows(tmp_path_factory, seed, odd):
    pack = generated(tmp_path_factory, seed, odd)
    previous: set = set()
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        shown = exposed(view)
        assert shown == cumulative(pack, position.key), f"seed {seed} at {position}"
        grows = {x for x in shown if x[0] in ACCUMULATING}
        assert previous <= grows, f"seed {seed}: something disappeared at {position}"
        previous = grows
        # the core rule, piece by piece; and the export carries no hidden text
        by_id = {id(i): i for i in dated_items(pack)} | {id(c.appears): c.appears
                                                          for c in pack.characters}
        assert all(by_id[ident].at <= position for _k, ident in shown)
        out = to_json(view)
        assert not [h for h in hidden_texts(pack, position) if json.dumps(h)[1:-1] in out]
    everything = cumulative(pack, pack.last_position.key)
    assert {x for x in everything if x[0] in ACCUMULATING} <= previous  # nothing over-hidden


@PROPS
@given(seed=SEEDS)
def test_visible_facts_never_precede_the_characters_first_appearance(tmp_path_factory, seed):
    pack = generated(tmp_path_factory, seed)
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        for c in view.characters:
            floor = c.appears.at
            assert floor <= position
            pieces = [*c.facts, *c.name_items, c.actor_item, c.role_item, c.status_item]
            assert all(p.at >= floor for p in pieces if p is not None), (seed, c.id, position)
        for ch in pack.characters:
            if ch.appears.at > position:  # hidden: nothing of them anywhere
                assert view.character(ch.id) is None
                assert view.relationships_of(ch.id) == []
                assert ch.id not in {i for _k, i, _t in view.search_entries()}


@PROPS
@given(seed=SEEDS)
def test_a_relationship_is_never_visible_while_either_character_is_hidden(tmp_path_factory,
                                                                          seed):
    pack = generated(tmp_path_factory, seed)
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        names = {c.name for c in view.characters}
        for r in view.relationships:
            for end in (r.a, r.b):
                assert view.character(end.id) is not None, (seed, r.id, position)
                assert end.appears.at <= position
        data = json.loads(to_json(view))
        for rel in data["relationships"]:
            assert set(rel["between"]) <= names, (seed, position, rel)


@PROPS
@given(seed=SEEDS, cut=st.floats(0, 1), cut2=st.floats(0, 1))
def test_new_since_last_time_is_exactly_what_lies_between(tmp_path_factory, seed, cut, cut2):
    pack = generated(tmp_path_factory, seed)
    positions = all_positions(pack.episode_count)
    i, j = sorted((int(cut * (len(positions) - 1)), int(cut2 * (len(positions) - 1))))
    old, new = positions[i], positions[j]
    found = changes(pack, old, new)
    assert all(old < c.at <= new for c in found)
    assert changes(pack, new, old) == [] or new == old

    def shape(cs):  # a character's line names the role *now*, so compare what and when
        return Counter((c.at.key, c.kind, "" if c.kind == "character" else c.text) for c in cs)

    middle = positions[(i + j) // 2]
    assert shape(found) == shape(changes(pack, old, middle)) + shape(changes(pack, middle, new))
    # and one line per piece revealed in between: a character's line for each appearance,
    # into which the name it is introduced by (the last kind: name dated at that appearance)
    # is folded; any other name dated at that very appearance keeps a line of its own
    revealed_now = [x for x in dated_items(pack) if old < x.at <= new]
    appearances = [ch for ch in pack.characters if old < ch.appears.at <= new]
    folded = [[n for n in ch.names if n.kind == "name" and n.at == ch.appears.at][-1:]
              for ch in appearances]
    folded = [n for names in folded for n in names]
    assert len(found) == len(revealed_now) - len(folded) + len(appearances)


@PROPS
@given(seed=SEEDS, walk=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1,
                                 max_size=8), limit=st.sampled_from([1, 3, 2048]))
def test_events_with_a_memo_kept_across_calls_are_the_events_worked_out_afresh(
        tmp_path_factory, seed, walk, limit):
    pack = generated(tmp_path_factory, seed)
    positions = all_positions(pack.episode_count)
    memo = EventsMemo(limit)
    for a, b in walk:  # any pairs, in any order, with one memo (a small one empties often)
        i, j = sorted((int(a * (len(positions) - 1)), int(b * (len(positions) - 1))))
        view = View(pack, positions[j])
        items = changes(pack, positions[i], positions[j])
        assert events(view, items, memo) == events(view, items)


# --- no reveal point, no entry --------------------------------------------------------------

@settings(PROPS, max_examples=60)
@given(seed=SEEDS)
def test_the_loader_refuses_anything_without_a_reveal_point(tmp_path_factory, seed):
    rnd = random.Random(seed)
    docs = make_pack(rnd)
    touched, must_fail = mutate(docs, rnd, "no-at")
    path = write_pack(tmp_path_factory.getbasetemp() / f"g{next(_n)}", docs, rnd)
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert any("missing required field 'at'" in p.what and Path(p.file).name == touched
               for p in info.value.problems), [str(p) for p in info.value.problems]


def test_there_is_no_always_visible_path():
    """An Item cannot exist without a reveal point, and nothing undated is ever revealed."""
    assert revealed(None, 10**9) is False
    with pytest.raises((TypeError, AttributeError)):
        Item(at=None, text="x", sources=("S1",))  # type: ignore[arg-type]


# --- defence in depth: the View's own rules on a model that skipped the loader's checks -----

def scramble(pack: Pack, rnd: random.Random) -> Pack:
    """Every date moved at random (only the loader's "first name when they appear" kept)."""
    keys = reveal_keys(pack.episode_count)

    def move(item: Item | None) -> Item | None:
        if item is None:
            return None
        return dataclasses.replace(item, at=Position.from_key(rnd.choice(keys)))

    def moves(items):
        return tuple(sorted((move(i) for i in items), key=lambda i: i.at_key))

    characters = []
    for ch in pack.characters:
        appears = move(ch.appears)
        first = dataclasses.replace(ch.names[0], at=appears.at)
        characters.append(ch._replace(
            appears=appears, names=(first, *moves(ch.names[1:])), actor=move(ch.actor),
            groups=moves(ch.groups), roles=moves(ch.roles), statuses=moves(ch.statuses),
            facts=moves(ch.facts)))
    relationships = [r._replace(stages=moves(r.stages), history=moves(r.history))
                     for r in pack.relationships]
    threads = [t._replace(titles=moves(t.titles), beats=moves(t.beats), resolved=move(t.resolved))
               for t in pack.threads]
    return pack._replace(characters=tuple(characters), relationships=tuple(relationships),
                         threads=tuple(threads))


@PROPS
@given(seed=SEEDS, shuffle=st.integers(0, 2**32))
def test_the_view_keeps_its_rules_even_on_unchecked_dates(tmp_path_factory, seed, shuffle):
    pack = scramble(generated(tmp_path_factory, seed), random.Random(shuffle))
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        visible = {c.id for c in view.characters}
        for r in view.relationships:
            assert {r.a.id, r.b.id} <= visible, (seed, shuffle, position, r.id)
        for ch in pack.characters:
            if ch.id not in visible:
                assert view.relationships_of(ch.id) == []
        for c in view.characters:
            assert c.appears.at <= position
            for piece in (*c.facts, *c.name_items, c.actor_item, c.role_item, c.status_item):
                assert piece is None or piece.at <= position, (seed, shuffle, position)
        for t in view.threads:
            assert all(x.at <= position for x in (*t.titles, *t.beats))
        # and a hidden character's texts are nowhere in the export
        out = to_json(view)
        for ch in pack.characters:
            if ch.id not in visible:
                assert json.dumps(ch.names[0].text)[1:-1] not in out, (seed, shuffle, position)


def test_no_source_shown_at_a_position_names_what_is_hidden_there(real_pack):
    """`s` shows the sources behind visible lines, URLs included; a URL's words (its slug)
    must not name a character, alias or group that is still hidden at that position."""
    import re

    def words(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", text.lower()))

    named = [i for ch in real_pack.characters for i in (*ch.names, *ch.groups)]
    for position in all_positions(real_pack.episode_count):
        view = View(real_pack, position)
        items = [*(r.stages[-1] for r in view.relationships)]
        for c in view.characters:
            items += [*c.name_items, *c.facts, c.actor_item, c.role_item, c.status_item]
        keys = {k for i in items if i is not None for k in i.sources}
        known = words(" ".join(i.text for i in dated_items(real_pack) if i.at <= position))
        for key in keys:
            slug = f" {words(real_pack.sources[key].url)} "
            for item in named:
                hidden = words(item.text)
                if item.at > position and len(hidden) > 5 and hidden not in known:
                    assert f" {hidden} " not in slug, (position, key, item.text)
