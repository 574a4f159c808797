"""A crash always exits non-zero: the app's own return code says so and `companion` passes it on."""
from __future__ import annotations

from runaway_companion import cli
from runaway_companion.tui import CompanionApp


def test_the_launcher_exits_non_zero_after_a_crash(monkeypatch, capsys):
    real_run = CompanionApp.run

    def crash_on_mount(self) -> None:
        raise RuntimeError("a deliberate crash")

    monkeypatch.setattr(CompanionApp, "on_mount", crash_on_mount)
    monkeypatch.setattr(CompanionApp, "run",
                        lambda self, **_: real_run(self, headless=True, size=(80, 24)))
    monkeypatch.setattr(cli, "_web_driver", lambda: True)  # past the "needs a terminal" check
    assert cli.main(["--episode", "1", "--at", "early"]) == 1
    capsys.readouterr()
