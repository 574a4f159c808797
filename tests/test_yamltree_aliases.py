"""The YAML reader expands each alias once (runaway_companion/yamltree.py, ``_Budget.memo``): the
result, the nodes counted and the refusals are exactly those of walking every alias again."""
from __future__ import annotations

import random

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from runaway_companion import yamltree
from runaway_companion.yamltree import _Budget, _convert, _TooBig, parse_yaml


def _walk(node, remember: bool):
    yamltree._import_yaml()
    budget = _Budget(remember)
    try:
        value = _convert(node, 0, budget, yaml.constructor.SafeConstructor().construct_object)
    except _TooBig as exc:
        return ("refused", str(exc))
    return ("read", value, budget.count)


def _shared_document(rnd: random.Random) -> str:
    """Nested lists and maps where the same object appears several times (safe_dump writes
    an anchor and aliases for it), some of it deep, some of it wide."""
    pool: list = ["x", 1, True, None, 2.5]
    for _ in range(rnd.randint(1, 25)):
        parts = rnd.sample(pool, k=min(len(pool), rnd.randint(1, 5)))
        if rnd.random() < 0.5:
            node = list(parts) * rnd.randint(1, 4)
        else:
            node = {f"k{i}": part for i, part in enumerate(parts)}
        pool.append(node)
    top = {f"t{i}": rnd.choice(pool) for i in range(rnd.randint(1, 4))}
    return yaml.safe_dump(top)


@settings(max_examples=150, deadline=None, database=None)
@given(seed=st.integers(0, 2**32), max_nodes=st.sampled_from([20, 60, 200, 100_000]),
       max_depth=st.sampled_from([3, 5, 8, 40]))
def test_expanding_each_alias_once_reads_and_refuses_as_expanding_it_every_time(
        seed, max_nodes, max_depth):
    text = _shared_document(random.Random(seed))
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(yamltree, "MAX_NODES", max_nodes)
        mp.setattr(yamltree, "MAX_DEPTH", max_depth)
        assert _walk(node, remember=True) == _walk(node, remember=False)


def _bomb(levels: int = 9, width: int = 10) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\nthreads: []\n"


def test_an_alias_bomb_is_refused_after_counting_its_expansion():
    tree, problems = parse_yaml(_bomb(), "threads.yaml")
    assert tree is None
    assert [p.what for p in problems] == [
        f"document too large: more than {yamltree.MAX_NODES:,} YAML nodes (alias expansion?)"]


def test_a_small_shared_anchor_reads_as_two_equal_copies():
    tree, problems = parse_yaml("a: &x {b: [1, 2]}\nc: *x\n", "show.yaml")
    assert problems == []
    assert tree["a"] == tree["c"] == {"b": [1, 2]}
    assert tree["c"].line == tree["a"].line == 1
