"""The connection map (Relationships tab): people and the links between them as of now, labelled
from the selected person's side; the relationship history in one chronological timeline; names
in a card or on the map that open that person's card."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from runaway_companion.pack import load_pack
from runaway_companion.progress import Position, all_positions
from runaway_companion.tui.panes import ViewPane
from runaway_companion.tui.tabs.relationships import cast_map, details, person_map
from runaway_companion.view import View, label_for, mark
from leakcheck import find_leaks, hidden_texts

from .helpers import probes, screen_text, until, widget_text

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "example"
EDGE = re.compile(r"[├└]─ ")


@pytest.fixture(scope="module")
def example_pack():
    return load_pack(EXAMPLE)


def _lines(renderable, width: int = 200) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None,
                      legacy_windows=False)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def _between(view: View, ids: set[str], skip: str) -> set[frozenset]:
    return {frozenset((r.a.id, r.b.id)) for r in view.relationships
            if r.a.id in ids and r.b.id in ids and skip not in (r.a.id, r.b.id)}


@pytest.mark.parametrize("which", ["mini", "example"])
def test_the_person_map_draws_exactly_the_views_links_labelled_from_the_selected_side(
        which, mini_pack, example_pack):
    pack = mini_pack if which == "mini" else example_pack
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        visible = {c.id for c in view.characters}
        for cv in view.characters:
            text, names = person_map(view, cv, 200)
            rows = [line for line in text.plain.splitlines() if EDGE.search(line)]
            rels = view.relationships_of(cv.id)
            assert len(rows) == len(rels), (position, cv.id)
            assert names[0] == cv.id and set(names) <= visible
            peers = {r.other(cv.id).id for r in rels}
            drawn_between: set[frozenset] = set()
            for row, rel in zip(rows, rels):
                other = rel.other(cv.id)
                edge = row.split("── ")[0]
                assert rel.label_for(cv.id) + mark(rel.stage) in edge, (position, row)
                assert label_for(rel.stage, cv.id) == rel.label_for(cv.id)
                assert other.name in row.split("── ", 1)[1]
                if "↔ " in row:
                    for peer in view.characters:
                        if peer.name in row.split("↔ ", 1)[1]:
                            drawn_between.add(frozenset((other.id, peer.id)))
            # the dim links after each name: exactly the View's links between those people
            assert drawn_between == _between(view, peers, cv.id), (position, cv.id)


def test_each_side_of_a_two_sided_label_shows_on_its_owners_map(example_pack):
    view = View(example_pack, Position.parse("3:end"))
    tom, nell = view.character("tom"), view.character("nell")
    tom_rows = [line for line in person_map(view, tom, 200)[0].plain.splitlines()
                if nell.name in line and EDGE.search(line)]
    nell_rows = [line for line in person_map(view, nell, 200)[0].plain.splitlines()
                 if tom.name in line and EDGE.search(line)]
    assert tom_rows and tom_rows[0].split("── ")[0].strip(" ├└─") == "Daughter"
    assert nell_rows and nell_rows[0].split("── ")[0].strip(" ├└─") == "Father"
    stranger = next(r.other("nell") for r in view.relationships_of("nell")
                    if r.other("nell").id == "stranger")
    assert "Brother, long thought lost at sea" in person_map(view, nell, 200)[0].plain
    assert "Sister" in person_map(view, stranger, 200)[0].plain
    before = View(example_pack, Position.parse("3:early"))
    assert "Brother" not in person_map(before, before.character("nell"), 200)[0].plain


@pytest.mark.parametrize("which", ["mini", "example"])
def test_the_cast_map_draws_every_link_once_and_the_selected_ones_from_their_side(
        which, mini_pack, example_pack):
    pack = mini_pack if which == "mini" else example_pack
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        for cv in view.characters:
            text, names = cast_map(view, 200, cv.id)
            lines = text.plain.splitlines()
            rows = [line for line in lines if EDGE.search(line)]
            assert len(rows) == len(view.relationships), (position, cv.id)
            assert set(names) <= {c.id for c in view.characters}
            # the selected person's links: together, right under their name, from their side
            start = next(i for i, line in enumerate(lines) if line.strip() == cv.name
                         or line.startswith(f"  {cv.name}  "))
            mine = []
            for line in lines[start + 1:]:
                if not EDGE.search(line):
                    break
                mine.append(line)
            rels = view.relationships_of(cv.id)
            assert len(mine) == len(rels)
            for line, rel in zip(mine, rels):
                assert line.endswith(f"{rel.other(cv.id).name} — "
                                     f"{rel.label_for(cv.id)}{mark(rel.stage)}"), line


def test_relationship_history_reads_in_the_order_it_happened_with_aligned_dates(real_pack):
    from runaway_companion.progress import FRIENDLY

    order = {v: i for i, v in enumerate(FRIENDLY.values())}
    moments = "|".join(re.escape(v) for v in sorted(FRIENDLY.values(), key=len, reverse=True))
    dated = re.compile(rf"  Ep (\d+) · ({moments}) +(?=\S)")
    view = View(real_pack, Position.parse("8:end"))
    checked = 0
    for cv in view.characters:
        lines = _lines(details(view, cv), 88)
        columns = set()
        block: list[tuple[int, int]] = []
        for line in lines + [""]:
            m = dated.match(line)
            if m:
                block.append((int(m.group(1)), order[m.group(2)]))
                columns.add(m.end())
            else:
                assert block == sorted(block), (cv.id, block)
                checked += len(block) > 1
                if line and not line.startswith(" "):
                    block = []
        assert len(columns) <= 1, (cv.id, columns)  # one date column for every relationship
    assert checked > 10


async def test_no_map_shows_anything_hidden_at_any_checkpoint_of_the_mini_pack(
        mini_pack, run_app):
    async with run_app(mini_pack, "1:start", size=(120, 36)) as (app, pilot):
        await pilot.press("2")
        for position in all_positions(mini_pack.episode_count):
            app.move_to(position)
            await until(pilot, lambda: all(p.view is app.view and not p.stale
                                           for p in app.query(ViewPane)), f"drawn at {position}")
            probe = probes(mini_pack, position, hidden_texts(mini_pack, position))
            pane = app.main.pane("relationships")
            for cast in (False, True):
                if pane.cast != cast:
                    pane.toggle_cast()
                for cv in app.view.characters:
                    app.main.select("character", cv.id)
                    await until(pilot, lambda: pane.part("rel-map").content is not None,
                                "the map is drawn")
                    text = widget_text(app, pane, app.main.pane("characters"))
                    glass = screen_text(app)
                    assert not find_leaks(text + glass, probe), (position, cv.id, cast)
                    drawn = pane.part("rel-map").content.plain
                    rows = [line for line in drawn.splitlines() if EDGE.search(line)]
                    expect = len(app.view.relationships) if cast else \
                        len(app.view.relationships_of(cv.id))
                    assert len(rows) == expect, (position, cv.id, cast)
            if pane.cast:
                pane.toggle_cast()


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_map_draws_at_120x36_and_80x24(real_pack, run_app, size):
    async with run_app(real_pack, "8:end", save=False, size=size) as (app, pilot):
        await pilot.press("2")
        app.main.select("character", "simon")
        await until(pilot, lambda: "║ Simon Greene ║" in screen_text(app), "the map on glass")
        glass = screen_text(app)
        assert "├─ " in glass
        await pilot.press("m")
        await until(pilot, lambda: "Cast map" in screen_text(app), "the cast map")


def test_where_there_is_no_room_to_draw_the_map_is_a_list_of_links(real_pack):
    view = View(real_pack, Position.parse("8:end"))
    cv = view.character("simon")
    text, _names = person_map(view, cv, 24)
    lines = text.plain.splitlines()
    assert not any(EDGE.search(line) for line in lines)
    rels = view.relationships_of(cv.id)
    items = [line for line in lines if line.startswith("• ")]
    assert len(items) == len(rels)
    for line, rel in zip(items, rels):
        assert line == f"• {rel.other(cv.id).name} — {rel.label_for(cv.id)}{mark(rel.stage)}"


def _spot(app, text: str) -> tuple[int, int]:
    for y, line in enumerate(screen_text(app).splitlines()):
        if text in line:
            return line.index(text) + 1, y
    raise AssertionError(f"{text!r} is not on the glass")


async def test_a_click_on_a_name_in_a_card_opens_that_card(mini_pack, run_app):
    async with run_app(mini_pack, "3:late", size=(120, 36)) as (app, pilot):
        app.main.select("character", "bob")
        await until(pilot, lambda: "Alice Moon — Siblings" in screen_text(app), "bob's card")
        await pilot.click(offset=_spot(app, "Alice Moon — Siblings"))
        await until(pilot, lambda: app.main.character == "alice", "alice is selected")
        assert app.main.front == "characters"
        await until(pilot, lambda: "Worried sister" in screen_text(app), "alice's card")


async def test_a_click_on_a_name_on_the_map_opens_that_card(mini_pack, run_app):
    async with run_app(mini_pack, "3:late", size=(120, 36)) as (app, pilot):
        await pilot.press("2")
        app.main.select("character", "bob")
        await until(pilot, lambda: "── Zed Quill" in screen_text(app), "bob's map")
        x, y = _spot(app, "── Zed Quill")
        await pilot.click(offset=(x + 3, y))
        await until(pilot, lambda: app.main.character == "stranger", "zed is selected")
        await until(pilot, lambda: app.main.front == "characters", "the card is in front")
        assert "Bob's secret father" in widget_text(app, app.main.pane("characters"))


async def test_enter_on_a_name_under_the_cursor_opens_that_card(mini_pack, run_app):
    async with run_app(mini_pack, "3:late", size=(120, 36)) as (app, pilot):
        app.main.select("character", "bob")
        pane = app.main.pane("characters")
        await pilot.press("enter")  # from the list into the card
        await until(pilot, lambda: app.focused is not None and app.focused.id == "char-card",
                    "the card is focused")
        assert pane.name_cursor.current == "alice"
        await pilot.press("right")
        await until(pilot, lambda: pane.name_cursor.current == "stranger", "the cursor moved")
        await pilot.press("enter")
        await until(pilot, lambda: app.main.character == "stranger", "zed is selected")

        await pilot.press("2")
        rel = app.main.pane("relationships")
        app.main.select("character", "bob")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "rel-people",
                    "the people list is focused")
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "rel-body",
                    "the map is focused")
        assert rel.name_cursor.current == "bob"  # the selected person, first on the map
        await pilot.press("right")
        await until(pilot, lambda: rel.name_cursor.current == "alice", "the cursor moved")
        await pilot.press("enter")
        await until(pilot, lambda: app.main.character == "alice", "alice is selected")
        await until(pilot, lambda: app.main.front == "characters", "the card is in front")


@pytest.mark.parametrize("tab,list_id,body_id", [("1", "char-list", "char-card"),
                                                 ("2", "rel-people", "rel-body")])
async def test_the_name_cursor_scrolls_its_name_into_view(real_pack, run_app, tab, list_id,
                                                         body_id):
    from runaway_companion.tui.names import NamesStatic

    async with run_app(real_pack, "8:end", size=(80, 24)) as (app, pilot):
        await pilot.press(tab)
        view = app.view
        # the person with the most links: their card and map run well below the fold
        busiest = max(view.characters, key=lambda c: len(view.relationships_of(c.id)))
        app.main.select("character", busiest.id)
        await until(pilot, lambda: app.focused is not None and app.focused.id == list_id,
                    "the list is focused")
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is not None and app.focused.id == body_id,
                    "the detail is focused")
        pane = app.main.pane("characters" if tab == "1" else "relationships")
        body = app.main.query_one(f"#{body_id}")
        names = len(pane.name_cursor.names)
        assert names > 3
        scrolled = False
        for step in range(names + 1):  # all the way round, back to the first name
            before = pane.name_cursor.index
            await pilot.press("right")
            await until(pilot, lambda: pane.name_cursor.index == (before + 1) % names, "moved")

            def cursor_in_view() -> bool:
                rows = [(w, w.cursor_row()) for w in body.query(NamesStatic)]
                top = next((w.virtual_region.y + r for w, r in rows if r is not None), None)
                return top is not None and body.scroll_y <= top \
                    < body.scroll_y + body.scrollable_content_region.height

            await until(pilot, cursor_in_view, f"the name under the cursor is in view ({step})")
            scrolled = scrolled or body.scroll_y > 0
        assert scrolled  # (the test went below the fold)
