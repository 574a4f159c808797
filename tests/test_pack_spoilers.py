"""The 14 biggest spoilers of the shipped Run Away pack, one test per scene, plus pack-wide checks.

Each spoiler test exports the pack (the JSON of ``companion export``) at the spoiler's reveal
point and one checkpoint before it, and asserts the spoiler is visible at the reveal and invisible
just before it. Reveal points are the fact sheet's §5 as ruled by addendum 2 §2 (where the
evidence disagrees about *when*, the latest reading wins): #5 -> 6:end, #7 -> 7:early,
#9 -> 7:end, #10 splits into the arrest (8:early) and the motive (8:mid).

The pack-wide tests check that what a viewer knows only grows (a role, status, name, label or
title may be *replaced* by a newer one, never dropped or flipped back), that every source key
used is defined and every defined key used, and the coverage the issue asks for.
"""
from __future__ import annotations

import json

import pytest
import yaml

from runaway_companion.export import to_json
from runaway_companion.pack import default_pack_dir, load_pack
from runaway_companion.progress import Position, all_positions
from runaway_companion.view import View

PACK_DIR = default_pack_dir()


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def export(pack):
    """``export(where)`` -> the parsed JSON export at that position (cached)."""
    cache: dict[str, dict] = {}

    def at(where: str | Position) -> dict:
        position = where if isinstance(where, Position) else Position.parse(where)
        key = str(position)
        if key not in cache:
            cache[key] = json.loads(to_json(View(pack, position)))
        return cache[key]

    return at


def before(where: str) -> Position:
    """One checkpoint before ``where`` (``E:start`` before ``E:early``)."""
    return Position.parse(where).prev()


