"""The 14 biggest spoilers of the shipped Run Away pack, one test per scene.

Each test exports the pack at the spoiler's reveal point and one checkpoint before it, and
asserts the spoiler is visible at the reveal and invisible just before it (fact sheet §5, with
the §9.5 corrections).
"""
from __future__ import annotations

import json

import pytest

from companion.export import to_json_dict
from companion.pack import default_pack_dir, load_pack
from companion.progress import Position
from companion.view import View


@pytest.fixture(scope="module")
def pack():
    return load_pack(default_pack_dir())


@pytest.fixture(scope="module")
def export(pack):
    cache: dict[str, dict] = {}

    def at(where: str | Position) -> dict:
        position = where if isinstance(where, Position) else Position.parse(where)
        key = str(position)
        if key not in cache:
            cache[key] = to_json_dict(View(pack, position))
        return cache[key]

    return at


def before(where: str) -> Position:
    return Position.parse(where).prev()


def blob(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def character(data: dict, char_id: str) -> dict | None:
    return next((c for c in data["characters"] if c["id"] == char_id), None)


def relationship(data: dict, a: str, b: str) -> dict | None:
    return next((r for r in data["relationships"] if set(r["between"]) == {a, b}), None)


def thread(data: dict, thread_id: str) -> dict | None:
    return next((t for t in data["threads"] if t["id"] == thread_id), None)


# 1 -------------------------------------------------------------------------------------------
def test_ingrid_shot_in_the_basement_at_end_of_ep1(export):
    now, then = export("1:end"), export(before("1:end"))
    assert character(now, "ingrid")["status"] == "shot"
    assert "Shot by Luther in Rocco's basement." in character(now, "ingrid")["facts"]
    assert thread(now, "ingrid-shooting") is not None

    assert character(then, "ingrid")["status"] is None
    assert "Shot by Luther" not in blob(then)
    assert thread(then, "ingrid-shooting") is None


# 2 -------------------------------------------------------------------------------------------
def test_aaron_found_stabbed_halfway_through_ep1(export):
    now, then = export("1:mid"), export(before("1:mid"))
    aaron = character(now, "aaron")
    assert aaron["status"] == "dead"
    assert "Discovered dead from stab wounds in the flat he and Paige lived in." in aaron["facts"]
    assert thread(now, "aaron-murder")["title"] == "Who killed Aaron?"
    assert character(now, "simon")["status"] == "prime suspect in Aaron's murder"

    assert character(then, "aaron")["status"] is None
    assert "stab" not in blob(then)
    assert thread(then, "aaron-murder") is None


# 3 -------------------------------------------------------------------------------------------
def test_dee_dee_is_holly_of_the_shining_truth_in_ep5_cold_open(export):
    now, then = export("5:early"), export(before("5:early"))
    dee_dee = character(now, "dee-dee")
    assert "Holly" in dee_dee["aliases"]
    assert "The Shining Truth" in dee_dee["role"]
    assert thread(now, "the-cult")["title"] == "The Shining Truth"
    assert thread(now, "the-killers")["title"] == "The kill list"

    assert character(then, "dee-dee")["aliases"] == []
    assert "Holly" not in blob(then) and "Shining Truth" not in blob(then)
    assert thread(then, "the-cult") is None
    assert thread(then, "the-killers")["title"] == "The young killers"


# 4 -------------------------------------------------------------------------------------------
def test_victims_are_adopted_men_at_end_of_ep4(export):
    now, then = export("4:end"), export(before("4:end"))
    damien = character(now, "damien")
    assert any("adopted as a child" in f for f in damien["facts"])
    assert any("men adopted as children" in f for f in character(now, "elena")["facts"])

    assert character(then, "damien") is None
    assert "Damien" not in blob(then)
    assert "adopted as children" not in blob(then) and "adopted in childhood" not in blob(then)


# 5 -------------------------------------------------------------------------------------------
def test_cornelius_tells_simon_he_suspects_paige_three_quarters_into_ep6(export):
    now, then = export("6:late"), export(before("6:late"))
    assert relationship(now, "Cornelius Faber", "Paige Greene")["label"] == "He believes she killed Aaron"
    assert any("thinks Paige is the killer" in f for f in character(now, "cornelius")["facts"])

    assert relationship(then, "Cornelius Faber", "Paige Greene")["label"] == "Protective neighbour"
    assert "covered in blood" not in blob(then)
    assert "Paige is the killer" not in blob(then) and "Paige killed Aaron" not in blob(then)


# 6 -------------------------------------------------------------------------------------------
def test_elena_alive_three_quarters_into_ep6_and_murdered_at_its_end(export):
    now, then = export("6:end"), export(before("6:end"))
    elena = character(now, "elena")
    assert elena["status"] == "dead"
    assert "Ash and Dee Dee kill her." in elena["facts"]
    assert relationship(now, "Elena Ravenscroft", "Ash")["label"] == "He killed her"

    assert character(then, "elena")["status"] is None
    assert "Ash and Dee Dee kill her." not in blob(then)
    assert relationship(then, "Elena Ravenscroft", "Ash") is None
    assert thread(then, "henry-thorpe")["status"] == "open"


# 7 -------------------------------------------------------------------------------------------
def test_aaron_is_on_the_kill_list_by_end_of_ep6(export):
    now, then = export("6:end"), export(before("6:end"))
    assert "His name was on Ash and Dee Dee's list." in character(now, "aaron")["facts"]
    assert "Aaron was on their list." in thread(now, "the-killers")["beats"]

    assert "His name was on Ash and Dee Dee's list." not in character(then, "aaron")["facts"]
    assert "on their list" not in blob(then) and "list." not in " ".join(character(then, "aaron")["facts"])


# 8 -------------------------------------------------------------------------------------------
def test_paternity_test_shows_all_three_children_are_simons_early_in_ep7(export):
    now, then = export("7:early"), export(before("7:early"))
    for child in ("sam", "anya"):
        assert any("paternity test" in f for f in character(now, child)["facts"])
    assert any("paternity" in b for b in thread(now, "dna-trail")["beats"])

    assert "paternity" not in blob(then)


# 9 -------------------------------------------------------------------------------------------
def test_shootout_cornelius_kills_ash_adiona_kills_dee_dee_simon_shot_late_in_ep7(export):
    now, then = export("7:late"), export(before("7:late"))
    assert character(now, "ash")["status"] == "dead"
    assert character(now, "dee-dee")["status"] == "dead"
    assert character(now, "simon")["status"] == "shot"
    assert "Killed by Cornelius." in character(now, "ash")["facts"]
    assert relationship(now, "Dee Dee", "Mother Adiona")["label"] == "Adiona killed her"
    assert thread(now, "the-killers")["status"] == "resolved"

    assert character(then, "ash")["status"] is None
    assert character(then, "dee-dee")["status"] is None
    assert character(then, "simon")["status"] != "shot"
    assert "balcony" not in blob(then)
    assert thread(then, "the-killers")["status"] == "open"


# 10 ------------------------------------------------------------------------------------------
def test_casper_vartage_the_one_arrested_early_in_ep8(export):
    now, then = export("8:early"), export(before("8:early"))
    leader = character(now, "cult-leader")
    assert leader["name"] == "Casper Vartage"
    assert "The One" in leader["aliases"]
    assert leader["status"] == "arrested"
    assert thread(now, "the-cult")["status"] == "resolved"

    assert character(then, "cult-leader") is None
    assert "Casper" not in blob(then) and "The One" not in blob(then) and "Vartage" not in blob(then)
    assert thread(then, "the-cult")["status"] == "open"


# 11 ------------------------------------------------------------------------------------------
def test_paige_alive_in_rehab_halfway_through_ep8(export):
    now, then = export("8:mid"), export(before("8:mid"))
    assert character(now, "paige")["status"] == "alive, in rehab"
    assert thread(now, "search-for-paige")["status"] == "resolved"
    assert relationship(now, "Simon Greene", "Paige Greene")["label"] == "Father and daughter, reunited"

    assert character(then, "paige")["status"] == "missing"
    assert thread(then, "search-for-paige")["status"] == "open"
    assert "rehab" not in blob(then)


# 12 ------------------------------------------------------------------------------------------
def test_ingrid_killed_aaron_three_quarters_into_ep8(export):
    now, then = export("8:late"), export(before("8:late"))
    assert character(now, "aaron")["status"] == "dead, killed by Ingrid"
    assert relationship(now, "Ingrid Greene", "Aaron Corval")["label"] == "She killed him"
    assert thread(now, "aaron-murder")["status"] == "resolved"
    assert character(now, "ingrid")["status"] == "awake"

    assert character(then, "aaron")["status"] == "dead"
    assert relationship(then, "Ingrid Greene", "Aaron Corval")["label"] == "Her daughter's boyfriend"
    assert thread(then, "aaron-murder")["status"] == "open"
    assert "killed by Ingrid" not in blob(then) and "Ingrid who killed" not in blob(then)
    assert character(then, "ingrid")["role"] == "Paediatrician, Simon's wife and Paige's mother"


# 13 ------------------------------------------------------------------------------------------
def test_aaron_was_paiges_half_brother_at_the_end(export):
    now, then = export("8:end"), export(before("8:end"))
    assert relationship(now, "Paige Greene", "Aaron Corval")["label"] == "Half-siblings"
    assert any("half-brother" in f for f in character(now, "paige")["facts"])

    assert relationship(then, "Paige Greene", "Aaron Corval")["label"] == "Boyfriend and dealer"
    assert "half-" not in blob(then).lower() and "genealogy" not in blob(then)


# 14 ------------------------------------------------------------------------------------------
def test_aaron_was_ingrids_son_by_casper_and_simon_keeps_the_secret_at_the_end(export):
    now, then = export("8:end"), export(before("8:end"))
    assert relationship(now, "Ingrid Greene", "Aaron Corval")["label"] == "Mother and son"
    assert relationship(now, "Casper Vartage", "Aaron Corval")["label"] == "Father and son"
    assert relationship(now, "Casper Vartage", "Ingrid Greene") is not None
    ingrid = character(now, "ingrid")
    assert "Shining Truth" in ingrid["role"]
    assert "That child was Aaron; she is unaware that the man she killed was her son." in ingrid["facts"]
    assert relationship(now, "Simon Greene", "Ingrid Greene")["label"] == "Married; he keeps a secret from her"

    assert relationship(then, "Ingrid Greene", "Aaron Corval")["label"] == "She killed him"
    assert relationship(then, "Casper Vartage", "Aaron Corval") is None
    assert relationship(then, "Casper Vartage", "Ingrid Greene") is None
    card = json.dumps(character(then, "ingrid"))
    assert "Shining Truth" not in card and "cult" not in card.lower()
    assert "her son" not in blob(then) and "Mother and son" not in blob(then)
