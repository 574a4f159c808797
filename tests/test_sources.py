"""Sources are dated pieces: `at` is required, a URL/title may not name what the pack reveals
later, and no surface shows a source (its URL, outlet, title or key) before it is due."""
from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from rich.console import Console

from runaway_companion import export, render
from runaway_companion.pack import load_pack, validate
from runaway_companion.progress import Position, all_positions
from runaway_companion.tui.tabs.characters import card
from runaway_companion.view import View, hidden_sources_line, source_text
from conftest import MINI

from tui.helpers import plain


def _copy_mini(tmp_path, sources: str):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    (pack / "sources.yaml").write_text(sources, encoding="utf-8")
    return pack


def _sources_yaml(one: str, two: str = '{url: "https://example.org/two", outlet: "Example Two", '
                                       'at: "3:late"}') -> str:
    return f"sources:\n  S1: {one}\n  S2: {two}\n"


# --- the format -------------------------------------------------------------------------------
def test_a_source_without_at_is_refused_with_file_and_line(tmp_path):
    pack = _copy_mini(tmp_path, _sources_yaml('{url: "https://example.org/one", outlet: "One"}'))
    problems = [str(p) for p in validate(pack)]
    assert any(re.search(r"sources\.yaml:2: source 'S1': missing required field 'at' — ", p)
               for p in problems), problems


@pytest.mark.parametrize("bad", ['"soon"', '"9:end"', '"2:start"', "3"])
def test_a_source_with_a_bad_at_is_refused_with_file_and_line(tmp_path, bad):
    pack = _copy_mini(tmp_path, _sources_yaml(
        f'{{url: "https://example.org/one", outlet: "One", at: {bad}}}'))
    problems = [str(p) for p in validate(pack)]
    assert any(p.startswith(str(pack / "sources.yaml") + ":2: source 'S1'") for p in problems), \
        problems


def test_a_source_key_outside_url_outlet_at_title_is_refused(tmp_path):
    pack = _copy_mini(tmp_path, _sources_yaml(
        '{url: "https://example.org/one", outlet: "One", at: "1:end", date: "1:end"}'))
    assert any("unknown key 'date'" in p.what for p in validate(pack))


def test_the_loaded_source_carries_its_reveal_point_and_title(mini_pack):
    one, two = mini_pack.sources["S1"], mini_pack.sources["S2"]
    assert (one.at, one.title, one.at_key) == (Position(1, "end"), "Pilot review",
                                              Position(1, "end").key)
    assert (two.at, two.title) == (Position(3, "late"), None)


# --- the URL/title rule ------------------------------------------------------------------------
def test_a_url_naming_a_later_revealed_name_is_refused(tmp_path):
    # "Zed Quill" is a name the mini pack reveals at 2:mid; the source is dated 1:end
    pack = _copy_mini(tmp_path, _sources_yaml(
        '{url: "https://example.org/reviews/who-is-zed-quill", outlet: "One", at: "1:end"}'))
    problems = [str(p) for p in validate(pack)]
    expected = (f"{pack / 'sources.yaml'}:2: source S1's URL names 'quill', which the pack "
                "reveals only at 2:mid — date the source at 2:mid or later")
    assert expected in problems, problems


def test_a_title_naming_a_later_revealed_alias_is_refused(tmp_path):
    pack = _copy_mini(tmp_path, _sources_yaml(
        '{url: "https://example.org/one", outlet: "One", at: "1:end", title: "Papa Canary?"}'))
    problems = [str(p) for p in validate(pack)]
    assert any("source S1's title names 'canary', which the pack reveals only at 2:early" in p
               or "source S1's title names 'papa', which the pack reveals only at 3:late" in p
               for p in problems), problems


def test_the_rule_names_the_latest_revealed_word_so_one_fix_is_enough(tmp_path):
    pack = _copy_mini(tmp_path, _sources_yaml(
        '{url: "https://example.org/zed-quill-papa", outlet: "One", at: "1:end"}'))
    problems = [p for p in validate(pack) if "names" in p.what]
    assert len(problems) == 1 and "'papa'" in problems[0].what and "3:late" in problems[0].what


def test_a_url_dated_at_the_reveal_passes(tmp_path):
    pack = _copy_mini(tmp_path, _sources_yaml(
        '{url: "https://example.org/zed-quill", outlet: "One", at: "2:mid"}'))
    assert validate(pack) == []


def test_short_words_web_words_show_title_words_and_earlier_words_pass(tmp_path):
    # "bob" is under four letters; www/html/https are the web's; "mini"/"show" are the show's
    # title; "alice" and "moon" are revealed at 1:early, before the source's 1:end
    pack = _copy_mini(tmp_path, _sources_yaml(
        '{url: "https://www.example.org/mini-show/alice_moon.html?who=bob&x=1", outlet: "One", '
        'at: "1:end", title: "Mini Show: Alice Moon"}'))
    assert validate(pack) == []


def test_the_shipped_pack_passes_the_url_rule():
    assert validate() == []


