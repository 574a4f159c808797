"""The app's shell and side doors: header, window title, tabs, footer, help, screenshots,
themes, tooltips, small terminals."""
from __future__ import annotations

import os

import pytest

from runaway_companion.progress import Position
from runaway_companion.tui import CompanionApp
from runaway_companion.tui.main import TABS

from .helpers import (at, notified, on_screen, palette_types, screen_text, shows, tab_is, until,
                      widget_text)

CANARIES = ("Canary", "Papa", "Zed Quill")


async def test_header_shows_the_show_and_where_you_are_in_words(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        assert app.title == "Mini Show"
        assert app.sub_title == "Episode 2 · halfway"
        assert app.terminal_title == "Mini Show — Episode 2 · halfway"
        glass = screen_text(app)
        assert "Mini Show — Episode 2 · halfway" in glass


async def test_window_title_never_names_an_episode_not_even_a_started_one(mini_pack, run_app):
    async with run_app(mini_pack, "1:end", size=(100, 30)) as (app, pilot):
        for _ in range(6):  # through episode 2, whose title is a canary
            before = app.position
            await pilot.press("]")
            await until(pilot, lambda: app.position != before, "one step forward")
            for title in (app.title, app.sub_title, app.terminal_title):
                assert "Canary" not in title and "Pilot Light" not in title
        assert app.position == Position(3, "start")


def test_terminal_title_is_written_to_a_real_terminal(mini_pack, monkeypatch):
    """Headless runs skip it; a real terminal gets OSC 2 with the show and the position."""
    app = CompanionApp(pack=mini_pack, position=Position(2, "early"))
    written = []

    class FakeDriver:
        def write(self, data):
            written.append(data)

    monkeypatch.setattr(CompanionApp, "is_headless", property(lambda self: False))
    monkeypatch.setattr(CompanionApp, "is_web", property(lambda self: False))
    app._driver = FakeDriver()  # type: ignore[assignment]
    app._update_titles()
    assert written == ["\x1b]2;Mini Show — Episode 2 · about a quarter in\x07"]


async def test_digits_switch_tabs_and_so_does_the_mouse(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        for i, (tab, _label, _tip) in enumerate(TABS, start=1):
            await pilot.press(str(i))
            await tab_is(pilot, app, tab)
            assert app.main.tabbed.active == tab
            assert app.focused is not None and app.focused in app.main.pane(tab).walk_children()
        await pilot.click("#--content-tab-threads")
        await tab_is(pilot, app, "threads")
        assert app.main.tabbed.active == "threads"
        await pilot.press("n")
        await tab_is(pilot, app, "new")
        assert app.main.tabbed.active == "new"


def test_every_binding_has_an_id():
    from runaway_companion.tui.dialogs.help import HelpScreen
    from runaway_companion.tui.dialogs.picker import ConfirmScreen, PickerScreen

    from runaway_companion.tui.main import MainScreen

    for cls in (CompanionApp, MainScreen, PickerScreen, ConfirmScreen, HelpScreen):
        for binding in cls.BINDINGS:
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
    ids = [b.id for b in (*CompanionApp.BINDINGS, *MainScreen.BINDINGS)]
    assert len(ids) == len(set(ids))


async def test_footer_shows_the_keys_of_the_tab_you_are_on(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 30)) as (app, pilot):
        def footer() -> str:
            return screen_text(app).splitlines()[-1]

        await until(pilot, lambda: "Tabs" in footer(), "the footer is drawn")
        for word in ("Tabs", "Step", "Progress", "Filter", "Sources", "Help", "Quit", "palette"):
            assert word in footer()
        await pilot.press("2")
        await until(pilot, lambda: "Map" in footer(), "the footer shows the map tab's keys")
        assert "Filter" not in footer()


async def test_help_screen_lists_the_keys(mini_pack, run_app):
    from runaway_companion.tui.dialogs.help import HelpScreen

    async with run_app(mini_pack, "2:mid", size=(100, 36)) as (app, pilot):
        await pilot.press("?")
        await on_screen(pilot, app, HelpScreen)
        glass = await shows(pilot, app, "Set your progress")
        for text in ("Set your progress", "One checkpoint forward", "One checkpoint back",
                     "Filter the character list", "sources"):
            assert text in glass
        body = widget_text(app, app.screen)  # (the help scrolls: the rest is further down)
        for text in ("^p", "^s", "Save an SVG screenshot"):
            assert text in body
        for canary in CANARIES:
            assert canary not in glass
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "the help is closed")
        assert not isinstance(app.screen, HelpScreen)


