"""Seasons: a pack may declare how many episodes each season has; reveal points and typed
positions may then say ``2x05:mid`` (or ``S2E05``), while a show without seasons keeps today's
form. Episodes stay numbered 1..N across the show inside the companion. A generated 3-season
pack validates and leaks nothing at any position."""
from __future__ import annotations

import json
import random
import re
import shutil

import pytest
import yaml

from conftest import run_cli
from leakcheck import hidden_texts
from packgen import FILES, make_pack, write_pack
from runaway_companion.export import to_json
from runaway_companion.pack import load_pack, shipped_pack, validate
from runaway_companion.progress import Position, PositionError, Seasons, all_positions, parse_position
from runaway_companion.schemas import schema_text
from runaway_companion.view import View


def test_season_positions_map_to_episodes_of_the_whole_show_and_back():
    seasons = Seasons([3, 4, 2])
    assert [seasons.locate(e) for e in (1, 3, 4, 7, 8, 9)] == [(1, 1), (1, 3), (2, 1), (2, 4), (3, 1), (3, 2)]
    for episode in range(1, 10):
        assert seasons.absolute(*seasons.locate(episode)) == episode
    assert parse_position("2x01:mid", seasons) == Position(4, "mid")
    assert parse_position("S3E02", seasons) == parse_position("s3e2 start", seasons) == Position(9, "start")
    assert parse_position("5:late", seasons) == Position(5, "late")  # the plain form still reads
    assert Position(8, "end").label(seasons) == "3x01:end"
    assert Position(8, "end").describe(seasons) == "Season 3 · Episode 1 · finished"
    assert Position(8, "end").label() == "8:end" and Position(8, "end").describe() == "Episode 8 · finished"


@pytest.mark.parametrize("text, message", [
    ("4x01", "season 4 is past the last season — this show has 3"),
    ("2x05:mid", "season 2 has no episode 5 — it has 4"),
])
def test_a_season_position_that_is_not_there_is_one_error(text, message):
    with pytest.raises(PositionError, match=re.escape(message)):
        parse_position(text, Seasons([3, 4, 2]))


def test_a_show_without_seasons_keeps_the_plain_form_and_refuses_the_season_one():
    assert parse_position("3:mid") == Position(3, "mid")
    with pytest.raises(PositionError, match="this show has no seasons"):
        parse_position("1x03:mid")


def _seasoned(tmp_path, seasons: str = "[1, 1, 1]", at: str = '"2x01:end"'):
    """The example show (3 episodes) as three one-episode seasons, one reveal point in the
    season form."""
    folder = tmp_path / "pack"
    shutil.copytree(shipped_pack("example"), folder)
    show = (folder / "show.yaml").read_text(encoding="utf-8")
    (folder / "show.yaml").write_text(show.replace("\nepisodes:\n", f"\nseasons: {seasons}\nepisodes:\n", 1))
    threads = (folder / "threads.yaml").read_text(encoding="utf-8")
    assert 'at: "2:end"' in threads
    (folder / "threads.yaml").write_text(threads.replace('at: "2:end"', f"at: {at}", 1))
    return folder


def test_a_pack_with_seasons_reads_season_reveal_points(tmp_path):
    folder = _seasoned(tmp_path)
    assert validate(folder) == []
    pack = load_pack(folder, parse_cache=False)
    assert pack.seasons == Seasons([1, 1, 1])
    beat = next(b for t in pack.threads for b in t.beats if b.at == Position(2, "end"))
    assert beat is not None


@pytest.mark.parametrize("seasons, at, what", [
    ("[1, 1]", '"2:end"', "show: seasons add up to 2 episodes, but 3 are listed"),
    ("[1, 0, 2]", '"2:end"', "show: seasons has 0, not a number of episodes"),
    ("three", '"2:end"', "show: 'seasons' must be a list of episode counts, not text"),
    ("[1, 1, 1]", '"2x02:end"', "reveal point '2x02:end': season 2 has no episode 2 — it has 1"),
    ("[1, 1, 1]", '"4x01:end"', "reveal point '4x01:end': season 4 is past the last season"),
])
def test_bad_seasons_are_one_problem_line_each(tmp_path, seasons, at, what):
    problems = validate(_seasoned(tmp_path, seasons, at))
    assert len(problems) == 1 and what in problems[0].what, problems


