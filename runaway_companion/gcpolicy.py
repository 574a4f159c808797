"""Every use the companion makes of Python's cyclic garbage collector, in one module.

The companion builds large numbers of small, long-lived objects that form no garbage cycles
(the pack, a View's lists, Textual's widgets). The cyclic GC's passes over them cost more than
making them, so:

* :func:`paused` — a bulk build (loading the pack, building a View's lists) runs with the GC
  off, restored even on errors; nested pauses are one pause.
* :func:`pause_for_start` / :func:`resume_after_start` — ``companion`` (``cli.launch``) turns
  the GC off before it imports the TUI, and the app turns it back on right after its first
  frame (or ``launch`` does, for an app that never drew one), freezing (``gc.freeze()``)
  everything alive then: the modules, the pack and the first tab live as long as the app.
  Benchmarks row 1 (cold start to the first frame): ~15–25 ms of ~270 ms, for ~0.4 MiB more
  at the first frame; the little garbage made until then (~0.1 MB) is frozen with the rest.
* :func:`freeze` — once every tab is mounted, the widgets are frozen too, so a collection
  scans only what the UI allocates afterwards (a full collection over the widgets stalled key
  presses 20–200 ms at the 100× scale: row 3).

Nothing here changes what is shown. tests/test_gcpolicy.py checks the pauses end;
tests/tui/test_gc_after_start.py that the GC is back on after the first frame.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import wraps
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

_start_paused = False  # pause_for_start() turned the GC off and resume_after_start() has not run


@contextmanager
def paused() -> Iterator[None]:
    """The GC off for the block (already off: left as it is), restored even on errors."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def paused_build(build: Callable[..., T]) -> Callable[..., T]:
    """:func:`paused` as a decorator, for a bulk builder."""
    @wraps(build)
    def run(*args, **kwargs) -> T:
        with paused():
            return build(*args, **kwargs)

    return run


def pause_for_start() -> None:
    """Turn the GC off until :func:`resume_after_start` (the app's first frame)."""
    global _start_paused
    if gc.isenabled():
        gc.disable()
        _start_paused = True


def resume_after_start() -> None:
    """If :func:`pause_for_start` turned the GC off: freeze everything alive, and turn it back
    on. Otherwise nothing; safe to call more than once."""
    global _start_paused
    if _start_paused:
        _start_paused = False
        gc.freeze()
        gc.enable()


def freeze() -> None:
    """Move everything alive out of the GC's way (``gc.freeze()``)."""
    gc.freeze()
