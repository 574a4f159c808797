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


def _run_crashing(tmp_path, quit_first: bool) -> str:
    """A CrashSafeApp whose callback fails — after it was asked to quit, or not: what it
    printed."""
    import subprocess
    import sys

    script = tmp_path / "crash.py"
    script.write_text(
        "from runaway_companion.tui.widgets import CrashSafeApp\n"
        "class Crashing(CrashSafeApp):\n"
        "    def on_mount(self):\n"
        f"        if {quit_first}:\n"
        "            self.exit()\n"
        "        self.call_later(self.fail)\n"
        "    def fail(self):\n"
        "        raise ValueError('torn down mid-mount')\n"
        "Crashing().run(headless=True, size=(40, 10))\n"
        "print('closed')\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    assert "closed" in proc.stdout
    return proc.stdout + proc.stderr


def test_an_error_after_a_quit_was_asked_is_no_crash_report(tmp_path):
    assert "Traceback" in _run_crashing(tmp_path, quit_first=False)  # (the report, as ever)
    assert "Traceback" not in _run_crashing(tmp_path, quit_first=True)
