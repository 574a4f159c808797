"""Run every benchmark and print one table with targets and PASS/FAIL.

    python -m benchmarks            # from the repository root (or: python benchmarks/run.py)
    python -m benchmarks --quick    # fewer pairs and repeats (about a minute)
    python -m benchmarks --pairs 9  # more A/B pairs for the process benchmarks
    python -m benchmarks --only startup,cli   # a subset: startup, cli, switch, scale

Ratios are measured side by side in the same run: A and B alternate (ABBA…) after a discarded
warm-up pair, and the figure is the median of the per-pair ratios, so a noisy machine slows both
sides of a pair alike. Exit status: 0 if every target passes, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Row, machine, mib, ms, percentile, table, us  # noqa: E402

TARGETS = {
    "startup": 1.25,  # companion / bare Textual app, to first frame
    "cli": 1.5,  # companion show characters / python -c "import rich.table, yaml"
    "switch_ms": 16.0,  # median, one frame
    "filter_100x_ms": 100.0,
    "linear_exponent": 1.15,  # time ∝ items^b from 1× to 100×
    "tui_cursor_ms": 16.0,  # one cursor move in the 100× character list (median)
    "tui_mount_s": 1.0,  # Characters tab to first frame at 100× ("keeps the flow": ≤ 1 s)
    "memory": 1.3,  # peak RSS at first frame, companion / bare
}


def _startup(args, rows: list[Row], details: dict) -> None:
    from benchmarks.processes import bench_startup

    res = bench_startup(args.pairs)
    f, m = res.frame, res.memory
    rows.insert(0, Row("1. Cold start to first frame (TUI / bare Textual)",
                       f"{f.ratio:.2f}× ({ms(f.a_median)} / {ms(f.b_median)}; "
                       f"pairs {f.ratio_lo:.2f}–{f.ratio_hi:.2f}×, n={f.n})",
                       f"≤ {TARGETS['startup']}×", f.ratio <= TARGETS["startup"]))
    details["startup"] = {"ratio": f.ratio, "companion_s": f.a_median, "bare_s": f.b_median,
                          "ratio_range": [f.ratio_lo, f.ratio_hi], "pairs": f.n,
                          "companion_wall_s": statistics.median(r.wall_s for r in res.companion_runs),
                          "bare_wall_s": statistics.median(r.wall_s for r in res.bare_runs)}
    details["memory"] = {"ratio": m.ratio, "companion_kb": m.a_median, "bare_kb": m.b_median}
    first = bench_startup(max(3, args.pairs // 2), parse_cache=False).frame
    rows.insert(1, Row("1b. … the first launch: no parse cache yet (reported, no target)",
                       f"{first.ratio:.2f}× ({ms(first.a_median)} / {ms(first.b_median)}; "
                       f"n={first.n})", "—", None))
    details["startup_first_launch"] = {"ratio": first.ratio, "companion_s": first.a_median,
                                       "bare_s": first.b_median, "pairs": first.n}
    details["_memory_row"] = Row("5. Peak RSS at first frame (TUI / bare)",
                                 f"{m.ratio:.2f}× ({mib(m.a_median)} / {mib(m.b_median)})",
                                 f"≤ {TARGETS['memory']}×", m.ratio <= TARGETS["memory"])


def _cli(args, rows: list[Row], details: dict) -> None:
    from benchmarks.processes import bench_cli

    res = bench_cli(2 * args.pairs)  # a pair costs ~0.5 s: twice as many, for a steadier median
    s = res.stats
    rows.append(Row("2. CLI: companion show characters / python -c 'import rich.table, yaml'",
                    f"{s.ratio:.2f}× ({ms(s.a_median)} / {ms(s.b_median)}; "
                    f"pairs {s.ratio_lo:.2f}–{s.ratio_hi:.2f}×, n={s.n})",
                    f"≤ {TARGETS['cli']}×", s.ratio <= TARGETS["cli"] and res.output_ok))
    rows.append(Row("2b. CLI imports Textual", "yes" if res.imports_textual else "no", "no",
                    not res.imports_textual))
    first = bench_cli(max(3, args.pairs // 2), parse_cache=False).stats
    rows.append(Row("2c. … without the parse cache (COMPANION_NO_CACHE=1; no target)",
                    f"{first.ratio:.2f}× ({ms(first.a_median)} / {ms(first.b_median)}; "
                    f"n={first.n})", "—", None))
    details["cli_no_cache"] = {"ratio": first.ratio, "companion_s": first.a_median,
                               "baseline_s": first.b_median, "pairs": first.n}
    details["cli"] = {"ratio": s.ratio, "companion_s": s.a_median, "baseline_s": s.b_median,
                      "ratio_range": [s.ratio_lo, s.ratio_hi], "imports_textual": res.imports_textual}


def _switch(args, rows: list[Row], details: dict) -> None:
    from benchmarks.switch import measure_core_switch, measure_switch, measure_tab_switch
    from runaway_companion.pack import load_pack

    pack = load_pack()
    sweeps = 1 if args.quick else 2
    result = measure_switch(pack, ("characters",), sweeps=sweeps)
    main, idle = result.samples, result.idle
    med, p95 = statistics.median(main), percentile(main, 95)
    rows.append(Row("3. Episode switch, Characters tab: ] / [ to the new frame (median; p95)",
                    f"{ms(med)}; p95 {ms(p95)} (n={len(main)})",
                    f"median ≤ {TARGETS['switch_ms']:g} ms", med * 1e3 <= TARGETS["switch_ms"]))
    rows.append(Row("3a. … until idle: + toast, progress write, scrollbars (median; p95)",
                    f"{ms(statistics.median(idle))}; p95 {ms(percentile(idle, 95))}", "—", None))
    core = measure_core_switch(pack, sweeps)
    rows.append(Row("3b. … of which core: new View, its lists and changes() (median; p95)",
                    f"{ms(statistics.median(core))}; p95 {ms(percentile(core, 95))}", "—", None))
    details["switch"] = {"characters": {"median_s": med, "p95_s": p95, "n": len(main),
                                        "idle_median_s": statistics.median(idle),
                                        "idle_p95_s": percentile(idle, 95)},
                         "core_median_s": statistics.median(core),
                         "core_p95_s": percentile(core, 95)}
    tabs = measure_tab_switch(pack, cycles=4 if args.quick else 8)
    rows.append(Row("3d. Tab switch (1–5) to the new frame; until idle: + the footer's keys "
                    "(median; p95)",
                    f"{ms(statistics.median(tabs.samples))}; p95 {ms(percentile(tabs.samples, 95))}"
                    f" · idle {ms(statistics.median(tabs.idle))}; p95 "
                    f"{ms(percentile(tabs.idle, 95))} (n={len(tabs.samples)})", "—", None))
    details["tab_switch"] = {"median_s": statistics.median(tabs.samples),
                             "p95_s": percentile(tabs.samples, 95),
                             "idle_median_s": statistics.median(tabs.idle),
                             "idle_p95_s": percentile(tabs.idle, 95), "n": len(tabs.samples)}
    if not args.quick:
        others = measure_switch(pack, ("relationships", "threads", "episodes", "new"),
                                sweeps=1).by_tab
        for tab, samples in others.items():
            details["switch"][tab] = {"median_s": statistics.median(samples),
                                      "p95_s": percentile(samples, 95), "n": len(samples)}
        rows.append(Row("3c. Episode switch, other tabs, to the new frame (median/p95)",
                        "; ".join(f"{tab} {ms(statistics.median(v))}/{ms(percentile(v, 95))}"
                                  for tab, v in others.items()), "—", None))


def _scale(args, rows: list[Row], details: dict) -> None:
    from benchmarks.scale import exponent, generate_packs, load_lifted, measure_scale, \
        measure_tui_scale

    scales = [float(x) for x in args.scales.split(",")]
    t0 = time.perf_counter()
    paths = generate_packs(scales, args.packs)
    gen_s = time.perf_counter() - t0
    results = []
    for scale in scales:
        repeat = 1 if scale >= 50 else (2 if args.quick else 3)
        results.append(measure_scale(paths[scale], scale, repeat))
    small, large = results[0], results[-1]
    details["scale"] = {"generate_s": gen_s, "sizes": [
        {"scale": r.scale, "items": r.items, "characters": r.characters, "facts": r.facts,
         "episodes": r.episodes, "bytes": r.bytes, "within_limits": r.within_limits,
         "limit_problems": r.limit_problems, "load_s": r.load_s, "validate_s": r.validate_s,
         "filter_s": r.filter_s} for r in results]}
    for r in results:
        lim = "" if r.within_limits else " — over the 2 MB/100k-node limits, loaded with them lifted"
        rows.append(Row(
            f"4. Scale {r.scale:g}×: {r.characters:,} characters, {r.facts:,} facts, "
            f"{r.items:,} dated items, {r.bytes / 1e6:.2f} MB{lim}",
            f"load {ms(r.load_s)}, validate {ms(r.validate_s)}, filter {ms(r.filter_s)} "
            f"(per item {us(r.load_validate_s / r.items)} + {us(r.filter_s / r.items)})",
            "—", None))
    exps = {attr: exponent(small, large, attr) for attr in ("load_s", "validate_s", "filter_s")}
    details["scale"]["exponents"] = exps
    worst = max(exps.values())
    rows.append(Row(f"4a. Growth {small.scale:g}×→{large.scale:g}× (time ∝ itemsᵇ)",
                    ", ".join(f"{k[:-2]} b={v:.2f}" for k, v in exps.items()),
                    f"b ≤ {TARGETS['linear_exponent']}", worst <= TARGETS["linear_exponent"]))
    rows.append(Row(f"4b. Filter at {large.scale:g}× (View + characters/relationships/threads)",
                    ms(large.filter_s), f"≤ {TARGETS['filter_100x_ms']:g} ms",
                    large.filter_s * 1e3 <= TARGETS["filter_100x_ms"]))
    # the TUI on the largest pack, against the smallest
    moves = 5 if args.quick else 10
    tui_small = measure_tui_scale(load_lifted(paths[small.scale]), moves=moves)
    tui_large = measure_tui_scale(load_lifted(paths[large.scale]), moves=moves)
    cursor = statistics.median(tui_large.cursor_s)
    mount_ratio = tui_large.first_frame_s / tui_small.first_frame_s
    details["scale"]["tui"] = {
        f"{small.scale:g}x": vars(tui_small), f"{large.scale:g}x": vars(tui_large)}
    rows.append(Row(f"4c. TUI at {large.scale:g}×: start to Characters tab drawn "
                    f"({tui_large.characters_shown:,} in the list)",
                    f"{ms(tui_large.first_frame_s)} ({mount_ratio:.2f}× the {small.scale:g}× "
                    f"{ms(tui_small.first_frame_s)}); all tabs mounted {ms(tui_large.all_tabs_s)}",
                    f"≤ {TARGETS['tui_mount_s']:g} s",
                    tui_large.first_frame_s <= TARGETS["tui_mount_s"]))
    rows.append(Row(f"4d. TUI at {large.scale:g}×: cursor down in the character list, key to "
                    f"the new card's frame (median; max)",
                    f"{ms(cursor)}; max {ms(max(tui_large.cursor_s))}; until idle "
                    f"{ms(statistics.median(tui_large.cursor_idle_s))}; end "
                    f"{ms(tui_large.end_s)}; page up {ms(tui_large.page_s)} (at "
                    f"{small.scale:g}×: {ms(statistics.median(tui_small.cursor_s))})",
                    f"≤ {TARGETS['tui_cursor_ms']:g} ms", cursor * 1e3 <= TARGETS["tui_cursor_ms"]))
    rows.append(Row(f"4e. TUI at {large.scale:g}×: episode switch (median of "
                    f"{len(tui_large.switch_s)})", ms(statistics.median(tui_large.switch_s)),
                    "—", None))


STEPS = {"startup": _startup, "cli": _cli, "switch": _switch, "scale": _scale}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs and repeats")
    parser.add_argument("--pairs", type=int, default=None,
                        help="A/B pairs for cold start and memory (default 7; 5 with --quick); "
                             "the CLI benchmark runs twice as many")
    parser.add_argument("--only", default=",".join(STEPS),
                        help="comma-separated subset of: " + ", ".join(STEPS))
    parser.add_argument("--scales", default="1,10,100", help="pack sizes for the scale benchmark")
    parser.add_argument("--packs", default=None,
                        help="folder to keep (and reuse) the generated packs in")
    parser.add_argument("--json", default=None, help="also write the raw results to this file")
    args = parser.parse_args(argv)
    if args.pairs is None:
        args.pairs = 5 if args.quick else 7
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in STEPS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    if args.packs is None:
        args.packs = str(Path(tempfile.gettempdir()) / "companion-bench-packs")

    print(f"companion benchmarks — {machine()}", flush=True)
    rows: list[Row] = []
    details: dict = {"machine": machine(), "pairs": args.pairs, "quick": args.quick}
    t0 = time.perf_counter()
    for name in STEPS:
        if name not in only:
            continue
        t = time.perf_counter()
        print(f"  … {name}", end="", flush=True)
        STEPS[name](args, rows, details)
        print(f" ({time.perf_counter() - t:.0f} s)", flush=True)
    memory_row = details.pop("_memory_row", None)
    if memory_row is not None:
        rows.append(memory_row)
    details["elapsed_s"] = time.perf_counter() - t0
    print()
    print(table(rows))
    print(f"\n{sum(r.ok is True for r in rows)} pass, {sum(r.ok is False for r in rows)} fail; "
          f"took {details['elapsed_s']:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(details, indent=2, default=str))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