def test_every_shipped_source_key_is_neutral(real_pack):
    assert real_pack.sources
    for key in real_pack.sources:
        assert re.fullmatch(r"S\d{2}", key), key


# --- every surface, every checkpoint ----------------------------------------------------------
def _show_output(view: View) -> str:
    console = Console(width=160, file=io.StringIO(), record=True, color_system=None)
    render.characters(console, view)
    for c in view.characters:
        render.card(console, view, c)
    render.relationships(console, view, None)
    render.threads(console, view)
    render.episodes(console, view)
    render.recap(console, view)
    return console.export_text()


def _surfaces(view: View) -> dict[str, str]:
    cards = "\n".join(plain(card(view, c, sources=True)) for c in view.characters)
    return {"card": cards, "json": export.to_json(view), "markdown": export.to_markdown(view),
            "show": _show_output(view)}


def _due_items(cv, view):
    return [cv.name_item, *cv.alias_items, cv.actor_item, cv.role_item, cv.status_item,
            *cv.facts, *(r.stages[-1] for r in view.relationships_of(cv.id))]


@pytest.mark.parametrize("position", all_positions(8), ids=str)
def test_no_surface_shows_a_source_not_yet_due_nor_any_source_key(real_pack, position):
    view = View(real_pack, position)
    due = [s for s in real_pack.sources.values() if s.at <= position]
    later = [s for s in real_pack.sources.values() if not s.at <= position]
    due_texts = sorted({source_text(s) for s in due}, key=len, reverse=True)
    key_re = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, real_pack.sources)) + r")(?![\w-])")
    for surface, text in _surfaces(view).items():
        found = key_re.search(text)
        assert found is None, (surface, found and found.group(0))
        for shown in due_texts:  # what a due source shows is its own to show (an outlet
            text = text.replace(shown, "")  # may hold another's, "X (Y recap)")
        for src in later:
            assert src.url not in text, (surface, src.key)
            assert src.outlet not in text, (surface, src.key)
            if src.title:
                assert src.title not in text, (surface, src.key)


@pytest.mark.parametrize("position", [Position(1, "end"), Position(3, "end"), Position(8, "end")],
                         ids=str)
def test_a_card_lists_every_due_source_numbered_and_counts_the_rest(real_pack, position):
    view = View(real_pack, position)
    for cv in view.characters:
        shown, hidden = view.sources_of(_due_items(cv, view))
        text = plain(card(view, cv, sources=True))
        for n, src in enumerate(shown, 1):
            assert f"{n}. {source_text(src)}" in text, (cv.id, src.key)
        assert (hidden_sources_line(hidden) in text) == bool(hidden), cv.id


@pytest.mark.parametrize("position", [Position(1, "end"), Position(8, "end")], ids=str)
def test_due_sources_behind_cards_are_shown_with_their_url(real_pack, position):
    view = View(real_pack, position)
    cards = _surfaces(view)["card"]
    cited = {s.key: s for cv in view.characters for s in view.sources_of(_due_items(cv, view))[0]}
    assert cited, "no source is due"
    for src in cited.values():
        assert src.at <= position and src.url in cards, src.key
    if position == real_pack.last_position:
        assert "more source" not in cards  # at the end, every source is due


def test_sources_of_counts_each_hidden_source_once_in_first_seen_order(mini_pack):
    stranger = next(c for c in mini_pack.characters if c.id == "stranger")
    bob = next(c for c in mini_pack.characters if c.id == "bob")
    items = [*bob.names, *stranger.names, *bob.statuses]
    assert View(mini_pack, Position(1, "end")).sources_of(items) == ([mini_pack.sources["S1"]], 1)
    assert View(mini_pack, Position(1, "mid")).sources_of(items) == ([], 2)
    assert View(mini_pack, Position(3, "late")).sources_of(items) == (
        [mini_pack.sources["S1"], mini_pack.sources["S2"]], 0)


def test_source_label_never_returns_a_key(mini_pack):
    early, late = View(mini_pack, Position(1, "mid")), View(mini_pack, Position(3, "late"))
    assert early.source_label("S1") == early.source_label("S2") == early.source_label("S9")
    assert "S1" not in early.source_label("S1") and "example.org" not in early.source_label("S1")
    assert late.source_label("S1") == "Example One — Pilot review: https://example.org/one"
    assert late.source_label("S2") == "Example Two: https://example.org/two"


def test_the_card_marks_not_yet_due_sources_alike_and_names_none(mini_pack):
    view = View(mini_pack, Position(2, "mid"))  # S1 due (1:end), S2 not (3:late)
    text = plain(card(view, view.character("stranger"), sources=True))
    assert "[◦]" in text and "Example Two" not in text and "example.org/two" not in text
    assert "S2" not in text and "3:late" not in text
    assert hidden_sources_line(1) in text
    alice = plain(card(view, view.character("alice"), sources=True))
    assert "[1]" in alice and "1. Example One — Pilot review: https://example.org/one" in alice


def test_export_json_carries_no_source_fields(real_pack):
    data = json.loads(export.to_json(View(real_pack, Position(1, "end"))))
    assert "sources" not in json.dumps(data)
