"""`companion serve` in a real headless Chromium: the spoiler rule holds in the browser too.

The test starts `companion serve` on a free loopback port with its own saved position (3:late),
opens it in Chromium through Playwright, moves one checkpoint forward THROUGH THE UI (the `]`
key, typed into the page), and reads the text the page shows.

Reading the text: textual-serve draws the terminal with xterm.js on a canvas (WebGL or 2D), so
there is no text in the DOM. The test serves the page its own textual.js with one change — the
xterm.js ``Terminal`` it creates is also kept as ``window.__xterm`` — and reads every row of
``__xterm.buffer.active``: exactly the characters on screen. (If a textual-serve release renames
what the patch looks for, the test fails saying so; it never silently reads nothing.)

Skipped, with the reason, when Playwright, textual-serve or Chromium is missing. Chromium is
Debian's (`apt-get install chromium`, which .ci/run does); Playwright's own browser downloads are
never used. COMPANION_CHROMIUM names another binary. Screenshots go to $COMPANION_TEST_ARTIFACTS
when set, else to the test's tmp dir.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install textual-serve)")
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

from runaway_companion import state  # noqa: E402
from runaway_companion.pack import load_pack  # noqa: E402
from runaway_companion.progress import Position  # noqa: E402
from runaway_companion.view import View  # noqa: E402
from leakcheck import hidden_texts  # noqa: E402
from test_serve import Served  # noqa: E402


def _chromium() -> str | None:
    named = os.environ.get("COMPANION_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium, or set COMPANION_CHROMIUM)")

# what this machine's closed network needs (see .ci/run); Playwright adds --headless and a
# fresh, temporary --user-data-dir itself
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TERMINAL_HOOK = re.compile(r"this\.terminal=new ([\w$]+)\.Terminal\(")
SCREEN_JS = """() => {
  const t = window.__xterm;
  if (!t) return null;
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""
TIMEOUT_MS = 20_000
# dated after 3:end in the real show (Run Away's later episodes); never on screen at 3:end
LATER_NAMES = ("Holly", "Casper", "Mother Adiona")


def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("COMPANION_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Screen:
    """The text of one page's terminal, read from xterm.js's buffer."""

    def __init__(self, page):
        self.page = page

    def text(self) -> str:
        return self.page.evaluate(SCREEN_JS) or ""

    def wait_for(self, *needles: str) -> str:
        try:
            self.page.wait_for_function(
                "([js, needles]) => { const s = eval(js)(); "
                "return s !== null && needles.every(n => s.includes(n)); }",
                arg=[SCREEN_JS, list(needles)], timeout=TIMEOUT_MS, polling=100)
        except Exception as exc:  # a clear failure with what WAS on screen
            raise AssertionError(f"never saw {needles!r} on screen; it showed:\n{self.text()}") from exc
        return self.text()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    hooked = []

    def hook_terminal(route):
        response = route.fetch()
        body, count = TERMINAL_HOOK.subn(
            lambda m: f"this.terminal=window.__xterm=new {m.group(1)}.Terminal(", response.text())
        hooked.append(count)
        route.fulfill(response=response, body=body)

    page.route("**/static/js/textual.js", hook_terminal)
    # the page asks for a web font from the internet: there is none here, so fail it at once
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page.goto(url)
    page.wait_for_function("() => window.__xterm !== undefined || document.readyState === 'complete'")
    assert hooked == [1], ("textual-serve's textual.js changed: the test cannot find the xterm.js "
                           "Terminal to read the screen from (update TERMINAL_HOOK)")
    return page, Screen(page)


def _saved_position(show_id: str, expected: Position, timeout: float = 10.0) -> Position:
    """The saved position, once it is `expected` (the app may save just after drawing)."""
    deadline = time.monotonic() + timeout
    while (saved := state.load_progress(show_id).position) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return saved


def _assert_no_leaks(screen_text: str, pack, position: Position) -> None:
    flat = " ".join(screen_text.split())
    for name in LATER_NAMES:
        assert name not in screen_text, f"{name!r} is on screen at {position}"
    leaked = sorted(t for t in hidden_texts(pack, position) if t in screen_text or t in flat)
    assert not leaked, f"hidden at {position} but on screen: {leaked}"


def test_browser_shows_what_is_due_and_nothing_later(tmp_path):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    pack = load_pack()
    late, end = Position(3, "late"), Position(3, "end")
    # a character first listed at 3:end: due after the move, hidden before it
    before = {c.name for c in View(pack, late).characters}
    arrivals = [c.name for c in View(pack, end).characters if c.name not in before]
    state.save_progress(pack.id, late)
    artifacts = _artifacts(tmp_path)

    served = Served()
    served.wait_ready()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                # without the printed address's token: the server's own refusal page
                refused = browser.new_page()
                response = refused.goto(served.url + "/")
                assert response.status == 403
                assert "needs its key" in refused.inner_text("body")
                refused.close()

                page, screen = _open(browser, served.page_url)
                # the saved position, on the characters tab, with its first character's card
                # (the footer's keys too, though a page starts without the app's focus)
                text = screen.wait_for("1 Characters", "Simon Greene", late.describe(), "q Quit")
                _assert_no_leaks(text, pack, late)
                for name in arrivals:
                    assert name not in text

                # one checkpoint forward, typed into the page like a person would: focus the
                # terminal (as a click does), then the key
                page.locator(".xterm-helper-textarea").focus()
                page.keyboard.press("]")
                text = screen.wait_for(end.describe(), "Simon Greene", *arrivals)
                _assert_no_leaks(text, pack, end)
                page.screenshot(path=str(artifacts / "serve-3-end.png"))
                assert _saved_position(pack.id, end) == end  # the move went to the state file

                # a new connection starts where the first one moved to
                second, second_screen = _open(browser, served.page_url)
                text = second_screen.wait_for(end.describe(), "Simon Greene")
                _assert_no_leaks(text, pack, end)
                # the token's cookie opens the page again without it (a bookmark, a reload)
                second.goto(served.url + "/")
                second.wait_for_function("() => window.__xterm !== undefined")
                text = second_screen.wait_for(end.describe(), "Simon Greene")
                second.close()
            finally:
                browser.close()
    finally:
        rc, out, err = served.stop()
    assert rc == 0, err
    assert "Traceback" not in out + err, out + err
    # the one refusal (the page without its token) is one line in the server's terminal
    assert err.splitlines() == ["companion: refused a request for '/': no token"], err
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"the browser test took {elapsed:.1f}s"
