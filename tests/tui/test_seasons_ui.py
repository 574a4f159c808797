"""Seasons in the TUI: with a pack that declares seasons, the header and the picker's episode
list use the season form (``Season 2 · Episode 1 · halfway``, ``2x01 · Episode 4``), a show
without seasons keeps today's; browsing a generated 3-season pack leaks nothing."""
from __future__ import annotations

import pytest
from textual.widgets import OptionList

from runaway_companion.pack import load_pack
from runaway_companion.progress import Position, all_positions
from runaway_companion.tui.dialogs.picker import PickerScreen
from leakcheck import find_leaks, hidden_texts
from test_seasons import _three_seasons

from .helpers import drawn, plain, probes, screen_text, until, widget_text
from .test_leaks_ui import built


@pytest.mark.parametrize("seed", [0, 1])
async def test_a_three_season_pack_reads_in_seasons_and_leaks_nothing(tmp_path, make_app, seed):
    folder, seasons = _three_seasons(tmp_path, seed)
    pack = load_pack(folder, parse_cache=False)
    app = make_app(pack, "1:start", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await built(pilot, app)
        for position in all_positions(pack.episode_count):
            if app.position != position:
                app.move_to(position)
            await until(pilot, lambda: drawn(app), "every tab drew the current position")
            assert app.sub_title == position.describe(seasons) and "Season" in app.sub_title
            probe = probes(pack, position, hidden_texts(pack, position))
            seen = widget_text(app) + "\n" + screen_text(app)
            assert not find_leaks(seen, probe), (position.label(seasons), find_leaks(seen, probe)[:3])
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen)
                    and app.screen.query("#picker-episodes"), "the picker is open")
        options = app.screen.query_one("#picker-episodes", OptionList).options
        first_of_season_2 = seasons.absolute(2, 1)
        assert plain(options[first_of_season_2 - 1].prompt).startswith(
            f"2x01 · Episode {first_of_season_2}")
        assert "Season 3 · Episode" in plain(app.screen.query_one("#picker-preview").content)


async def test_a_show_without_seasons_keeps_the_plain_form(mini_pack, make_app):
    app = make_app(mini_pack, "2:mid", save=False)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.sub_title == "Episode 2 · halfway"
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen)
                    and app.screen.query("#picker-episodes"), "the picker is open")
        prompts = [plain(o.prompt) for o in app.screen.query_one("#picker-episodes",
                                                                 OptionList).options]
        assert all(p.startswith("Episode ") for p in prompts)
        assert Position(2, "mid").label() == "2:mid"


def test_the_cli_show_header_reads_in_seasons(tmp_path):
    from conftest import run_cli

    folder, seasons = _three_seasons(tmp_path, 0)
    at = Position(seasons.absolute(2, 1), "mid")
    shown = run_cli("--pack", str(folder), "show", "characters", "--episode", str(at.episode),
                    "--at", "mid")
    assert shown.returncode == 0, shown.stderr
    assert f"· {at.describe(seasons)} — characters" in shown.stdout