def test_a_season_reveal_point_in_a_show_without_seasons_is_refused(tmp_path):
    folder = _seasoned(tmp_path)
    show = (folder / "show.yaml").read_text()
    (folder / "show.yaml").write_text(show.replace("seasons: [1, 1, 1]\n", ""))
    (problem,) = validate(folder)
    assert "this show has no seasons" in problem.what and "declare seasons" in problem.fix


def test_the_cli_reads_and_writes_season_positions(tmp_path):
    folder = _seasoned(tmp_path)
    saved = run_cli("--pack", str(folder), "progress", "2x01:mid", "--yes")
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.strip() == "Progress saved: 2x01:mid (Season 2 · Episode 1 · halfway)"
    shown = run_cli("--pack", str(folder), "progress")
    assert shown.stdout.strip() == "2x01:mid (Season 2 · Episode 1 · halfway)"
    at = run_cli("--pack", str(folder), "show", "characters", "--episode", "S2E01", "--at", "end")
    plain = run_cli("--pack", str(folder), "show", "characters", "--episode", "2", "--at", "end")
    assert at.returncode == 0 and at.stdout == plain.stdout
    past = run_cli("--pack", str(folder), "show", "characters", "--episode", "4x01")
    assert past.returncode == 2 and past.stderr.strip().splitlines() == [
        "companion: error: season 4 is past the last season — this show has 3"]


def test_a_show_without_seasons_prints_positions_as_today():
    saved = run_cli("--pack", "example", "progress", "2:mid", "--yes")
    assert saved.stdout.strip() == "Progress saved: 2:mid (Episode 2 · halfway)"
    refused = run_cli("--pack", "example", "progress", "1x02:mid", "--yes")
    assert refused.returncode == 2 and "this show has no seasons" in refused.stderr


def _three_seasons(tmp_path, seed: int):
    """A generated pack (valid by construction) split into three seasons, every reveal point
    of the characters, threads and relationships rewritten in the season form."""
    rnd = random.Random(seed)
    while True:
        docs = make_pack(rnd, max_episodes=9)
        episodes = len(docs["show.yaml"]["episodes"])
        if episodes >= 3:
            break
    first, second = sorted(rnd.sample(range(1, episodes), 2))
    counts = [first, second - first, episodes - second]
    seasons = Seasons(counts)
    docs["show.yaml"]["seasons"] = counts

    def rewrite(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "at" and isinstance(value, str) and ":" in value:
                    episode, cp = value.split(":")
                    s, e = seasons.locate(int(episode))
                    node[key] = f"{s}x{e:02d}:{cp}"
                else:
                    rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    for name in ("characters.yaml", "relationships.yaml", "threads.yaml"):
        rewrite(docs[name])
    return write_pack(tmp_path / f"s{seed}", docs, rnd), seasons


@pytest.mark.parametrize("seed", range(4))
def test_a_three_season_generated_pack_validates_and_leaks_nothing(tmp_path, seed):
    folder, seasons = _three_seasons(tmp_path, seed)
    assert validate(folder) == []
    pack = load_pack(folder, parse_cache=False)
    assert pack.seasons == seasons and len(seasons) == 3
    for position in all_positions(pack.episode_count):
        exported = to_json(View(pack, position))
        leaked = [t for t in hidden_texts(pack, position) if t in exported]
        assert leaked == [], (position.label(seasons), leaked[:3])


def test_the_schemas_take_seasons_and_season_reveal_points(tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (the test extra has it)")
    folder, _ = _three_seasons(tmp_path, 0)
    for name in FILES:
        doc = json.loads(json.dumps(yaml.safe_load((folder / name).read_text()), default=str))
        assert list(jsonschema.Draft7Validator(json.loads(schema_text(name))).iter_errors(doc)) == [], name
    check = jsonschema.Draft7Validator(json.loads(schema_text("threads.yaml")))
    thread = {"threads": [{"id": "t", "titles": [{"text": "x", "at": "0x01:end", "sources": "S1"}]}]}
    assert list(check.iter_errors(thread))  # no season 0
