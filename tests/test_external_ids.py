"""Optional external ids (IMDb, TMDB, TVDB) per show and per episode: validated as text of their
shape, exported in JSON so other tools can match episodes; an episode's only once the viewer has
started it (they are keys to its title elsewhere)."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml

from conftest import run_cli
from runaway_companion.pack import load_pack, shipped_pack, validate
from runaway_companion.schemas import schema_text

IDS = 'ids: {imdb: "tt0000001", tmdb: "12345", tvdb: "67890"}'


def _pack_with(tmp_path, show_ids: str | None, episode_ids: str | None):
    folder = tmp_path / "pack"
    shutil.copytree(shipped_pack("example"), folder)
    show = (folder / "show.yaml").read_text(encoding="utf-8")
    if show_ids is not None:
        show = show.replace("\nepisodes:\n", f"\n{show_ids}\nepisodes:\n", 1)
    if episode_ids is not None:
        show = show.replace("  - number: 2\n", f"  - number: 2\n    {episode_ids}\n", 1)
    (folder / "show.yaml").write_text(show, encoding="utf-8")
    return folder


def _export(folder, episode: int, at: str) -> dict:
    proc = run_cli("--pack", str(folder), "export", "--episode", str(episode), "--at", at)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_show_and_episode_ids_load_and_export(tmp_path):
    folder = _pack_with(tmp_path, IDS, 'ids: {imdb: "tt0000002"}')
    assert validate(folder) == []
    pack = load_pack(folder, parse_cache=False)
    assert dict(pack.ids) == {"imdb": "tt0000001", "tmdb": "12345", "tvdb": "67890"}
    assert dict(pack.episodes[1].ids) == {"imdb": "tt0000002"}
    at_two = _export(folder, 2, "early")
    assert at_two["show"]["ids"] == {"imdb": "tt0000001", "tmdb": "12345", "tvdb": "67890"}
    assert [e.get("ids") for e in at_two["episodes"]] == [None, {"imdb": "tt0000002"}, None]
    assert "ids" not in at_two["episodes"][0] and "ids" not in at_two["episodes"][2]


def test_an_episodes_ids_are_exported_only_once_it_is_started(tmp_path):
    folder = _pack_with(tmp_path, None, 'ids: {imdb: "tt0000002"}')
    before = _export(folder, 2, "start")
    # before: no "ids" key at all, as for an episode without ids (its presence says nothing)
    assert "ids" not in before["episodes"][1] and before["episodes"][1]["title"] is None
    assert _export(folder, 2, "early")["episodes"][1]["ids"] == {"imdb": "tt0000002"}
    assert "ids" not in _export(folder, 1, "end")["show"]  # none given: the key is left out


@pytest.mark.parametrize("ids, what, fix", [
    ('ids: {imbd: "tt0000001"}', "show ids: unknown key 'imbd'", "did you mean 'imdb'?"),
    ("ids: {tmdb: 12345}", "show ids: tmdb must be text, not a number", 'write tmdb: in quotes'),
    ('ids: {imdb: "12345"}', "show ids: imdb '12345' is not an IMDb id", 'write "tt" and'),
    ('ids: {tvdb: "tt1"}', "show ids: tvdb 'tt1' is not a TVDB id", "write digits"),
    ("ids: [tt0000001]", "show ids must be a mapping (key: value), not a list", "write it as 'key: value'"),
])
def test_a_bad_external_id_is_one_problem_line(tmp_path, ids, what, fix):
    folder = _pack_with(tmp_path, ids, None)
    problems = validate(folder)
    assert len(problems) == 1, problems
    assert problems[0].what == what and problems[0].fix.startswith(fix), problems[0]
    assert problems[0].file.endswith("show.yaml") and problems[0].line >= 2


def test_a_bad_episode_id_names_its_episode(tmp_path):
    folder = _pack_with(tmp_path, None, 'ids: {imdb: "tt00"}')
    (problem,) = validate(folder)
    assert problem.what == "episode 2 ids: imdb 'tt00' is not an IMDb id"


def test_the_show_schema_agrees_on_external_ids(tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (the test extra has it)")
    check = jsonschema.Draft7Validator(json.loads(schema_text("show.yaml")))
    good = _pack_with(tmp_path / "good", IDS, 'ids: {imdb: "tt0000002"}')
    assert list(check.iter_errors(yaml.safe_load((good / "show.yaml").read_text()))) == []
    for bad in ('ids: {imbd: "tt0000001"}', "ids: {tmdb: 12345}", 'ids: {imdb: "12345"}',
                "ids: [tt0000001]"):
        folder = _pack_with(tmp_path / str(abs(hash(bad))), bad, None)
        assert list(check.iter_errors(yaml.safe_load((folder / "show.yaml").read_text()))), bad
