"""`companion serve` in a browser: the click into the page (as the README says) only focuses
it — it chooses nothing in the picker that opens at first launch — and Ctrl+S delivers the
screenshot to the browser as a download (Textual's deliver API), never into the server's
working folder. In a terminal a screenshot is still saved to a file (tests/tui/test_shell.py).

The browser test needs Chromium and Playwright (see test_serve_browser.py) and is skipped
without them; the decision "served → deliver" is tested without them too."""
from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from runaway_companion.tui import screenshot
from runaway_companion.tui.screenshot import delivers


# --- the decision, headless -----------------------------------------------------------------

def test_served_app_delivers_the_screenshot():
    assert delivers(SimpleNamespace(is_web=True)) is True


def test_terminal_app_saves_the_screenshot_to_a_file():
    assert delivers(SimpleNamespace(is_web=False)) is False


def test_a_folder_asked_for_is_always_a_file_even_served():
    assert delivers(SimpleNamespace(is_web=True), path="/somewhere") is False


async def test_served_screenshot_goes_through_deliver_text_as_an_svg_download(
        mini_pack, tmp_path, monkeypatch):
    """Served (is_web), Ctrl+S calls App.deliver_text with an SVG, as a download; no file is
    written in the working folder; the completion is said in a toast."""
    from textual import events

    from runaway_companion.progress import Position
    from runaway_companion.tui import CompanionApp

    monkeypatch.chdir(tmp_path)
    sent = []

    class Served(CompanionApp):
        is_web = property(lambda self: True)

        def deliver_text(self, path_or_file, **kwargs):
            sent.append((path_or_file.read(), kwargs))
            return "key-1"

    app = Served(pack=mini_pack, position=Position(2, "mid"))
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        for _ in range(100):  # (a defined state: the delivery was asked for)
            if sent:
                break
            await pilot.pause()
        app.post_message(events.DeliveryComplete(key="key-1", path=None,
                                                 name=screenshot.SCREENSHOT_DELIVERY))
        for _ in range(100):
            if any(n.title == "Screenshot sent" for n in app._notifications):
                break
            await pilot.pause()
        notes = [(n.title, n.message) for n in app._notifications]
    [(svg, kwargs)] = sent
    assert svg.lstrip().startswith("<svg")
    assert kwargs["open_method"] == "download" and kwargs["mime_type"] == "image/svg+xml"
    assert kwargs["save_filename"].startswith("companion-") and kwargs["save_filename"].endswith(".svg")
    assert kwargs["name"] == screenshot.SCREENSHOT_DELIVERY
    assert ("Screenshot sent", f"{kwargs['save_filename']} — your browser has it as a download") in notes
    assert not list(tmp_path.rglob("*.svg"))


# --- in a real browser ------------------------------------------------------------------------

def _browser():
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from test_serve_browser import CHROMIUM

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium, or set COMPANION_CHROMIUM)")


def _cell(page, screen_text: str, needle: str) -> tuple[float, float]:
    """The page coordinates of the middle of ``needle``'s first cell on the terminal."""
    rows = screen_text.splitlines()
    y = next(i for i, row in enumerate(rows) if needle in row)
    x = rows[y].index(needle)
    box = page.locator(".xterm-screen").bounding_box()
    cols, lines = page.evaluate("() => [window.__xterm.cols, window.__xterm.rows]")
    width, height = box["width"] / cols, box["height"] / lines
    return box["x"] + (x + 2.5) * width, box["y"] + (y + 0.5) * height


def test_browser_first_click_only_focuses_and_ctrl_s_downloads_the_screenshot(tmp_path,
                                                                               monkeypatch):
    _browser()
    from playwright.sync_api import sync_playwright

    from test_serve import Served
    from test_serve_browser import CHROMIUM, CHROMIUM_ARGS, SCREEN_JS, _open

    workdir = tmp_path / "server-folder"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # the server (and each app it starts) runs here
    served = Served("--pack", "example")
    served.wait_ready()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page, screen = _open(browser, served.page_url)
                # nothing saved yet: the picker opens, at episode 1
                text = screen.wait_for("Where are you in", "You'll be at: Episode 1")
                x, y = _cell(page, text, "Episode 2")
                page.mouse.click(x, y)  # "click into the page" — on episode 2, as it happens
                time.sleep(1.0)  # (nothing is to change: give a wrong change time to show)
                text = screen.text()
                assert "You'll be at: Episode 1" in text, text
                page.mouse.click(x, y)  # now the page has focus: a click is a click
                screen.wait_for("You'll be at: Episode 2")

                page.keyboard.press("Escape")  # leave the picker: the main screen
                page.wait_for_function(
                    "([js]) => { const s = eval(js)(); return s && !s.includes('Where are you in'); }",
                    arg=[SCREEN_JS], timeout=20_000, polling=100)
                with page.expect_download(timeout=20_000) as info:
                    page.keyboard.press("Control+s")
                    # the toast while the download comes in (the toast lasts 4 s; a loaded
                    # machine can take longer to hand over the file); it wraps, so the needle
                    # is its title's line
                    screen.wait_for("Screenshot sent")
                download = info.value
                assert download.suggested_filename.startswith("companion-")
                assert download.suggested_filename.endswith(".svg")
                body = Path(download.path()).read_text(encoding="utf-8")
                assert body.lstrip().startswith("<svg")
            finally:
                browser.close()
    finally:
        rc, out, err = served.stop()
    assert rc == 0, err
    assert "Traceback" not in out + err, out + err
    assert not list(workdir.rglob("*.svg")), list(workdir.iterdir())
