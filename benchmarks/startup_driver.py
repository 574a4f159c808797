"""Start one app headless, stop at its first frame, and say when that was and how big we got.

    python benchmarks/startup_driver.py companion [--pack DIR] [--position 3:end]
    python benchmarks/startup_driver.py bare

Both apps are started by exactly the same code: ``app.run(headless=True, size=…)``. The first
frame is the first time Textual's compositor renders the app's screen (``Screen._compositor_refresh``
with the screen on top) — the moment a terminal would first show the complete screen. Right after
it the driver prints one JSON line::

    {"bench": "startup", "app": "companion", "frame_ns": <time.time_ns()>, "hwm_kb": <VmHWM>}

and leaves with ``os._exit(0)``, so the process's wall time is "to the first frame" too and its
peak RSS is the peak up to the first frame. (Waiting for ``Ready`` plus ``call_after_refresh``
instead would also count mounting the companion's four lazy tabs, which by design happens *after*
the first frame.)

This file imports nothing from ``benchmarks`` so that both apps pay the same, minimal overhead.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _hwm_kb() -> int:
    """Peak resident set size so far (VmHWM), in KiB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except Exception:  # pragma: no cover
        return 0


def _screen_text(app) -> str:
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=("companion", "bare"))
    parser.add_argument("--pack", default=None, help="pack folder (default: the shipped pack)")
    parser.add_argument("--position", default="3:end")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--show", action="store_true",
                        help="also print the first frame's text (for checking the driver)")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    if args.app == "companion":  # as `companion` does before it imports the TUI (cli.launch)
        from runaway_companion import gcpolicy

        gcpolicy.pause_for_start()

    from textual.screen import Screen

    app = None
    original = Screen._compositor_refresh

    def first_frame(screen: Screen) -> None:
        original(screen)
        if app is None or screen is not app.screen:
            return
        frame_ns = time.time_ns()
        report = {"bench": "startup", "app": args.app, "frame_ns": frame_ns, "hwm_kb": _hwm_kb()}
        if args.show:
            print(_screen_text(app))
        print(json.dumps(report))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    Screen._compositor_refresh = first_frame  # type: ignore[method-assign]

    if args.app == "bare":
        from textual.app import App
        from textual.widgets import Footer, Header, Static

        class BareApp(App[None]):
            def compose(self):
                yield Header()
                yield Static("Hello from a bare Textual app.")
                yield Footer()

        app = BareApp()
    else:
        from runaway_companion.pack import load_pack
        from runaway_companion.progress import Position
        from runaway_companion.tui import CompanionApp

        pack = load_pack(args.pack)
        app = CompanionApp(pack=pack, position=Position.parse(args.position), freeze_gc=True)
    app.run(headless=True, size=(width, height))
    # only reached if the app exited before it ever drew a frame
    print(json.dumps({"bench": "startup", "app": args.app, "error": "no frame"}))
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
