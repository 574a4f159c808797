"""The benchmarks still work: the generator writes valid packs and every harness runs once.

No timing assertions here (timings belong to `python -m benchmarks`, not to tests). Tiny scale,
a few seconds in all.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("benchmarks") is None:  # CI runs pytest from outside the checkout
    sys.path.append(str(ROOT))  # appended: an installed `companion` still wins over the checkout

from benchmarks import genpack, harness, processes, scale, switch  # noqa: E402


@pytest.fixture(scope="module")
def pack_1x(tmp_path_factory):
    from runaway_companion.pack import load_pack

    path = genpack.generate(tmp_path_factory.mktemp("pack-1x"), 1)
    return path, load_pack(path)


def test_generator_writes_a_valid_1x_pack_shaped_like_the_real_one(pack_1x):
    from runaway_companion.cli import main
    from runaway_companion.pack import validate

    path, pack = pack_1x
    assert validate(path) == []
    assert main(["validate", str(path)]) == 0
    real = genpack.BASE
    assert pack.episode_count == real.episodes
    assert len(pack.characters) == real.characters
    assert len(pack.relationships) == real.relationships
    assert len(pack.threads) == real.threads
    assert len(pack.sources) == real.sources
    assert scale.dated_items(pack) > 400


def test_generator_is_deterministic_and_scales(tmp_path):
    a = genpack.generate(tmp_path / "a", 0.5, seed=3)
    b = genpack.generate(tmp_path / "b", 0.5, seed=3)
    for name in ("show.yaml", "characters.yaml", "relationships.yaml", "threads.yaml"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    big = genpack.generate(tmp_path / "c", 3)
    from runaway_companion.pack import load_pack

    pack = load_pack(big)
    assert len(pack.characters) == 3 * genpack.BASE.characters
    assert pack.episode_count == round(genpack.BASE.episodes * 3 ** 0.5)


def test_scale_measurement_runs(pack_1x):
    path, _ = pack_1x
    res = scale.measure_scale(path, 1, repeat=1)
    assert res.within_limits and res.items > 400
    assert res.load_s > 0 and res.validate_s > 0 and res.filter_s > 0
    assert scale.exponent(res, res, "load_s") != scale.exponent(res, res, "load_s")  # nan: n/a


def test_lifted_limits_are_restored():
    import runaway_companion.pack as pack_module
    import runaway_companion.yamltree as parser_module

    before = (pack_module.MAX_BYTES, parser_module.MAX_NODES)
    with scale.lifted_limits():
        assert pack_module.MAX_BYTES > before[0] and parser_module.MAX_NODES > before[1]
    assert (pack_module.MAX_BYTES, parser_module.MAX_NODES) == before


def test_core_indexes_match_the_plain_definitions(pack_1x):
    """relationships_of/thread are indexed for speed; they must answer like a linear scan."""
    from runaway_companion.progress import all_positions
    from runaway_companion.view import View

    _, pack = pack_1x
    for position in all_positions(pack.episode_count)[::3]:
        view = View(pack, position)
        for c in view.characters:
            assert view.relationships_of(c.id) == [
                r for r in view.relationships if c.id in (r.a.id, r.b.id)]
        for t in pack.threads:
            assert view.thread(t.id) == next((x for x in view.threads if x.id == t.id), None)
    assert View(pack, pack.last_position).relationships_of("nobody") == []


def test_switch_and_tui_scale_harnesses_run(pack_1x):
    _, pack = pack_1x
    res = switch.measure_switch(pack, ("characters",), limit=3, size=(80, 24))
    assert len(res.samples) == 3 and all(s > 0 for s in res.samples)
    assert len(switch.measure_core_switch(pack)) > 3
    tui = scale.measure_tui_scale(pack, moves=2, switches=1, size=(80, 24))
    assert tui.characters_shown == len(pack.characters)
    assert tui.first_frame_s > 0 and len(tui.cursor_s) == 2 and len(tui.switch_s) == 1


def test_startup_driver_draws_the_first_frame(pack_1x):
    from runaway_companion.progress import Position
    from runaway_companion.view import View

    path, pack = pack_1x
    with processes.child_env(str(path)) as env:
        run = processes.run_startup("companion", env, str(path), "1:end")
        bare = processes.run_startup("bare", env)
        # and the frame really is the Characters tab of that pack, first character selected
        shown = harness.run_child([sys.executable, str(harness.DRIVER), "companion", "--pack",
                                   str(path), "--position", "1:end", "--show"], env=env)
    assert run.frame_s is not None and 0 < run.frame_s <= run.wall_s + 0.01
    assert bare.frame_s is not None and run.hwm_kb > 0 and bare.hwm_kb > 0
    first = View(pack, Position(1, "end")).characters[0]
    assert "Characters" in shown.stdout and first.name.split()[0] in shown.stdout


def test_cli_benchmark_runs_once(pack_1x):
    path, _ = pack_1x
    res = processes.bench_cli(1, str(path))
    assert res.output_ok, res.sample_output
    assert not res.imports_textual
    assert res.stats.n == 1 and res.stats.ratio > 0


def test_pair_statistics():
    stats = harness.pair_stats([(2.0, 1.0), (3.0, 2.0), (4.0, 2.0)])
    assert stats.ratio == 2.0 and stats.ratio_lo == 1.5 and stats.ratio_hi == 2.0
    assert harness.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == 10
    order = []
    harness.paired(lambda: order.append("a") or 1.0, lambda: order.append("b") or 1.0, 2,
                   warmup=0)
    assert order == ["a", "b", "b", "a"]
    assert "PASS" in harness.table([harness.Row("x", "1", "≤ 2", True)])
