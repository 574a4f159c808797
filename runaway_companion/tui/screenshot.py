"""Ctrl+S: an SVG of the screen. In a terminal it is saved under a name that is free (in the
app's ``screenshot_dir`` or the current folder) and a toast says where; in a browser
(``companion serve``) it is delivered to the browser as a download (Textual's
``App.deliver_text``) — never written into the server's working folder."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.tui.app import CompanionApp


def delivers(app: "CompanionApp", path: str | None = None) -> bool:
    """Does a screenshot go to the browser (served, and no folder asked for) rather than into
    a file?"""
    return bool(app.is_web) and path is None


def _stamped() -> str:
    from datetime import datetime

    return f"companion-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def save_screenshot(app: "CompanionApp", filename: str | None = None,
                    path: str | None = None) -> None:
    """Deliver it to the browser when served (:func:`delivers`); else save it to ``path``
    (default: the app's ``screenshot_dir`` or the current folder)."""
    if delivers(app, path):
        deliver_screenshot(app, filename)
        return
    directory = Path(path) if path else (app.screenshot_dir or Path.cwd())
    if filename is None:
        stamp = _stamped()
        filename = f"{stamp}.svg"
        n = 1
        while (directory / filename).exists():
            n += 1
            filename = f"{stamp}-{n}.svg"
    try:
        saved = app.save_screenshot(filename, str(directory))
    except OSError as exc:
        app.say(f"Could not save it in {directory}: {exc.strerror or exc}",
                title="Screenshot not saved", severity="error")
        return
    app.last_screenshot = saved
    app.say(saved, title="Screenshot saved")


# the delivery's name, in DeliveryComplete/DeliveryFailed (not Textual's own "screenshot",
# which would add its own "Saved screenshot" toast to ours)
SCREENSHOT_DELIVERY = "companion-screenshot"


def deliver_screenshot(app: "CompanionApp", filename: str | None = None) -> str | None:
    """The SVG, sent to the browser as a download; the delivery key (None: not sent)."""
    import io

    name = filename or f"{_stamped()}.svg"
    key = app.deliver_text(io.StringIO(app.export_screenshot()), save_filename=name,
                           open_method="download", mime_type="image/svg+xml",
                           name=SCREENSHOT_DELIVERY)
    app.last_screenshot = name
    app.say(f"Sending {name} to your browser…", title="Screenshot", replace="screenshot")
    return key


def delivered(app: "CompanionApp", name: str) -> None:
    app.say(f"{name} — your browser has it as a download", title="Screenshot sent",
            replace="screenshot")


def not_delivered(app: "CompanionApp", why: BaseException) -> None:
    app.say(f"Your browser did not get it: {why}", title="Screenshot not sent",
            severity="error", replace="screenshot")