async def test_screenshot_is_saved_here_and_the_path_is_told(mini_pack, run_app, tmp_path):
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+s")
        await notified(pilot, app, lambda n: n.title == "Screenshot saved", "the saved toast")
        saved = app.last_screenshot
        assert os.path.dirname(os.path.abspath(saved)) == str(tmp_path)
        svg = open(saved, encoding="utf-8").read()
        assert "<svg" in svg and "Episode" in svg
        assert "Canary" not in svg
        assert any(saved in n.message for n in app._notifications)


async def test_screenshot_goes_to_the_folder_you_choose(mini_pack, run_app, tmp_path):
    target = tmp_path / "shots"
    target.mkdir()
    async with run_app(mini_pack, "2:mid", screenshot_dir=target, size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+s")
        await notified(pilot, app, lambda n: n.title == "Screenshot saved", "the saved toast")
        assert [p.suffix for p in target.iterdir()] == [".svg"]


async def test_screenshot_into_a_missing_folder_says_so(mini_pack, run_app, tmp_path):
    async with run_app(mini_pack, "2:mid", screenshot_dir=tmp_path / "nope", size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+s")
        [note] = await notified(pilot, app, lambda n: n.title == "Screenshot not saved",
                                "the not-saved toast")
        assert note.severity == "error" and "nope" in note.message


async def test_theme_from_the_palette_is_saved_and_restored(mini_pack, make_app, run_app, _tui_env):
    from textual.command import CommandInput

    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+p")
        await palette_types(pilot, app, "theme")
        assert app.screen.query_one(CommandInput).value == "theme"
        await pilot.press("enter")  # the "Theme" command opens the theme list
        await palette_types(pilot, app, "nord")
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == "nord", "the nord theme is on")
        assert app.theme == "nord"
    from runaway_companion import config  # saved in the settings file (test_config_ui.py)

    assert config.load().theme == "nord"
    again = make_app(mini_pack, "2:mid")
    async with again.run_test(size=(100, 30)) as pilot:
        await at(pilot, again, "2:mid")
        assert again.theme == "nord"


async def test_tooltips_are_fixed_words_not_story(mini_pack, run_app):
    async with run_app(mini_pack, "3:end", size=(100, 30)) as (app, pilot):
        tips = [str(w.tooltip) for w in app.screen.walk_children() if w.tooltip]
        tips += [b.tooltip for b in (*CompanionApp.BINDINGS, *type(app.main).BINDINGS)]
        assert tips
        story = {"Alice", "Bob", "Moon", "Zed", "Canary", "Stranger", "Pilot"}
        for tip in tips:
            assert not any(word in tip for word in story), tip


@pytest.mark.parametrize("size", [(40, 12), (60, 16)])
async def test_a_tiny_terminal_never_crashes(mini_pack, real_pack, make_app, size):
    app = make_app(real_pack, "6:late")
    from textual.command import CommandPalette

    from runaway_companion.tui.dialogs.help import HelpScreen
    from runaway_companion.tui.dialogs.picker import ConfirmScreen, PickerScreen

    def focused() -> str | None:
        return getattr(app.focused, "id", None)

    def cast() -> bool:
        return app.main.query_one("#relationships-pane").cast

    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: len(app.main.panes()) == len(TABS), "every tab is built")
        for key, check in (("1", lambda: app.main.front == "characters"),
                           ("/", lambda: focused() == "char-filter"),
                           ("s", lambda: app.main.query_one("#char-filter").value == "s"),
                           ("escape", lambda: focused() == "char-list"),
                           ("2", lambda: app.main.front == "relationships"),
                           ("m", cast), ("m", lambda: not cast()),
                           ("3", lambda: app.main.front == "threads"),
                           ("4", lambda: app.main.front == "episodes"),
                           ("5", lambda: app.main.front == "new"),
                           ("]", lambda: app.position == Position(6, "end")),
                           ("[", lambda: app.position == Position(6, "late")),
                           ("?", lambda: isinstance(app.screen, HelpScreen))):
            await pilot.press(key)
            await until(pilot, check, f"the state after {key!r}")
        await pilot.press("escape", "p")
        await on_screen(pilot, app, PickerScreen)
        await pilot.press("8", "enter")  # the confirmation, in a 12-line terminal
        await on_screen(pilot, app, ConfirmScreen)
        await pilot.press("n", "ctrl+p")
        await on_screen(pilot, app, CommandPalette)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main and "Episode" in screen_text(app),
                    "back on the main screen, drawn")
        assert app.position == Position(6, "late")
        assert "Episode" in screen_text(app)


