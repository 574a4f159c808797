"""Measuring tools shared by the benchmarks: child processes, A/B pairs, medians, a table.

Everything here is plain standard library, so the benchmarks add no dependency.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
DRIVER = HERE / "startup_driver.py"


# ---------------------------------------------------------------------------------------------
# child processes


@dataclass
class Run:
    """One child process: wall time from spawn to exit, and what it reported about itself."""

    wall_s: float  # spawn -> exit, measured by the parent
    maxrss_kb: int  # the child's peak RSS, from wait4()'s rusage (KiB on Linux)
    rc: int
    report: dict = field(default_factory=dict)  # the JSON line a driver printed, if any
    stdout: str = ""
    stderr: str = ""
    spawn_ns: int = 0

    @property
    def frame_s(self) -> float | None:
        """Spawn -> the first frame, when the child is the startup driver."""
        ns = self.report.get("frame_ns")
        return None if ns is None else (ns - self.spawn_ns) / 1e9

    @property
    def hwm_kb(self) -> int:
        """Peak RSS when the driver took its reading (VmHWM), else the rusage figure."""
        return int(self.report.get("hwm_kb") or self.maxrss_kb)


def run_child(cmd: Sequence[str], env: dict[str, str] | None = None, cwd: str | Path | None = None,
              timeout: float = 120) -> Run:
    """Start ``cmd``, wait for it, and time it from just before the spawn to its exit.

    ``env`` is the child's whole environment (default: this process's). Output goes to
    temporary files (not pipes we would have to drain while timing).
    """
    full_env = dict(os.environ) if env is None else dict(env)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        spawn_ns = time.time_ns()
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=full_env, cwd=cwd)
        deadline = t0 + timeout
        rusage = None
        status = 0
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.0005)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen won't wait again
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    report: dict = {}
    for line in reversed(stdout.splitlines()):
        if line.startswith("{") and '"bench"' in line:
            try:
                report = json.loads(line)
            except ValueError:
                pass
            break
    maxrss = rusage.ru_maxrss if rusage is not None else 0
    if sys.platform == "darwin":  # bytes there, KiB on Linux
        maxrss //= 1024
    return Run(wall, maxrss, proc.returncode, report, stdout, stderr, spawn_ns)


def python() -> str:
    return sys.executable


def companion_command(*args: str) -> list[str]:
    """``companion ARGS`` as a user runs it: the console script beside this interpreter."""
    script = Path(sys.executable).with_name("companion")
    if script.is_file():
        return [sys.executable, str(script), *args]
    found = shutil.which("companion")
    if found:
        return [sys.executable, found, *args]
    return [sys.executable, "-m", "runaway_companion", *args]


# ---------------------------------------------------------------------------------------------
# A/B pairs


def paired(run_a: Callable[[], float], run_b: Callable[[], float], pairs: int,
           warmup: int = 1) -> list[tuple[float, float]]:
    """``pairs`` (a, b) measurements side by side, alternating which goes first (ABBA…).

    Warm-up runs (one of each) are discarded: they fill the OS file cache for both.
    """
    for _ in range(warmup):
        run_a()
        run_b()
    out: list[tuple[float, float]] = []
    for i in range(pairs):
        if i % 2 == 0:
            a = run_a()
            b = run_b()
        else:
            b = run_b()
            a = run_a()
        out.append((a, b))
    return out


@dataclass
class PairStats:
    a_median: float
    b_median: float
    ratio: float  # median of the per-pair ratios a/b
    ratio_lo: float  # min and max per-pair ratio, to show the spread
    ratio_hi: float
    n: int


def pair_stats(pairs: list[tuple[float, float]]) -> PairStats:
    ratios = [a / b for a, b in pairs if b > 0]
    return PairStats(
        statistics.median(a for a, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(ratios),
        min(ratios),
        max(ratios),
        len(pairs),
    )


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` timings of ``fn`` (seconds)."""
    return statistics.median(timed(fn) for _ in range(max(1, repeat)))


# ---------------------------------------------------------------------------------------------
# results


@dataclass
class Row:
    name: str
    measured: str  # what was measured, e.g. "1.18× (613 / 520 ms)"
    target: str
    ok: bool | None  # None: informational, no target
    note: str = ""


def ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds >= 0.01:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e3:.2f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def mib(kb: float) -> str:
    return f"{kb / 1024:.1f} MiB"


def table(rows: list[Row]) -> str:
    """A plain-text (and Markdown-compatible) table."""
    head = ("Benchmark", "Measured", "Target", "Result")
    body = [(r.name, r.measured, r.target,
             "—" if r.ok is None else ("PASS" if r.ok else "FAIL")) for r in rows]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(4)]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(b) for b in body)
    return "\n".join(out)


def machine() -> str:
    """nproc, CPU model, Python and Textual versions: what the README table was run on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        textual = version("textual")
    except Exception:  # pragma: no cover
        textual = "?"
    return (f"{os.cpu_count()} CPU(s), {model or 'unknown CPU'}, Python "
            f"{sys.version.split()[0]}, Textual {textual}, {sys.platform}")
