"""Random key walks through the TUI: seeded sequences of the app's own bindings, dialog keys and
typed text, at random terminal sizes (40×12 … 250×80) from random start positions.

After every step: no exception, and nothing hidden at the app's *current* position is on the
glass (the composited terminal, dialogs, palette, toasts, header and footer included). Every few
steps, and at the end, the full content of every widget (scrolled-off parts too) is checked the
same way. The walk visits the progress picker (p), the confirm dialog (big jumps forward), help
(?), the character filter (/), the command palette (ctrl+p) with typed queries, and resizes.

Replay a failing walk: ``COMPANION_WALK_SEED=<seed> pytest tests/tui/test_key_walks.py``.
More steps: ``COMPANION_WALK_STEPS=20000`` (spread over the same walks).
"""
from __future__ import annotations

import asyncio
import os
import random
import traceback
from dataclasses import dataclass, field

import pytest

from runaway_companion.progress import Position, all_positions
from leakcheck import find_leaks, hidden_texts

from .helpers import probes, screen_text, still, until, widget_text

WALKS = 10
STEPS = int(os.environ.get("COMPANION_WALK_STEPS", "600"))
SEEDS = ([int(os.environ["COMPANION_WALK_SEED"])] if os.environ.get("COMPANION_WALK_SEED")
         else list(range(WALKS)))
FULL_CHECK_EVERY = 15
TABS = ("characters", "relationships", "threads", "episodes", "new")

MAIN_KEYS = (["1", "2", "3", "4", "5", "n", "[", "]", "]", "]", "p", "p", "/", "s", "m", "?",
              "ctrl+p", "ctrl+p", "up", "down", "down", "left", "right", "tab", "shift+tab",
              "enter", "escape", "pageup", "pagedown", "home", "end", "space"] + ["ctrl+s"])
PICKER_KEYS = ["up", "down", "down", "left", "right", "enter", "enter", "escape", "tab", "1",
               "2", "3", "5", "8", "9", "home", "end", "space"]
CONFIRM_KEYS = ["y", "y", "n", "escape", "enter", "left", "right", "tab"]
HELP_KEYS = ["escape", "q", "question_mark", "down", "up", "pagedown"]
PALETTE_KEYS = ["type", "type", "type", "down", "up", "enter", "escape", "backspace", "tab"]
INPUT_KEYS = ["type", "type", "backspace", "escape", "down", "enter", "tab"]
ODD_TEXT = ["é", "中", "[b]", "[/]", "  ", "'", "zz", "Qwyx", "the", "e", "1", "ep", "thr"]


@dataclass
class Walk:
    seed: int
    pack_name: str
    size: tuple[int, int]
    start: Position
    log: list[str] = field(default_factory=list)

    def where(self, app=None) -> str:
        at = f" now at {app.position}, screen {type(app.screen).__name__}" if app else ""
        keys = " ".join(self.log[-40:])
        return (f"walk seed={self.seed} pack={self.pack_name} size={self.size[0]}x{self.size[1]} "
                f"start={self.start} step={len(self.log)}{at}\n  last keys: {keys}\n"
                f"  replay: COMPANION_WALK_SEED={self.seed} COMPANION_WALK_STEPS={STEPS} "
                f"pytest tests/tui/test_key_walks.py")


def glass_text(app) -> str:
    """What helpers.screen_text gives (every screen composited), without the Rich Console:
    the strips' own text. Checked against screen_text at the start of every walk."""
    update = app.screen._compositor.render_update(full=True,
                                                   screen_stack=app._background_screens)
    return "\n".join("".join(strip.text for strip in line) for line in update.strips)


def _typed_values(app) -> tuple[str, ...]:
    """What the viewer has typed and is on screen now (filter, palette query)."""
    from textual.widgets import Input

    values = []
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            if widget.value:
                values.append(widget.value)
    return tuple(values)


def _mask(text: str, typed: tuple[str, ...]) -> str:
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(value, "«typed»")
    return text


def _text_to_type(rnd: random.Random, pack, position: Position) -> str:
    """A visible name, a hidden one (whole or a prefix), a word of either, or odd text."""
    names = [n.text for ch in pack.characters for n in ch.names]
    threads = [t.text for thr in pack.threads for t in thr.titles]
    choice = rnd.random()
    if choice < 0.5:
        text = rnd.choice(names + threads)
        if rnd.random() < 0.5:
            text = rnd.choice(text.split()) if rnd.random() < 0.5 else text[:rnd.randint(1, 6)]
    else:
        text = rnd.choice(ODD_TEXT)
    return text[:24]


