"""Snapshots of each tab on the real pack at three points (120×36).

The Run Away pack is still being written: regenerate with
``pytest tests/tui/test_snapshots.py --snapshot-update`` once it is final, and look at the
report before accepting.
"""
from __future__ import annotations

import pytest

from runaway_companion.tui.main import TABS as ALL_TABS

from .helpers import drawn, still, tab_is, until

TABS = {"1": "characters", "2": "relationships", "3": "threads", "4": "episodes"}
POSITIONS = ["1:end", "6:late", "8:end"]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("key", list(TABS), ids=list(TABS.values()))
def test_tab_snapshot(snap_compare, real_pack, make_app, position, key):
    app = make_app(real_pack, position, save=False)

    async def settle(pilot):
        await until(pilot, lambda: len(app.main.panes()) == len(ALL_TABS) and drawn(app)
                    and still(app), "every tab built and drawn")
        await pilot.press(key)
        await tab_is(pilot, app, TABS[key])
        await until(pilot, lambda: still(app) and drawn(app), f"the {TABS[key]} tab is drawn")

    assert snap_compare(app, terminal_size=(120, 36), run_before=settle)