def blob(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def character(data: dict, char_id: str) -> dict | None:
    return next((c for c in data["characters"] if c["id"] == char_id), None)


def relationship(data: dict, a: str, b: str) -> dict | None:
    """The relationship between the characters *named* ``a`` and ``b`` (as exported)."""
    return next((r for r in data["relationships"] if set(r["between"]) == {a, b}), None)


def side(data: dict, owner_id: str, other: str) -> str | None:
    """The label on ``owner_id``'s card for the character *named* ``other``: what they are to
    the owner (as exported with the owner), or None when the two are not linked."""
    owner = character(data, owner_id)
    if owner is None:
        return None
    return next((r["label"] for r in owner["relationships"] if r["with"] == other), None)


def thread(data: dict, thread_id: str) -> dict | None:
    return next((t for t in data["threads"] if t["id"] == thread_id), None)


def recap(data: dict, episode: int) -> list[str]:
    return next(e for e in data["episodes"] if e["number"] == episode)["recap"]


# 1 -------------------------------------------------------------------------------------------
def test_reveal_01_hidden_until_1_end(export):
    now, then = export("1:end"), export(before("1:end"))
    assert character(now, "ingrid")["status"] == "shot"
    assert "Shot by Luther in Rocco's basement." in character(now, "ingrid")["facts"]
    assert side(now, "ingrid", "Luther") == "The man who shot her"
    assert side(now, "luther", "Ingrid Greene") == "The woman he shot"
    assert thread(now, "ingrid-shooting") is not None
    assert any("hitting Ingrid" in beat for beat in recap(now, 1))

    assert character(then, "ingrid")["status"] is None
    assert "Shot by Luther" not in blob(then) and "hitting Ingrid" not in blob(then)
    assert relationship(then, "Luther", "Ingrid Greene") is None
    assert thread(then, "ingrid-shooting") is None


# 2 -------------------------------------------------------------------------------------------
def test_reveal_02_hidden_until_1_mid(export):
    now, then = export("1:mid"), export(before("1:mid"))
    aaron = character(now, "aaron")
    assert aaron["status"] == "dead"
    assert "Discovered dead from stab wounds in the flat he and Paige lived in." in aaron["facts"]
    assert thread(now, "aaron-murder")["title"] == "Who killed Aaron?"
    assert character(now, "simon")["status"] == "prime suspect in Aaron's murder"
    assert character(now, "fagbenle") is not None

    assert character(then, "aaron")["status"] is None
    assert "stab" not in blob(then) and "suspect" not in blob(then)
    assert thread(then, "aaron-murder") is None
    assert character(then, "fagbenle") is None


# 3 -------------------------------------------------------------------------------------------
def test_reveal_03_hidden_until_5_early(pack, export):
    now, then = export("5:early"), export(before("5:early"))
    dee_dee = character(now, "dee-dee")
    assert "Holly" in dee_dee["aliases"]
    assert "The Shining Truth" in dee_dee["role"]
    assert thread(now, "the-cult")["title"] == "The Shining Truth"
    assert thread(now, "the-killers")["title"] == "The kill list"
    assert [c.id for c in View(pack, Position.parse("5:early")).find_characters("holly")] == ["dee-dee"]

    # the killers are known before ep5, but not the cult or the alias
    assert character(then, "dee-dee")["aliases"] == []
    assert "Holly" not in blob(then) and "Shining Truth" not in blob(then)
    assert thread(then, "the-cult") is None
    assert thread(then, "the-killers")["title"] == "The young killers"
    assert View(pack, Position.parse("4:end")).find_characters("holly") == []


# 4 -------------------------------------------------------------------------------------------
def test_reveal_04_hidden_until_4_end(export):
    now, then = export("4:end"), export(before("4:end"))
    damien = character(now, "damien")
    assert any("adopted as a child" in f for f in damien["facts"])
    assert any("men adopted as children" in f for f in character(now, "elena")["facts"])

    assert character(then, "damien") is None
    assert "Damien" not in blob(then)
    assert "adopted as children" not in blob(then) and "adopted in childhood" not in blob(then)


# 5 -------------------------------------------------------------------------------------------
def test_reveal_05_hidden_until_6_end(export):
    now, then = export("6:end"), export(before("6:end"))
    assert side(now, "paige", "Cornelius Faber") == "Neighbour who believes she killed Aaron"
    assert side(now, "cornelius", "Paige Greene") == "The neighbour he believes killed Aaron"
    assert any("thinks Paige is the killer" in f for f in character(now, "cornelius")["facts"])
    assert any("suspects Paige" in b for b in thread(now, "aaron-murder")["beats"])

    assert side(then, "paige", "Cornelius Faber") == "Protective neighbour"
    assert "covered in blood" not in blob(then) and "bloodied" not in blob(then)
    assert "Paige is the killer" not in blob(then) and "Paige killed Aaron" not in blob(then)
    assert "suspects Paige" not in blob(then)


# 6 -------------------------------------------------------------------------------------------
def test_reveal_06_hidden_until_6_end(export):
    now, then = export("6:end"), export(before("6:end"))
    elena = character(now, "elena")
    assert elena["status"] == "dead"
    assert "Ash and Dee Dee kill her." in elena["facts"]
    assert side(now, "elena", "Ash") == side(now, "elena", "Dee Dee") == "One of her killers"
    assert side(now, "ash", "Elena Ravenscroft") == "A woman he killed"
    assert side(now, "dee-dee", "Elena Ravenscroft") == "A woman she killed"
    assert thread(now, "henry-thorpe")["status"] == "resolved"

    assert character(then, "elena")["status"] is None
    assert "Ash and Dee Dee kill her." not in blob(then) and "murder Elena" not in blob(then)
    assert relationship(then, "Elena Ravenscroft", "Ash") is None
    assert relationship(then, "Elena Ravenscroft", "Dee Dee") is None
    assert thread(then, "henry-thorpe")["status"] == "open"


# 7 -------------------------------------------------------------------------------------------
def test_reveal_07_hidden_until_7_early(export):
    # §5 #7 says ep7 early; addendum 2 §2 rules the latest reading wins -> 7:early
    now, then = export("7:early"), export(before("7:early"))
    assert "His name was on Ash and Dee Dee's list." in character(now, "aaron")["facts"]
    assert "Aaron was on their list." in thread(now, "the-killers")["beats"]
    assert "Aaron's name was on the killers' list." in thread(now, "aaron-murder")["beats"]

    assert "His name was on Ash and Dee Dee's list." not in character(then, "aaron")["facts"]
    assert "on their list" not in blob(then) and "killers' list" not in blob(then).replace(
        "A man on the killers' list", "")
    assert not any("list" in f for f in character(then, "aaron")["facts"])


# 8 -------------------------------------------------------------------------------------------
def test_reveal_08_hidden_until_7_early(export):
    now, then = export("7:early"), export(before("7:early"))
    for child in ("sam", "anya"):
        assert any("paternity test" in f for f in character(now, child)["facts"])
    assert any("paternity" in b for b in thread(now, "dna-trail")["beats"])
    assert any("paternity" in h for h in relationship(now, "Simon Greene", "Paige Greene")["history"])

    assert "paternity" not in blob(then)


# 9 -------------------------------------------------------------------------------------------
def test_reveal_09_hidden_until_7_end(export):
    now, then = export("7:end"), export(before("7:end"))
    assert character(now, "ash")["status"] == "dead"
    assert character(now, "dee-dee")["status"] == "dead"
    assert character(now, "simon")["status"] == "shot"
    assert "Killed by Cornelius." in character(now, "ash")["facts"]
    assert side(now, "dee-dee", "Mother Adiona") == "Her killer"
    assert side(now, "ash", "Cornelius Faber") == "His killer"
    assert side(now, "cornelius", "Ash") == "The man he killed"
    assert thread(now, "the-killers")["status"] == "resolved"

    assert character(then, "ash")["status"] is None
    assert character(then, "dee-dee")["status"] is None
    assert character(then, "simon")["status"] != "shot"
    assert "balcony" not in blob(then) and "shoot-out" not in blob(then)
    assert relationship(then, "Cornelius Faber", "Ash") is None
    assert thread(then, "the-killers")["status"] == "open"


# 10 ------------------------------------------------------------------------------------------
def test_reveal_10_arrest_hidden_until_8_early(export):
    now, then = export("8:early"), export(before("8:early"))
    leader = character(now, "cult-leader")
    assert leader["name"] == "Casper Vartage"
    assert "The One" in leader["aliases"]
    assert leader["status"] == "arrested"
    assert any("arrested" in b for b in thread(now, "the-cult")["beats"])
    # the motive is not told with the arrest (addendum 2 §2: 8:mid)
    assert "sons" not in blob(now) and "killings were" not in blob(now)
    assert thread(now, "the-cult")["status"] == "open"

    assert character(then, "cult-leader") is None
    assert "Casper" not in blob(then) and "The One" not in blob(then) and "Vartage" not in blob(then)


def test_reveal_10_motive_hidden_until_8_mid(export):
    now, then = export("8:mid"), export(before("8:mid"))
    leader = character(now, "cult-leader")
    assert any("sons he had fathered" in f for f in leader["facts"])
    assert any("getting rid of sons" in b for b in recap(now, 8))
    assert thread(now, "the-cult")["status"] == "resolved"

    assert "sons" not in blob(then) and "killings were" not in blob(then)
    assert thread(then, "the-cult")["status"] == "open"


# 11 ------------------------------------------------------------------------------------------
def test_reveal_11_hidden_until_8_mid(export):
    now, then = export("8:mid"), export(before("8:mid"))
    assert character(now, "paige")["status"] == "alive, in rehab"
    assert thread(now, "search-for-paige")["status"] == "resolved"
    assert side(now, "simon", "Paige Greene") == "Daughter, found again"
    assert side(now, "paige", "Simon Greene") == "Father, reunited with her"
    # that Ingrid knew comes at 8:late, that the clinic was her own at 8:end (addendum 2 §2)
    assert "Ingrid knew" not in blob(now) and "had known" not in blob(now)
    assert "once been" not in blob(now) and "once attended" not in blob(now)

    assert character(then, "paige")["status"] == "missing"
    assert thread(then, "search-for-paige")["status"] == "open"
    assert "rehab" not in blob(then) and "alive" not in json.dumps(character(then, "paige"))


# 12 ------------------------------------------------------------------------------------------
def test_reveal_12_hidden_until_8_late(export):
    now, then = export("8:late"), export(before("8:late"))
    assert str(before("8:late")) == "8:mid"
    assert character(now, "aaron")["status"] == "dead, killed by Ingrid"
    assert side(now, "ingrid", "Aaron Corval") == "The man she killed"
    assert side(now, "aaron", "Ingrid Greene") == "His killer"
    assert thread(now, "aaron-murder")["status"] == "resolved"
    assert character(now, "ingrid")["status"] == "awake"
    assert any("Paige was in rehab" in f for f in character(now, "ingrid")["facts"])
    assert not any("once been to herself" in f for f in character(now, "ingrid")["facts"])

    assert character(then, "aaron")["status"] == "dead"
    # the pair is not linked at all before the reveal: the link alone would point at her
    assert relationship(then, "Ingrid Greene", "Aaron Corval") is None
    assert thread(then, "aaron-murder")["status"] == "open"
    for leak in ("killed by Ingrid", "Ingrid who killed", "Ingrid killed", "Killed Aaron",
                 "The man she killed"):
        assert leak not in blob(then), leak
    assert character(then, "ingrid")["role"] == "Paediatrician, Simon's wife and Paige's mother"
    assert character(then, "ingrid")["status"] == "in a coma after further emergency surgery"


# 13 ------------------------------------------------------------------------------------------
def test_reveal_13_hidden_until_8_end(export):
    now, then = export("8:end"), export(before("8:end"))
    assert side(now, "paige", "Aaron Corval") == "Half-brother"
    assert side(now, "aaron", "Paige Greene") == "Half-sister"
    assert any("half-brother" in f for f in character(now, "paige")["facts"])

    assert side(then, "paige", "Aaron Corval") == "Boyfriend and dealer"
    assert side(then, "aaron", "Paige Greene") == "Girlfriend, whom he supplies"
    assert "half-" not in blob(then).lower() and "genealogy" not in blob(then)


# 14 ------------------------------------------------------------------------------------------
def test_reveal_14_hidden_until_8_end(export):
    now, then = export("8:end"), export(before("8:end"))
    assert side(now, "ingrid", "Aaron Corval") == "Her son, whom she killed without knowing it"
    assert side(now, "aaron", "Ingrid Greene") == "Birth mother, and his killer"
    assert side(now, "aaron", "Casper Vartage") == "Father"
    assert side(now, "simon", "Aaron Corval") == "Paige's half-brother, and Ingrid's son"
    assert relationship(now, "Casper Vartage", "Ingrid Greene") is not None
    ingrid = character(now, "ingrid")
    assert "Shining Truth" in ingrid["role"]
    assert "That child was Aaron; she is unaware that the man she killed was her son." in ingrid["facts"]
    assert side(now, "simon", "Ingrid Greene") == "Wife, from whom he keeps a secret"
    assert side(now, "ingrid", "Simon Greene") == "Husband, who keeps a secret from her"

    assert side(then, "ingrid", "Aaron Corval") == "The man she killed"
    assert side(then, "simon", "Aaron Corval") == "Paige's boyfriend"
    assert relationship(then, "Casper Vartage", "Aaron Corval") is None
    assert relationship(then, "Casper Vartage", "Ingrid Greene") is None
    card = json.dumps(character(then, "ingrid"))
    assert "Shining Truth" not in card and "cult" not in card.lower()
    assert "her son" not in blob(then).lower() and "Mother and son" not in blob(then)
    assert "birth mother" not in blob(then).lower() and "Aaron's father" not in blob(then)


# --- the finale's secrets stay out of everything before their scene ---------------------------
PARENTAGE_AND_KILLER = ("killed by Ingrid", "Ingrid killed", "Ingrid who killed", "her son",
                        "Her son", "Mother and son", "birth mother", "Birth mother",
                        "Aaron's father", "half-brother", "Half-brother", "Half-sister",
                        "Half-siblings", "The man she killed", "One of Casper Vartage's unwanted sons")


@pytest.mark.parametrize("where", ["7:end", "8:early", "8:mid"])
def test_last_reveals_absent_before_8_late(export, where):
    data = export(where)
    for leak in PARENTAGE_AND_KILLER:
        assert leak not in blob(data), (where, leak)
    assert relationship(data, "Ingrid Greene", "Aaron Corval") is None
    assert relationship(data, "Casper Vartage", "Aaron Corval") is None
    assert relationship(data, "Casper Vartage", "Ingrid Greene") is None
    if where == "7:end":
        assert "Casper" not in blob(data) and character(data, "cult-leader") is None


def test_last_reveals_present_at_8_end(export):
    data = export("8:end")
    for shown in ("dead, killed by Ingrid", "Her son, whom she killed without knowing it",
                  "Half-brother"):
        assert shown in blob(data), shown
    assert side(data, "cult-leader", "Aaron Corval") == "Son, given away as a baby"


# --- statuses and first appearances on their checkpoints --------------------------------------
@pytest.mark.parametrize("char_id, where, status", _STATUS_CASES := [
    ("aaron", "1:mid", "dead"),
    ("ingrid", "1:end", "shot"),
    ("ingrid", "2:early", "in a coma"),
    ("ingrid", "4:end", "in a coma after further emergency surgery"),
    ("ingrid", "8:late", "awake"),
    ("paige", "1:mid", "missing"),
    ("paige", "8:mid", "alive, in rehab"),
    ("elena", "6:end", "dead"),
    ("ash", "7:end", "dead"),
    ("dee-dee", "7:end", "dead"),
    ("cult-leader", "8:early", "arrested"),
], ids=[f"status{i:02d}-{w}" for i, (_, w, _) in enumerate(_STATUS_CASES, 1)])
def test_status_changes_on_its_checkpoint(export, char_id, where, status):
    assert character(export(where), char_id)["status"] == status
    earlier = character(export(before(where)), char_id)
    assert earlier is None or earlier["status"] != status


@pytest.mark.parametrize("char_id, where", _APPEARANCE_CASES := [
    ("cornelius", "1:late"),
    ("elena", "1:mid"),          # addendum 2 §4 (one translated source, low confidence)
    ("maria", "1:mid"),          # addendum 2 §4
    ("ash", "4:end"),            # "before ep5 certain, ep1 only [C]" -> latest allowed
    ("dee-dee", "4:end"),
    ("lou", "4:end"),            # "before ep5" [C] (F67)
    ("damien", "4:end"),
    ("kevin-gano", "5:early"),
    ("alison", "6:early"),
    ("nathan", "7:early"),
    ("mother-adiona", "7:early"),  # first confirmed on screen ep7 E
    ("cult-leader", "8:early"),    # named (and shown) only in ep8
], ids=[f"appears{i:02d}-{w}" for i, (_, w) in enumerate(_APPEARANCE_CASES, 1)])
def test_character_appears_no_earlier_than_the_sheet_allows(export, char_id, where):
    assert character(export(where), char_id) is not None
    assert character(export(before(where)), char_id) is None


def test_episode_titles_only_for_episodes_1_6_and_8(export):
    titles = {e["number"]: e["title"] for e in export("8:end")["episodes"]}
    assert titles == {1: "Seeing Is Believing", 2: None, 3: None, 4: None, 5: None,
                      6: "The Man I Knew", 7: None, 8: "It Stays With Us"}
    assert {e["number"]: e["title"] for e in export("8:start")["episodes"]}[8] is None


# --- what is known only grows ---------------------------------------------------------------
def _no_flip_back(history: dict, key, value) -> None:
    """A replaceable value (role, status, label, title, name) may change only to a new value:
    never back to an earlier one, and never from something to nothing."""
    seen = history.setdefault(key, [])
    if seen and seen[-1] == value:
        return
    assert value is not None or not seen, f"{key}: {seen[-1]!r} vanished"
    assert value not in seen, f"{key}: went back to {value!r} after {seen}"
    seen.append(value)


def test_everything_visible_stays_visible_except_replaced_values(pack, export):
    history: dict = {}
    positions = all_positions(pack.episode_count)
    for p, q in zip(positions, positions[1:]):
        old, new = export(p), export(q)
        where = f"{p} -> {q}"
        # episodes: titles once shown stay; recap beats only accumulate
        for e_old, e_new in zip(old["episodes"], new["episodes"]):
            if e_old["title"] is not None:
                assert e_new["title"] == e_old["title"], where
            assert set(e_old["recap"]) <= set(e_new["recap"]), where
        # characters
        new_chars = {c["id"]: c for c in new["characters"]}
        for c in old["characters"]:
            n = new_chars.get(c["id"])
            assert n is not None, f"{where}: {c['id']} disappeared"
            assert set(c["facts"]) <= set(n["facts"]), f"{where}: a fact of {c['id']} vanished"
            # a replaced name is kept as an alias
            assert {c["name"], *c["aliases"]} <= {n["name"], *n["aliases"]}, where
            if c["actor"] is not None:
                assert n["actor"] == c["actor"], where
            for field in ("name", "role", "status"):
                _no_flip_back(history, ("character", c["id"], field), c[field])
                _no_flip_back(history, ("character", c["id"], field), n[field])
        # relationships, keyed by the two character ids
        ids_old = {c["name"]: c["id"] for c in old["characters"]}
        ids_new = {c["name"]: c["id"] for c in new["characters"]}
        new_rels = {frozenset(ids_new[x] for x in r["between"]): r for r in new["relationships"]}
        for r in old["relationships"]:
            key = frozenset(ids_old[x] for x in r["between"])
            n = new_rels.get(key)
            assert n is not None, f"{where}: relationship {sorted(key)} disappeared"
            assert set(r["history"]) <= set(n["history"]), where
            _no_flip_back(history, ("relationship", key), r["label"])
            _no_flip_back(history, ("relationship", key), n["label"])
        # threads
        new_threads = {t["id"]: t for t in new["threads"]}
        for t in old["threads"]:
            n = new_threads.get(t["id"])
            assert n is not None, f"{where}: thread {t['id']} disappeared"
            assert set(t["beats"]) <= set(n["beats"]), where
            assert not (t["status"] == "resolved" and n["status"] == "open"), where
            _no_flip_back(history, ("thread", t["id"]), t["title"])
            _no_flip_back(history, ("thread", t["id"]), n["title"])


# --- sources ------------------------------------------------------------------------------
def _yaml(name: str):
    return yaml.safe_load((PACK_DIR / name).read_text(encoding="utf-8"))


def _used_source_keys(node, out: set) -> set:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                out.update(value)
            else:
                _used_source_keys(value, out)
    elif isinstance(node, list):
        for value in node:
            _used_source_keys(value, out)
    return out


def test_every_source_key_used_is_defined_and_every_defined_key_is_used():
    defined = _yaml("sources.yaml")["sources"]
    used: set = set()
    for name in ("show.yaml", "characters.yaml", "relationships.yaml", "threads.yaml"):
        _used_source_keys(_yaml(name), used)
    assert used, "no source keys found"
    assert sorted(used - set(defined)) == [], "used but not defined"
    assert sorted(set(defined) - used) == [], "defined but never used"
    for key, src in defined.items():
        assert str(src["url"]).startswith("https://"), key
        assert str(src["outlet"]).strip(), key


# --- coverage -----------------------------------------------------------------------------
def test_coverage_characters_relationships_threads_episodes(pack, export):
    assert pack.episode_count == 8
    assert len(pack.characters) >= 24
    assert len(pack.relationships) >= 18
    assert len(pack.threads) == 10
    everyone = {c["id"] for c in export("8:end")["characters"]}
    for needed in ("simon", "ingrid", "paige", "aaron", "elena", "fagbenle", "todd", "cornelius",
                   "ash", "dee-dee", "cult-leader", "mother-adiona", "lou", "maria",
                   "sebastian-thorpe", "henry-thorpe", "yvonne", "sam", "anya", "luther", "rocco",
                   "jay-stanfield", "jessica", "alison", "stephanie", "joel", "dave-divine",
                   "kevin-gano", "damien", "nathan"):
        assert needed in everyone, needed
    for number in range(1, 9):
        assert recap(export("8:end"), number), f"episode {number} has no recap"


# --- outside corrections (addendum 2 §3) stay corrected -------------------------------------
def test_groups_are_claims_dated_from_when_they_hold(pack):
    def groups(where: str, char_id: str) -> tuple[str, ...]:
        cv = View(pack, Position.parse(where)).character(char_id)
        return cv.groups if cv else ()

    assert "The victims" not in groups("8:end", "nathan")
    assert groups("8:end", "stephanie") == ()
    assert "Elena's circle" not in groups(str(before("4:end")), "maria")
    assert "Elena's circle" in groups("4:end", "maria")


def test_corrected_wording_holds_at_the_finale(export):
    data = blob(export("8:end"))
    for wrong in ("DC Todd", "Detective constable", "no longer under suspicion",
                  "not her lover", "Spotted by Alison", "Alison notices"):
        assert wrong not in data, wrong
    assert "Detective, Fagbenle's partner" == character(export("1:mid"), "todd")["role"]
    assert any("Alison keeps watch on her" in f for f in character(export("6:early"), "elena")["facts"])
    paige = character(export("1:early"), "paige")
    assert any("wearing a Lanford University T-shirt" in f for f in paige["facts"])
