"""Profiles and watching together in the TUI: whose progress the header names, switching
profile from the palette (a profile further ahead asks first; saving then goes to its file),
watching together (the screen at the earliest member's place, moving forward brings whoever is
behind along, nobody goes back) and leaving it (never beyond that profile's own place)."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from textual.widgets import OptionList, SelectionList

from runaway_companion import state, together
from runaway_companion.progress import Position
from runaway_companion.tui import household
from runaway_companion.tui.dialogs.confirm import ConfirmScreen, confirm_question
from runaway_companion.tui.dialogs.profiles import ProfileScreen, TogetherScreen
from leakcheck import find_leaks, hidden_texts

from .helpers import drawn, probes, screen_text, shows, tab_is, until, widget_text
from .test_leaks_ui import built

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "example"


@pytest.fixture(scope="module")
def example_pack():
    from runaway_companion.pack import load_pack

    return load_pack(EXAMPLE)


def _save(pack, **where: str) -> None:
    for name, at in where.items():
        assert state.save_progress(pack.id, Position.parse(at), profile=name) is None


def _saved(pack, name: str) -> str:
    return str(state.load_progress(pack.id, pack.episode_count, profile=name).position)


def _household(pack, *names: str):
    return together.load(names, pack.id, pack.episode_count)[0]


async def _choose(pilot, app, name: str) -> None:
    await until(pilot, lambda: isinstance(app.screen, ProfileScreen)
                and app.screen.query("#profile-list"), "the profile list is open")
    options = app.screen.query_one("#profile-list", OptionList)
    options.highlighted = next(i for i, o in enumerate(options.options) if o.id == name)
    await until(pilot, lambda: app.focused is options and options.highlighted_option is not None
                and options.highlighted_option.id == name,
                f"{name} is highlighted, the list focused")
    await pilot.press("enter")


def test_the_header_names_the_profile_unless_it_is_the_default(example_pack, make_app):
    assert make_app(example_pack, "2:mid", profile="ana").sub_title == "ana · Episode 2 · halfway"
    assert make_app(example_pack, "2:mid").sub_title == "Episode 2 · halfway"


async def test_switching_to_a_profile_further_ahead_asks_and_saving_goes_to_its_file(
        example_pack, make_app):
    _save(example_pack, ana="1:end", ben="3:late")
    app = make_app(example_pack, "1:end", profile="ana")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Switch profile")
        await until(pilot, lambda: "Switch profile" in screen_text(app), "the command is listed")
        await pilot.press("enter")
        await _choose(pilot, app, "ben")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the jump asks first")
        assert app.screen.question == confirm_question(Position(3, "late"))
        await pilot.press("n")  # No: nothing changes
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "answered")
        assert (app.profile, app.position) == ("ana", Position(1, "end"))
        household.pick_profile(app)
        await _choose(pilot, app, "ben")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "asked again")
        await pilot.press("y")
        await until(pilot, lambda: app.position == Position(3, "late"), "at ben's place")
        assert app.profile == "ben" and app.sub_title == "ben · Episode 3 · three quarters in"
        await pilot.press("[")
        await until(pilot, lambda: _saved(example_pack, "ben") == "3:mid", "ben's file saved")
        assert _saved(example_pack, "ana") == "1:end"
        household.pick_profile(app)  # back to a profile behind: no question
        await _choose(pilot, app, "ana")
        await until(pilot, lambda: app.position == Position(1, "end"), "at ana's place")
        assert not isinstance(app.screen, ConfirmScreen) and app.profile == "ana"
    assert (_saved(example_pack, "ana"), _saved(example_pack, "ben")) == ("1:end", "3:mid")


async def test_together_shows_the_earliest_and_moving_on_brings_whoever_is_behind(
        example_pack, make_app):
    _save(example_pack, ana="3:late", ben="2:end")
    group = _household(example_pack, "ana", "ben")
    app = make_app(example_pack, group.position, together=group)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.sub_title == "Together: ana 3:late · ben 2:end — showing 2:end"
        assert "Together: ana 3:late · ben 2:end — showing 2:end" in screen_text(app)
        await pilot.press("]")
        await until(pilot, lambda: _saved(example_pack, "ben") == "3:start", "ben came along")
        assert _saved(example_pack, "ana") == "3:late"  # ahead: stays
        assert app.sub_title == "Together: ana 3:late · ben 3:start — showing 3:start"
        await pilot.press("[")  # back: the screen goes back, nobody's place does
        await until(pilot, lambda: app.position == Position(2, "end"), "shown back at 2:end")
        await pilot.press("p")
        await until(pilot, lambda: app.screen.query("#picker-episodes"), "the picker is open")
        await pilot.press("3")
        checkpoints = app.screen.query_one("#picker-checkpoints", OptionList)
        checkpoints.highlighted = 4
        await until(pilot, lambda: app.focused is checkpoints
                    and app.screen.target == Position(3, "end"), "the picker is at 3:end")
        await pilot.press("enter")  # 3:end, far ahead of 2:end: asks first
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the jump asks first")
        await pilot.press("y")
        await until(pilot, lambda: _saved(example_pack, "ana") == "3:end", "everyone came along")
    assert _saved(example_pack, "ben") == "3:end"


async def test_watch_together_and_stop_never_go_past_a_profiles_own_place(example_pack,
                                                                         make_app):
    _save(example_pack, ana="1:end", ben="3:late")
    app = make_app(example_pack, "1:end", profile="ana")
    async with app.run_test(size=(120, 36)) as pilot:
        household.pick_together(app)
        await until(pilot, lambda: isinstance(app.screen, TogetherScreen)
                    and app.screen.query("#together-go"), "the list is open")
        picker = app.screen
        assert picker.chosen == ("ana",)
        picker.query_one("#together-go").press()  # one is not together
        await until(pilot, lambda: "two or more" in screen_text(app), "says two or more")
        picker.query_one("#together-list", SelectionList).select("ben")
        picker.query_one("#together-go").press()
        await until(pilot, lambda: app.together is not None, "watching together")
        assert app.position == Position(1, "end")  # ana is behind: the screen stays
        assert app.sub_title == "Together: ana 1:end · ben 3:late — showing 1:end"
        assert "Stop watching together" in [n for n, _h, _c in app.main.palette_commands()]
        household.pick_leave(app)
        await _choose(pilot, app, "ben")  # ben's own place is far ahead: asks
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the jump asks first")
        await pilot.press("y")
        await until(pilot, lambda: app.together is None, "one profile again")
        assert (app.profile, app.position) == ("ben", Position(3, "late"))
        assert app.sub_title == "ben · Episode 3 · three quarters in"


PAIRS = [("1:start", "3:end"), ("2:mid", "1:late"), ("3:late", "2:end"), ("2:early", "2:early"),
         ("3:end", "1:end")]


@pytest.mark.parametrize("a, b", PAIRS)
async def test_together_leaks_nothing_past_the_earliest_member(example_pack, make_app, a, b):
    _save(example_pack, ana=a, ben=b)
    group = _household(example_pack, "ana", "ben")
    earliest = min(Position.parse(a), Position.parse(b))
    assert group.position == earliest
    app = make_app(example_pack, group.position, together=group)
    async with app.run_test(size=(120, 36)) as pilot:
        await built(pilot, app)
        for shown in (earliest, app.session.step_target(1)):
            if shown is None:
                break
            if app.position != shown:
                app.move_to(shown)
            await until(pilot, lambda: drawn(app), "every tab drew the current position")
            probe = probes(example_pack, shown, hidden_texts(example_pack, shown))
            for tab in ("characters", "relationships", "threads", "episodes", "new"):
                app.main.action_show_tab(tab)
                await tab_is(pilot, app, tab)
                seen = widget_text(app) + "\n" + await shows(pilot, app)  # (a drawn frame)
                assert not find_leaks(seen, probe), (a, b, str(shown), tab, find_leaks(seen, probe)[:3])
        app.main.action_show_tab("characters")
    # nobody went back
    assert Position.parse(_saved(example_pack, "ana")) >= Position.parse(a)
    assert Position.parse(_saved(example_pack, "ben")) >= Position.parse(b)


def test_the_companion_launches_together_instead_of_refusing():
    from conftest import run_cli

    _save_args = ("--pack", "example", "progress", "--yes")
    assert run_cli(*_save_args, "2:end", "--profile", "ana").returncode == 0
    launched = run_cli("--pack", "example", "--together", "ana,ben")
    # (no terminal here: it gets as far as drawing, past any refusal of --together)
    assert "works with 'show'" not in launched.stderr
    assert "needs a terminal" in launched.stderr
    both = run_cli("--pack", "example", "--together", "ana,ben", "--episode", "2")
    assert both.returncode == 2 and "either --together or --episode" in both.stderr
