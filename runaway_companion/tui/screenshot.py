"""Ctrl+S: an SVG of the screen, saved under a name that is free, and a toast saying where."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.tui.app import CompanionApp


def save_screenshot(app: "CompanionApp", filename: str | None = None,
                    path: str | None = None) -> None:
    """Save to ``path`` (default: the app's ``screenshot_dir`` or the current folder)."""
    from datetime import datetime

    directory = Path(path) if path else (app.screenshot_dir or Path.cwd())
    if filename is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        filename = f"companion-{stamp}.svg"
        n = 1
        while (directory / filename).exists():
            n += 1
            filename = f"companion-{stamp}-{n}.svg"
    try:
        saved = app.save_screenshot(filename, str(directory))
    except OSError as exc:
        app.say(f"Could not save it in {directory}: {exc.strerror or exc}",
                title="Screenshot not saved", severity="error")
        return
    app.last_screenshot = saved
    app.say(saved, title="Screenshot saved")
