"""TUI tests wait for a defined state (helpers.until and friends), never a count of pauses:
no ``pilot.pause(…)`` may be followed, within the next 3 non-blank lines, by an ``assert``."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def pause_then_assert(path: Path) -> list[int]:
    lines = [(n, ln.strip()) for n, ln in enumerate(path.read_text().splitlines(), 1)
             if ln.strip()]
    return [n for i, (n, ln) in enumerate(lines) if "pilot.pause(" in ln
            and any(nxt.startswith("assert") for _n, nxt in lines[i + 1:i + 4])]


def test_no_tui_test_asserts_after_a_count_of_pauses():
    found = {p.name: pause_then_assert(p) for p in sorted(HERE.glob("test_*.py"))}
    assert {name: ns for name, ns in found.items() if ns} == {}
