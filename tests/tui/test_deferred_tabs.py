"""A move paints the tab in front first; hidden tabs follow just after that frame (the catch-up
rule, runaway_companion/tui/panes.py). These tests hold the other half of that bargain: a hidden tab never *shows* (or answers with) another
position's content, and by the next frame none holds it at all."""
from __future__ import annotations

import pytest

from runaway_companion.progress import Position
from leakcheck import find_leaks

from .helpers import at, drawn, noted, shows, still, tab_is, until, widget_text
from .test_leaks_ui import TABS, hidden_names

LATE, EARLY = Position(8, "end"), Position(1, "end")


async def _all_tabs(app, pilot) -> None:
    """Wait until every tab is built and has drawn the position, and the frame is drawn."""
    await until(pilot, lambda: len(app.main.panes()) == len(TABS) and drawn(app) and still(app),
                "every tab built and drawn")


def _pane(app, tab):
    """The pane as it is (``app.main.pane`` would catch it up first)."""
    return app.main.query_one(f"#{tab}-pane")


@pytest.mark.asyncio
async def test_every_tab_holds_the_earlier_position_as_soon_as_a_move_back_returns(
        real_pack, make_app):
    app = make_app(real_pack, LATE)
    async with app.run_test(size=(120, 36)) as pilot:
        await _all_tabs(app, pilot)
        app.move_to(EARLY)
        # no frame, no pause: a move back is drawn in every tab, hidden ones too, at once
        # (read through the panes themselves, not app.main.pane(), which would catch them up)
        hidden = hidden_names(real_pack, EARLY)
        assert "Dee Dee" in " ".join(hidden)
        for tab in TABS:
            pane = _pane(app, tab)
            assert not pane.stale and pane.view.position == EARLY, tab
            text = widget_text(app, pane)
            assert find_leaks(text, {h: h for h in hidden}) == [], tab


@pytest.mark.asyncio
@pytest.mark.parametrize("tab", [t for t in TABS if t != "characters"])
async def test_a_tab_shown_right_after_a_move_shows_the_move(real_pack, make_app, tab):
    """No frame in between: the key for a tab pressed in the same moment as ] or [."""
    app = make_app(real_pack, EARLY)
    async with app.run_test(size=(120, 36)) as pilot:
        await _all_tabs(app, pilot)
        app.move_to(LATE)  # forward: hidden tabs may draw it just after the frame
        pane = _pane(app, tab)
        assert pane.stale  # not drawn yet…
        app.main.action_show_tab(tab)
        assert not pane.stale and pane.view.position == LATE  # …but before it shows


@pytest.mark.asyncio
async def test_selecting_someone_in_a_hidden_tab_uses_the_new_position(real_pack, make_app):
    app = make_app(real_pack, EARLY)
    async with app.run_test(size=(120, 36)) as pilot:
        await _all_tabs(app, pilot)
        app.move_to(LATE)
        late_only = next(c for c in app.view.characters if c.appears.at > EARLY)
        app.main.select("character", late_only.id)  # reaches the hidden Relationships tab too…
        pane = _pane(app, "relationships")
        assert pane.stale  # …just after the frame
        app.main.action_show_tab("relationships")  # or at once, when it is about to show
        assert pane.view.position == LATE and not pane.stale
        await tab_is(pilot, app, "relationships")
        await shows(pilot, app)  # (a drawn frame)
        assert app.main.character == pane.selected == late_only.id
        people = pane.option_list
        if any(o.id == late_only.id for o in people.options):
            assert people.highlighted_option.id == late_only.id


@pytest.mark.asyncio
async def test_the_new_count_and_toast_follow_the_frame(real_pack, make_app):
    app = make_app(real_pack, Position(2, "end"))
    async with app.run_test(size=(120, 36)) as pilot:
        await _all_tabs(app, pilot)
        for _ in range(5):  # on to a checkpoint that reveals something
            target = app.session.step_target(1)
            await pilot.press("right_square_bracket")
            await at(pilot, app, target)  # the frame of the move…
            await noted(pilot, app)  # …and what follows it
            since, new = app.session.news_events()  # the count is one per event
            if new:
                break
        label = app.main.tabbed.get_tab("new").label.plain
        assert new and label == f"5 New · {len(new)}"
        assert any("new thing" in str(n.message) for n in app._notifications)