async def _press(app, pilot, *keys: str) -> None:
    """Pilot.press without its idle waits (two 20 ms sleeps at least, per key): send the key as
    it does, then drain every message queue; ``_settle`` brings layout and rendering up to date.
    """
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def _step(app, pilot, walk: Walk, rnd: random.Random) -> None:
    from textual.command import CommandPalette
    from textual.widgets import Input

    from runaway_companion.tui.dialogs.help import HelpScreen
    from runaway_companion.tui.dialogs.picker import ConfirmScreen, PickerScreen

    screen = app.screen
    main = screen is app.main
    if rnd.random() < 0.02:  # now and then the terminal changes size
        size = (rnd.randint(40, 250), rnd.randint(12, 80))
        walk.log.append(f"<resize {size[0]}x{size[1]}>")
        await pilot.resize_terminal(*size)
        return
    if isinstance(screen, CommandPalette):
        keys = PALETTE_KEYS
    elif isinstance(screen, PickerScreen):
        keys = PICKER_KEYS
    elif isinstance(screen, ConfirmScreen):
        keys = CONFIRM_KEYS
    elif isinstance(screen, HelpScreen):
        keys = HELP_KEYS
    elif main and isinstance(app.focused, Input):
        keys = INPUT_KEYS
    elif main:
        keys = MAIN_KEYS
    else:  # any other dialog (e.g. the theme list from the palette)
        keys = PALETTE_KEYS
    key = rnd.choice(keys)
    if key == "ctrl+s" and rnd.random() < 0.8:  # screenshots are slow: only now and then
        key = "down"
    if key == "type":
        if not isinstance(app.focused, Input):
            key = "escape"
        else:
            text = _text_to_type(rnd, app.pack, app.position)
            walk.log.append(f"<type {text!r}>")
            await _press(app, pilot, *[c if c != " " else "space" for c in text])
            return
    walk.log.append(key)
    await _press(app, pilot, key)


class _Checker:
    def __init__(self, pack):
        self.pack = pack
        self.cache: dict[Position, dict[str, str]] = {}
        self.glass_checks = 0
        self.full_checks = 0
        self.screenshots = 0

    def probe(self, position: Position) -> dict[str, str]:
        if position not in self.cache:
            self.cache[position] = probes(self.pack, position, hidden_texts(self.pack, position))
        return self.cache[position]

    def leaks_on_glass(self, app) -> list[str]:
        typed = _typed_values(app)
        return find_leaks(_mask(glass_text(app), typed), self.probe(app.position), typed)

    async def glass(self, app, pilot, walk: Walk) -> None:
        leaks = self.leaks_on_glass(app)
        if leaks:  # settled the fast way: settle the slow way before calling it a leak
            await _settle(pilot, app, thorough=True)
            leaks = self.leaks_on_glass(app)
        assert not leaks, f"hidden text on screen: {leaks[:5]}\n{walk.where(app)}"
        self.glass_checks += 1

    def screenshot(self, app, walk: Walk) -> None:
        """The SVG that ctrl+s saved: its text holds nothing hidden either."""
        import html
        import re

        path = getattr(app, "last_screenshot", None)
        if not path or path == getattr(self, "_seen_svg", None):
            return
        self._seen_svg = path
        svg = open(path, encoding="utf-8").read()
        text = html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)))
        typed = _typed_values(app)
        leaks = find_leaks(_mask(text.replace("\xa0", " "), typed), self.probe(app.position),
                           typed)
        assert not leaks, f"hidden text in the saved screenshot: {leaks[:5]}\n{walk.where(app)}"
        self.screenshots += 1

    def everything(self, app, walk: Walk) -> None:
        typed = _typed_values(app)
        roots = [] if app.screen is app.main else [app.screen]
        text = widget_text(app) + "\n" + (widget_text(app, *roots) if roots else "")
        leaks = find_leaks(_mask(text, typed), self.probe(app.position), typed)
        assert not leaks, f"hidden text in a widget: {leaks[:5]}\n{walk.where(app)}"
        self.full_checks += 1


async def _settle(pilot, app, thorough: bool = False) -> None:
    """Messages handled, workers (palette searches) done, layout and the screen updated
    (``thorough``: first, nothing on the screen waits to be laid out or painted)."""
    if thorough:
        await until(pilot, lambda: still(app), "nothing waits to be drawn")
    from textual.worker import WorkerCancelled

    for _ in range(2):
        await pilot._wait_for_screen()
        while app.workers._workers:  # a new keystroke cancels the palette's last search
            try:
                await app.workers.wait_for_complete()
            except WorkerCancelled:
                await asyncio.sleep(0)
    app.screen._on_timer_update()
    await pilot._wait_for_screen()


