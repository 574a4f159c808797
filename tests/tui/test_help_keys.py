"""Help (F1 or ?) built from the live bindings, every mark explained; each tab's panels have a
border title and the focused one looks focused."""
from __future__ import annotations

import pytest

from runaway_companion.tui.dialogs.help import HelpScreen
from runaway_companion.tui.panes import PANEL_TITLES, ListDetailPane
from runaway_companion.tui.tabs import episodes, threads
from runaway_companion.tui.text import NOT_DUE_MARK
from runaway_companion.view import MARK, MARK_LEGEND

from .helpers import collapse, screen_text, still, tab_is, until, widget_text

TAB_KEYS = {"characters": "1", "relationships": "2", "threads": "3", "episodes": "4"}


def help_lines(app) -> list[str]:
    """The help's full text (scrolled away too), one line per row."""
    return widget_text(app, app.screen).splitlines()


def has_row(lines: list[str], key: str, description: str) -> bool:
    return any(key in line.split() and description in line for line in lines)


async def open_help(app, pilot, key: str = "f1") -> None:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")


@pytest.mark.parametrize("key", ["f1", "question_mark"])
async def test_f1_and_question_mark_open_help_and_close_it(mini_pack, run_app, key):
    async with run_app(mini_pack, "2:mid") as (app, pilot):
        await open_help(app, pilot, key)
        assert "Keys and help" in screen_text(app)
        await pilot.press(key)
        await until(pilot, lambda: app.screen is app.main, "help closed")


async def test_every_key_of_the_main_screen_is_in_help_with_its_key(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 36)) as (app, pilot):
        await until(pilot, lambda: app.focused is not None, "a list has the focus")
        live = list(app.active_bindings.values())
        shown = [b for b in live if b.binding.show]
        assert len(shown) >= 8  # tabs, steps, progress, filter, sources, help, quit
        await open_help(app, pilot)
        lines = help_lines(app)
        for active in live:
            binding = active.binding
            if binding.description:
                key = app.get_key_display(binding)
                assert has_row(lines, key, binding.description), (key, binding.description)
                if binding.tooltip and binding.id:  # (a row shows the companion's tooltip)
                    assert binding.tooltip in collapse(" ".join(lines)), binding.tooltip
        # the footer's palette key too, and F1 beside ? on the help row
        assert has_row(lines, "^p", "palette")
        assert any(line.split()[:3] == ["?", "f1", "Help"] for line in lines)


async def test_keys_that_work_on_another_tab_are_in_help_too(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 36)) as (app, pilot):
        await open_help(app, pilot)  # on Characters: the map key works only on Relationships
        lines = help_lines(app)
        assert "On another tab" in lines
        assert has_row(lines, "m", "Map")


async def test_a_keymap_key_and_a_key_bound_at_run_time_show_in_help(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 36)) as (app, pilot):
        app.update_keymap({"progress": "g"})
        app.bind("x", "bell", description="Ring the bell")
        await open_help(app, pilot)
        lines = help_lines(app)
        assert has_row(lines, "g", "Progress")
        assert not has_row(lines, "p", "Progress")
        assert has_row(lines, "x", "Ring the bell")


async def test_help_explains_every_mark_and_the_timeline(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 36)) as (app, pilot):
        await open_help(app, pilot)
        text = collapse(widget_text(app, app.screen))
        assert collapse(MARK_LEGEND.removeprefix(MARK)) in text and MARK in text
        for symbol in (threads.BAR + threads.OPEN_END, threads.BAR + threads.RESOLVED,
                       threads.BEAT, threads.NOW, episodes.MARK["watched"],
                       episodes.MARK["current"], NOT_DUE_MARK, "·N"):
            assert symbol in text, symbol


async def test_help_is_the_same_text_at_every_position(mini_pack, run_app):
    texts = []
    for position in ("1:start", "3:end"):
        async with run_app(mini_pack, position, size=(120, 36)) as (app, pilot):
            await open_help(app, pilot)
            texts.append(widget_text(app, app.screen))
    assert texts[0] == texts[1]


async def test_each_tabs_panels_have_border_titles(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 36)) as (app, pilot):
        for tab, key in TAB_KEYS.items():
            await pilot.press(key)
            await tab_is(pilot, app, tab)
            await until(pilot, lambda: still(app), "the tab is drawn")  # (a frame, not a layout)
            pane = app.main.pane(tab)
            assert isinstance(pane, ListDetailPane)
            side, detail = pane.query_one(".side"), pane.query_one(".detail")
            assert (side.border_title, detail.border_title) == PANEL_TITLES[pane.prefix]
            top = screen_text(app).splitlines()[3]  # the panels' top border, under the tabs
            assert f"─ {side.border_title} ─" in top and f"─ {detail.border_title} ─" in top


async def test_the_focused_panel_has_the_bright_border(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(120, 36)) as (app, pilot):
        pane = app.main.pane("characters")
        side, detail = pane.query_one(".side"), pane.query_one(".detail")

        def colours(widget):
            return widget.styles.border_top[1], widget.styles.border_title_color

        await until(pilot, lambda: side.has_focus_within, "the list has the focus")
        await until(pilot, lambda: colours(side) != colours(detail), "the side looks focused")
        focused, blurred = colours(side), colours(detail)
        await pilot.press("tab")  # to the card
        await until(pilot, lambda: detail.has_focus_within, "the card has the focus")
        await until(pilot, lambda: colours(detail) == focused, "the card looks focused")
        assert colours(side) == blurred
