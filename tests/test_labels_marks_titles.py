"""Relationship labels that read right from either card, the one confidence mark, episode titles
that are not known, and the recap of an episode whose lines have no known place.

Each is decided by one headless function in ``runaway_companion.view`` (``label_for``, ``mark``,
``EpisodeView.label``, ``EpisodeView.recap_note``); the CLI, the export and the TUI call it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runaway_companion.export import to_json_dict, to_markdown
from runaway_companion.pack import PackError, default_pack_dir, load_pack
from runaway_companion.progress import Position, all_positions
from runaway_companion.view import (MARK, MARK_LEGEND, NOTHING_TO_RECAP, RECAP_AT_END, View,
                                    label_for, mark)

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example"


@pytest.fixture(scope="module")
def pack():
    return load_pack(default_pack_dir())


def cli(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "runaway_companion", *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# --- the label format and its validator ------------------------------------------------------
def _example_with(tmp_path: Path, stage: str) -> Path:
    pack_dir = tmp_path / "pack"
    shutil.copytree(EXAMPLE, pack_dir)
    rels = pack_dir / "relationships.yaml"
    text = rels.read_text(encoding="utf-8")
    old = '      - {labels: {tom: "Daughter", nell: "Father"}, at: "1:early", sources: [S1]}'
    assert old in text
    rels.write_text(text.replace(old, "      - " + stage), encoding="utf-8")
    return pack_dir


@pytest.mark.parametrize("stage, what", [
    ('{labels: {tom: "Daughter"}, at: "1:early", sources: [S1]}', "labels has no side for 'nell'"),
    ('{labels: {tom: "Daughter", nell: "Father", ada: "x"}, at: "1:early", sources: [S1]}',
     "labels has 'ada', who is not in this relationship"),
    ('{label: "Family", labels: {tom: "Daughter", nell: "Father"}, at: "1:early", sources: [S1]}',
     "has both 'label' and 'labels'"),
    ('{at: "1:early", sources: [S1]}', "missing its label"),
    ('{labels: {tom: "Daughter", nell: ""}, at: "1:early", sources: [S1]}', "'nell' is empty"),
    ('{labels: "Daughter", at: "1:early", sources: [S1]}', "labels must be a mapping"),
], ids=["one-side-missing", "owner-not-in-between", "both-forms", "no-label", "empty-side",
        "labels-not-a-map"])
def test_a_bad_stage_label_is_one_problem_with_its_line_and_fix(tmp_path, stage, what):
    with pytest.raises(PackError) as err:
        load_pack(_example_with(tmp_path, stage), parse_cache=False)
    lines = [str(p) for p in err.value.problems]
    hits = [line for line in lines if what in line]
    assert hits, lines
    assert re.match(r".*relationships\.yaml:\d+: .+ — .+", hits[0]), hits[0]


def test_each_side_of_a_labels_stage_shows_on_its_owners_card():
    pack = load_pack(EXAMPLE)
    view = View(pack, Position.parse("1:end"))
    rel = next(r for r in view.relationships if {r.a.id, r.b.id} == {"tom", "nell"})
    assert rel.label_for("tom") == "Daughter" and rel.label_for("nell") == "Father"
    assert label_for(rel.stage, "tom") == "Daughter"
    assert rel.label == "Father ↔ Daughter"  # read from neither card: in the order of the names
    data = to_json_dict(view)
    tom = next(c for c in data["characters"] if c["id"] == "tom")
    assert {"with": "Nell Marsh", "label": "Daughter"} in tom["relationships"]


# one side of a pair named as if it were the whole pair reads wrong from the other card
_ONE_SIDED = re.compile(r"\b(father|mother|son|daughter|husband|wife|widow|boss|dealer|client|"
                        r"lawyer|detective|suspect|investigator|officer|prisoner|watcher|victim|"
                        r"killer|rescuer)s?\b", re.I)


def test_shipped_neutral_labels_name_no_one_sided_role(pack):
    for rel in pack.relationships:
        for stage in rel.stages:
            if not stage.sides:
                assert not _ONE_SIDED.search(stage.text), (rel.id, stage.text)


def test_every_shipped_relationship_has_a_label_on_both_cards_at_every_point(pack):
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        for rel in view.relationships:
            for owner in (rel.a, rel.b):
                label = rel.label_for(owner.id)
                assert label and label in {text for _, text in rel.stage.sides} | {rel.stage.text}
                other = rel.other(owner.id)
                assert rel in view.relationships_of(owner.id) and other.id != owner.id


# --- the confidence mark ---------------------------------------------------------------------
def test_the_mark_is_one_quiet_sign_only_for_low_confidence(pack):
    lows = [f for c in pack.characters for f in c.facts if f.confidence == "low"]
    highs = [f for c in pack.characters for f in c.facts if f.confidence == "high"]
    assert lows and highs
    assert {mark(f) for f in lows} == {MARK} and {mark(f) for f in highs} == {""}
    assert mark(None) == "" and len(MARK) == 1 and MARK_LEGEND.startswith(MARK)


def test_the_tui_mark_is_the_core_mark(pack):
    from runaway_companion.tui.text import uncertain

    for c in pack.characters:
        for item in (c.appears, *c.facts, *c.roles):
            assert uncertain(item) == mark(item)


@pytest.mark.parametrize("where", ["1:mid", "4:end", "8:end"])
def test_cli_and_markdown_say_the_legend_once_where_the_mark_appears(pack, where):
    episode, at = where.split(":")
    outputs = [cli("show", what, "--episode", episode, "--at", at)
               for what in ("characters", "relationships", "threads", "episodes", "recap")]
    outputs += [cli("show", "character", name, "--episode", episode, "--at", at)
                for name in ("Simon Greene", "Paige Greene", "Ingrid Greene")]
    outputs.append(to_markdown(View(pack, Position.parse(where))))
    for out in outputs:
        assert "uncertain" not in out.lower()
        flat = " ".join(out.split())
        legend = " ".join(MARK_LEGEND.split())
        marks = out.count(MARK) - (flat.count(legend) and 1)  # the legend's own mark
        assert flat.count(legend) == (1 if marks > 0 else 0), out[-400:]


# --- episode titles --------------------------------------------------------------------------
def test_an_episode_without_a_due_title_reads_the_same_whether_or_not_a_title_comes_later(pack):
    """Which episodes have a title still to come is itself a mark: before its title is due, a
    titled episode reads exactly like one no source gives a title."""
    labels = {str(p): {e.number: e.label for e in View(pack, p).episodes}
              for p in all_positions(pack.episode_count)}
    untitled = [e.number for e in pack.episodes if e.title is None]
    titled = [e.number for e in pack.episodes if e.title is not None]
    assert untitled and titled
    for number in untitled:
        seen = {by_ep[number] for by_ep in labels.values()}
        assert seen == {f"Episode {number} (title not known)"}, seen
    for number in titled:
        due = pack.episodes[number - 1].title.at
        for where, by_ep in labels.items():
            if Position.parse(where) < due:
                assert by_ep[number] == f"Episode {number} (title not known)", (where, number)
            else:
                assert by_ep[number].startswith(f"Episode {number}: "), (where, number)
    out = cli("show", "episodes", "--episode", "8", "--at", "end")
    assert "Episode 3 (title not known)" in out


# --- the recap of an episode whose lines have no known place ---------------------------------
def _at_end_only(pack) -> list[int]:
    return [e.number for e in pack.episodes
            if e.recap and all(b.at.checkpoint == "end" for b in e.recap)]


def test_inside_an_episode_whose_lines_sit_at_its_end_the_recap_says_so(pack):
    numbers = _at_end_only(pack)
    assert numbers
    for number in numbers:
        for cp in ("early", "mid", "late"):
            ep = View(pack, Position(number, cp)).episode(number)
            assert ep.recap == () and ep.recap_note == RECAP_AT_END
        done = View(pack, Position(number, "end")).episode(number)
        assert done.recap and done.recap_note is None
    first = numbers[0]
    for what in ("episodes", "recap"):
        out = cli("show", what, "--episode", str(first), "--at", "mid")
        assert RECAP_AT_END in out and NOTHING_TO_RECAP not in out
    assert NOTHING_TO_RECAP in cli("show", "recap", "--episode", "1", "--at", "start")
