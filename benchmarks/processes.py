"""The benchmarks that start processes: cold start to first frame, memory, the CLI.

Every child runs with the same environment:

* ``COMPANION_STATE_DIR`` — a temporary folder (saved progress: the last episode's end, so
  ``companion show characters`` prints the whole cast);
* ``COMPANION_CACHE_DIR`` — a temporary folder for the pack's parse cache
  (``runaway_companion.parsecache``), filled by the warm-up pair as a user's first launch fills theirs;
  with ``parse_cache=False``, ``COMPANION_NO_CACHE=1`` instead: every start parses the YAML, as a
  first launch does;
* bytecode caching **on**, in a temporary ``PYTHONPYCACHEPREFIX`` folder shared by all children,
  and ``PYTHONDONTWRITEBYTECODE`` removed. An installed app has its ``.pyc`` files; a source
  checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (as this workplace sets it) would recompile all
  of ``companion`` on every start while Textual's and Rich's come precompiled, which measures
  the environment rather than the app. The warm-up pair fills this cache and the OS file cache.
"""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import DRIVER, PairStats, Run, companion_command, pair_stats, paired, \
    run_child

PYCACHE = Path(tempfile.gettempdir()) / f"companion-bench-pycache-{sys.version_info[0]}{sys.version_info[1]}"


@contextmanager
def child_env(pack_dir: str | None = None, position: str | None = None,
              parse_cache: bool = True):
    """The environment every child gets (see the module docstring); yields the env dict."""
    from runaway_companion import state
    from runaway_companion.pack import load_pack
    from runaway_companion.progress import Position

    with tempfile.TemporaryDirectory(prefix="companion-bench-state-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["COMPANION_STATE_DIR"] = tmp
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        env["COMPANION_CACHE_DIR"] = os.path.join(tmp, "cache")
        env.pop("COMPANION_NO_CACHE", None)
        if not parse_cache:
            env["COMPANION_NO_CACHE"] = "1"
        env.pop("TEXTUAL_DRIVER", None)
        pack = load_pack(pack_dir)
        where = Position.parse(position) if position else pack.last_position
        old = os.environ.get(state.ENV_VAR)
        os.environ[state.ENV_VAR] = tmp
        try:
            warning = state.save_progress(pack.id, where)
        finally:
            if old is None:
                os.environ.pop(state.ENV_VAR, None)
            else:
                os.environ[state.ENV_VAR] = old
        if warning:
            raise RuntimeError(warning)
        yield env


def run_startup(app: str, env: dict[str, str], pack_dir: str | None = None,
                position: str = "3:end") -> Run:
    cmd = [sys.executable, str(DRIVER), app, "--position", position]
    if pack_dir:
        cmd += ["--pack", str(pack_dir)]
    run = _run(cmd, env)
    if run.rc != 0 or run.frame_s is None:
        raise RuntimeError(f"startup driver ({app}) failed (rc {run.rc}):\n{run.stdout[-2000:]}"
                           f"\n{run.stderr[-2000:]}")
    return run


def _run(cmd: list[str], env: dict[str, str]) -> Run:
    return run_child(cmd, env=env)


@dataclass
class StartupResult:
    frame: PairStats  # seconds to first frame: companion (a) vs bare (b)
    memory: PairStats  # peak RSS at first frame (KiB): companion (a) vs bare (b)
    companion_runs: list[Run]
    bare_runs: list[Run]


def bench_startup(pairs: int, pack_dir: str | None = None, position: str = "3:end",
                  parse_cache: bool = True) -> StartupResult:
    comp: list[Run] = []
    bare: list[Run] = []
    with child_env(pack_dir, parse_cache=parse_cache) as env:
        def a() -> float:
            run = run_startup("companion", env, pack_dir, position)
            comp.append(run)
            return run.frame_s  # type: ignore[return-value]

        def b() -> float:
            run = run_startup("bare", env)
            bare.append(run)
            return run.frame_s  # type: ignore[return-value]

        times = paired(a, b, pairs)
    comp_m, bare_m = comp[-pairs:], bare[-pairs:]  # without the warm-up pair
    mem_pairs = [(float(x.hwm_kb), float(y.hwm_kb)) for x, y in zip(comp_m, bare_m)]
    return StartupResult(pair_stats(times), pair_stats(mem_pairs), comp_m, bare_m)


@dataclass
class CliResult:
    stats: PairStats
    output_ok: bool  # the command printed the character table
    imports_textual: bool  # measured once with -X importtime
    sample_output: str


def bench_cli(pairs: int, pack_dir: str | None = None, parse_cache: bool = True) -> CliResult:
    extra = ["--pack", str(pack_dir)] if pack_dir else []
    cmd_a = companion_command("show", "characters", *extra)
    cmd_b = [sys.executable, "-c", "import rich.table, yaml"]
    outputs: list[str] = []
    with child_env(pack_dir, parse_cache=parse_cache) as env:
        def a() -> float:
            run = _run(cmd_a, env)
            if run.rc != 0:
                raise RuntimeError(f"companion show characters failed: {run.stderr[-2000:]}")
            outputs.append(run.stdout)
            return run.wall_s

        def b() -> float:
            run = _run(cmd_b, env)
            if run.rc != 0:
                raise RuntimeError(f"baseline failed: {run.stderr[-2000:]}")
            return run.wall_s

        times = paired(a, b, pairs)
        probe = _run([sys.executable, "-X", "importtime", *cmd_a[1:]], env)
    imported = [line.rsplit("|", 1)[-1].strip() for line in probe.stderr.splitlines()
                if line.startswith("import time:")]
    textual = any(name == "textual" or name.startswith("textual.") for name in imported)
    out = outputs[-1] if outputs else ""
    return CliResult(pair_stats(times), "characters" in out and len(out.splitlines()) > 3,
                     textual, out)
