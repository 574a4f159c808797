"""The card with `s` on: due sources numbered, the rest one neutral line; never a source key."""
from __future__ import annotations

import re

import pytest

from runaway_companion.progress import Position
from runaway_companion.view import View, hidden_sources_line

from .helpers import plain, until

pytestmark = pytest.mark.asyncio


def _card(app) -> str:
    """The full text of the card now shown (not only the part that fits the screen)."""
    return plain(app.main.pane("characters").part("card-body").content)


async def _show(pilot, app, char_id: str, name: str, sources: bool) -> str:
    app.main.select("character", char_id)
    await until(pilot, lambda: _card(app).startswith(name + "\n"), f"{name}'s card")
    if sources and "\nSources\n" not in _card(app):
        await pilot.press("s")
    await until(pilot, lambda: ("\nSources\n" in _card(app)) == sources,
                 "the sources list " + ("on" if sources else "off"))
    return _card(app)


async def _sources_on(pilot, app, char_id: str) -> str:
    name = app.view.character(char_id).name
    return await _show(pilot, app, char_id, name, True)


async def test_sources_list_shows_due_sources_numbered_and_one_line_for_the_rest(mini_pack,
                                                                               make_app):
    app = make_app(mini_pack, "2:mid")  # S1 is due at 1:end, S2 only at 3:late
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _sources_on(pilot, app, "stranger")
        assert "[◦]" in card and hidden_sources_line(1) in card
        assert "Example Two" not in card and "example.org/two" not in card
        assert not re.search(r"\bS[12]\b", card)


async def test_sources_follow_a_move_forward_without_switching_them_off_and_on(mini_pack,
                                                                              make_app):
    app = make_app(mini_pack, "3:mid")
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _sources_on(pilot, app, "stranger")
        assert hidden_sources_line(1) in card
        await pilot.press("]")  # 3:late: S2 is now due
        await until(pilot, lambda: "1. Example Two: https://example.org/two" in _card(app),
                     "the newly due source listed")
        card = _card(app)
        assert "more source" not in card and "[1]" in card and "S2" not in card


async def test_real_pack_card_with_sources_names_no_key_and_no_source_not_yet_due(real_pack,
                                                                                make_app):
    position = Position(4, "end")
    view = View(real_pack, position)
    later = [s for s in real_pack.sources.values() if not s.at <= position]
    app = make_app(real_pack, str(position))
    async with app.run_test(size=(140, 60)) as pilot:
        for cv in view.characters:
            card = await _show(pilot, app, cv.id, cv.name, True)
            for key in real_pack.sources:
                assert not re.search(rf"(?<![\w-]){key}(?![\w-])", card), (cv.id, key)
            for src in later:
                assert src.url not in card, (cv.id, src.key)