async def _built(pilot, app) -> None:
    await until(pilot, lambda: all(app.main.pane(t) is not None for t in TABS),
                "every tab is built")


async def _walk(seed: int, steps: int, packs, make_app, tmp_path) -> tuple[int, int, int]:
    rnd = random.Random(seed)
    pack_name = "real" if seed % 3 == 2 else "mini"
    pack = packs[pack_name]
    size = (rnd.randint(40, 250), rnd.randint(12, 80))
    start = rnd.choice(all_positions(pack.episode_count))
    walk = Walk(seed, pack_name, size, start)
    checker = _Checker(pack)
    app = make_app(pack, start, save=False, screenshot_dir=tmp_path)

    async def stay():  # the walk is about what is shown, not about leaving (palette "Quit")
        walk.log.append("<quit ignored>")

    app.action_quit = stay  # type: ignore[method-assign]
    done = 0
    try:
        async with app.run_test(size=size) as pilot:
            await _built(pilot, app)
            await _settle(pilot, app, thorough=True)
            assert [ln.rstrip() for ln in glass_text(app).splitlines()] == \
                [ln.rstrip() for ln in screen_text(app).splitlines()], "glass_text is off"
            await checker.glass(app, pilot, walk)
            for done in range(1, steps + 1):
                await _step(app, pilot, walk, rnd)
                await _settle(pilot, app)
                assert app.is_running, f"the app stopped\n{walk.where(app)}"
                await checker.glass(app, pilot, walk)
                if walk.log[-1] == "ctrl+s":
                    checker.screenshot(app, walk)
                if done % FULL_CHECK_EVERY == 0:
                    checker.everything(app, walk)
            checker.everything(app, walk)
    except AssertionError:
        raise
    except Exception as exc:  # an exception inside the app: say which walk, then re-raise
        raise AssertionError(f"{type(exc).__name__}: {exc}\n{walk.where()}\n"
                             f"{''.join(traceback.format_exception(exc))[-3000:]}") from exc
    return done, checker.glass_checks, checker.full_checks


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_key_walk_never_crashes_and_never_shows_hidden_text(seed, mini_pack,
                                                                        real_pack, make_app,
                                                                        tmp_path):
    steps = max(1, STEPS // WALKS)
    done, glass, full = await _walk(seed, steps, {"mini": mini_pack, "real": real_pack},
                                    make_app, tmp_path)
    assert done == steps and glass == steps + 1 and full >= 1


async def test_a_crash_report_never_shows_hidden_text(mini_pack, make_app, capfd, monkeypatch):
    """If the app ever crashes, the report it prints must not be a spoiler either."""
    from runaway_companion import view as view_module

    real = view_module.View._character

    def crash_on_the_stranger(self, ch):  # hidden until 2:early; holds every later name
        if ch.id == "stranger":
            raise RuntimeError("injected crash")
        return real(self, ch)

    app = make_app(mini_pack, "1:early", save=False)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 40)) as pilot:
            await _built(pilot, app)
            monkeypatch.setattr(view_module.View, "_character", crash_on_the_stranger)
            await pilot.press("]")
            await until(pilot, lambda: app.return_code == 1, "the app crashed")
    out, err = capfd.readouterr()
    report = out + err
    assert "injected crash" in report  # the report was printed
    leaked = find_leaks(report, probes(mini_pack, app.position,
                                       hidden_texts(mini_pack, app.position)))
    assert not leaked, f"the crash report shows hidden text: {leaked}"


@pytest.mark.parametrize("position", ["1:end", "2:mid", "3:mid"])
async def test_a_saved_screenshot_holds_nothing_hidden(mini_pack, make_app, tmp_path, position):
    app = make_app(mini_pack, position, save=False, screenshot_dir=tmp_path)
    walk = Walk(-1, "mini", (120, 40), Position.parse(position), ["ctrl+s"])
    checker = _Checker(mini_pack)
    async with app.run_test(size=(120, 40)) as pilot:
        await _built(pilot, app)
        saved = set()
        for tab in ("1", "2", "3"):
            await pilot.press(tab, "ctrl+s")
            await until(pilot, lambda: app.last_screenshot not in saved | {None},
                        "a new screenshot is saved")
            saved.add(app.last_screenshot)
            checker.screenshot(app, walk)
    assert checker.screenshots == 3