async def test_80_by_24_shows_list_and_card_side_by_side(real_pack, run_app):
    async with run_app(real_pack, "3:end", size=(80, 24)) as (app, pilot):
        glass = screen_text(app)
        assert "Simon Greene" in glass and "Played by" in glass
        assert "Run Away — Episode 3 · finished" in glass
        def footer_of(tab: str) -> bool:  # that tab's keys are drawn ("Filter": 1 only, …)
            footer = screen_text(app).rstrip("\n").splitlines()[-1]
            return (("Filter" in footer) == (tab == "characters")
                    and ("Map" in footer) == (tab == "relationships") and "Quit" in footer)

        for key in "1234":
            await pilot.press(key)
            tab = TABS[int(key) - 1][0]
            await tab_is(pilot, app, tab)
            await until(pilot, lambda: footer_of(tab), f"the footer of {tab} is drawn")
            glass = screen_text(app)
            assert "Run Away" in glass
            footer = glass.rstrip("\n").splitlines()[-1]
            assert "q Quit" in footer and "^p palette" in footer, footer  # every key fits


async def test_every_tab_counts_only_what_is_visible(mini_pack, run_app):
    async with run_app(mini_pack, "3:mid", size=(100, 30)) as (app, pilot):
        await at(pilot, app, "3:mid")
        text = widget_text(app)
        assert "3 characters" in text
        assert "1 relationship known" in text  # stranger-bob is dated 3:late
        assert "1 open · 0 resolved" in text
        assert " of 2" not in text and " of 3 char" not in text and "more after" not in text


def test_importing_the_app_leaves_dialogs_and_state_for_later():
    """The first frame comes first: dialogs, help and the state file load when needed."""
    import subprocess
    import sys

    code = ("import sys, runaway_companion.tui; "
            "print(sorted(m for m in ('runaway_companion.tui.dialogs.picker', 'runaway_companion.tui.dialogs.help', "
            "'runaway_companion.state', 'runaway_companion.pack') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


async def test_only_the_first_tab_is_built_for_the_first_frame(mini_pack, make_app):
    from runaway_companion.tui.main import PaneSlot

    app = make_app(mini_pack, "2:mid")
    seen = {}

    async with app.run_test(size=(100, 30)) as pilot:
        seen["slots"] = len(app.query(PaneSlot))  # before the first refresh has run its course
        await until(pilot, lambda: len(app.query(PaneSlot)) == 0, "every hidden tab is built")
        assert all(app.main.pane(tab) is not None for tab, _l, _t in TABS)
    assert seen["slots"] in (0, 4)


def test_the_hidden_tabs_modules_are_imported_after_the_first_frame():
    """The four hidden tabs' modules (and the map's) are not needed for the first frame."""
    import subprocess
    import sys

    code = ("import sys, runaway_companion.tui.main; "
            "print(sorted(m for m in sys.modules if m.startswith('runaway_companion.tui.') "
            "and m.rsplit('.', 1)[-1] in ('relationships', 'threads', 'episodes', 'news', "
            "'connmap')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
