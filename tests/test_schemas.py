"""The pack files' JSON Schemas (runaway_companion/schemas) agree with the validator: every
pack the validator accepts — the shipped ones, generated ones, the benchmark's — the schemas
accept; every broken-pack class a schema can express (an unknown key, a missing field, a
malformed reveal point, a wrong type…) they reject too. The validator stays the authority for
the rules across items and files (ids that exist, reveal order, sources cited)."""
from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest
import yaml

from conftest import MINI, ROOT, run_cli
from packgen import FILES, load, make_pack, mutate, write_pack
from runaway_companion.pack import shipped_pack, validate
from runaway_companion.schemas import SCHEMAS, schema_text

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (the test extra has it)")

VALIDATORS = {name: jsonschema.Draft7Validator(json.loads(schema_text(name))) for name in SCHEMAS}


def _as_json(doc):
    """What an editor's language server sees: the YAML as JSON data (keys as text)."""
    return json.loads(json.dumps(doc, default=str))


def _schema_errors(docs: dict) -> dict[str, list[str]]:
    out = {}
    for name in FILES:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
                  for e in VALIDATORS[name].iter_errors(_as_json(docs[name]))]
        if errors:
            out[name] = errors
    return out


def _read(folder: Path) -> dict:
    return {name: load((folder / name).read_text(encoding="utf-8")) for name in FILES}


def test_the_schemas_are_draft_07_schemas_shipped_for_each_pack_file():
    assert list(SCHEMAS) == list(FILES)
    for name in SCHEMAS:
        schema = json.loads(schema_text(name))
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("pack", ["run-away", "example", "mini"])
def test_the_schemas_accept_the_shipped_packs(pack):
    folder = MINI if pack == "mini" else shipped_pack(pack)
    assert validate(folder) == []
    assert _schema_errors(_read(folder)) == {}


@pytest.mark.parametrize("pack", ["run-away", "example"])
def test_each_shipped_pack_file_names_its_schema_on_its_first_line(pack):
    folder = ROOT / "data" / pack
    for name, schema_file in SCHEMAS.items():
        first = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), (name, first)
        target = (folder / first[len(prefix):]).resolve()
        assert target == (ROOT / "runaway_companion" / "schemas" / schema_file).resolve()
        assert target.is_file()


def test_the_schemas_accept_every_generated_pack_the_validator_accepts(tmp_path):
    checked = 0
    for seed in range(150):
        rnd = random.Random(seed)
        docs = make_pack(rnd, odd=seed % 2 == 1)
        folder = write_pack(tmp_path / f"p{seed}", docs, rnd)
        if validate(folder):  # (make_pack's packs are valid by construction)
            continue
        assert _schema_errors(_read(folder)) == {}, seed
        checked += 1
    assert checked >= 140


def test_the_schemas_accept_the_benchmarks_synthetic_packs(tmp_path):
    if importlib.util.find_spec("benchmarks") is None:
        sys.path.append(str(ROOT))
    from benchmarks import genpack

    for scale, seed in ((1, 0), (2, 1), (3, 2)):
        folder = genpack.generate(tmp_path / f"g{scale}-{seed}", scale, seed)
        assert validate(folder) == []
        assert _schema_errors(_read(folder)) == {}


# --- broken packs ------------------------------------------------------------------------

def _example() -> dict:
    return _read(shipped_pack("example"))


def _first(docs, file, key):
    return docs[file][key][0]


# each: (what is broken, a change to the example pack); the validator refuses each, and so
# must the schema of the file it touches
BROKEN = {
    "unknown key in a character": lambda d: _first(d, "characters.yaml", "characters").update(nmae="x"),
    "unknown top-level key": lambda d: d["threads.yaml"].update(extra=[]),
    "missing names": lambda d: _first(d, "characters.yaml", "characters").pop("names"),
    "missing appears": lambda d: _first(d, "characters.yaml", "characters").pop("appears"),
    "empty names": lambda d: _first(d, "characters.yaml", "characters").update(names=[]),
    "every name an alias": lambda d: [n.update(kind="alias") for n in
                                      _first(d, "characters.yaml", "characters")["names"]],
    "unknown name kind": lambda d: _first(d, "characters.yaml", "characters")["names"][0].update(kind="nick"),
    "names as a mapping": lambda d: _first(d, "characters.yaml", "characters").update(names={"a": 1}),
    "a fact without at": lambda d: _first(d, "characters.yaml", "characters")["facts"][0].pop("at"),
    "a fact without sources": lambda d: _first(d, "characters.yaml", "characters")["facts"][0].pop("sources"),
    "empty sources": lambda d: _first(d, "characters.yaml", "characters")["facts"][0].update(sources=[]),
    "a blank text": lambda d: _first(d, "characters.yaml", "characters")["facts"][0].update(text="  "),
    "a text over 2,000 characters": lambda d: _first(d, "characters.yaml", "characters")["facts"][0].update(text="x" * 2001),
    "a text that is true/false": lambda d: _first(d, "characters.yaml", "characters")["facts"][0].update(text=True),
    "reveal point at a start": lambda d: _first(d, "characters.yaml", "characters")["appears"].update(at="1:start"),
    "reveal point malformed": lambda d: _first(d, "threads.yaml", "threads")["titles"][0].update(at="early"),
    "reveal point at episode 0": lambda d: _first(d, "threads.yaml", "threads")["titles"][0].update(at="0:end"),
    "unknown confidence": lambda d: _first(d, "threads.yaml", "threads")["titles"][0].update(confidence="medium"),
    "a bad character id": lambda d: _first(d, "characters.yaml", "characters").update(id="Tom Marsh"),
    "no titles": lambda d: _first(d, "threads.yaml", "threads").update(titles=[]),
    "between one character": lambda d: _first(d, "relationships.yaml", "relationships").update(between=["tom"]),
    "between a character and itself": lambda d: _first(d, "relationships.yaml", "relationships").update(between=["tom", "tom"]),
    "no stages": lambda d: _first(d, "relationships.yaml", "relationships").update(stages=[]),
    "a stage without label": lambda d: [s.pop("label", None) or s.pop("labels") for s in
                                        _first(d, "relationships.yaml", "relationships")["stages"][:1]],
    "a recap at an E:checkpoint": lambda d: d["show.yaml"]["episodes"][0]["recap"][0].update(at="1:end"),
    "an episode title with its own at": lambda d: d["show.yaml"]["episodes"][0]["title"].update(at="1:end"),
    "episode number 0": lambda d: d["show.yaml"]["episodes"][0].update(number=0),
    "episode number as text": lambda d: d["show.yaml"]["episodes"][0].update(number="one"),
    "no episodes": lambda d: d["show.yaml"].update(episodes=[]),
    "a bad show id": lambda d: d["show.yaml"].update(id="The Show"),
    "a source without at": lambda d: d["sources.yaml"]["sources"]["S1"].pop("at"),
    "a source url that is not a web address": lambda d: d["sources.yaml"]["sources"]["S1"].update(url="example.org/x"),
    "a source with an unknown key": lambda d: d["sources.yaml"]["sources"]["S1"].update(date="2026"),
    "a file that is a list": lambda d: d.update({"threads.yaml": [1, 2]}),
    "an empty file": lambda d: d.update({"sources.yaml": None}),
}


@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_pack_the_schema_can_see_is_refused_by_both(broken, tmp_path):
    docs = _example()
    BROKEN[broken](docs)
    folder = tmp_path / "pack"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_text(yaml.safe_dump(docs[name], allow_unicode=True), encoding="utf-8")
    assert validate(folder), "the validator accepts it: not a broken pack"
    assert _schema_errors(_read(folder)), "the schema accepts what the validator refuses"


@pytest.mark.parametrize("kind", ["unknown-key", "bad-at", "no-at", "huge-string", "deep"])
def test_generated_breakage_the_schema_can_see_is_refused_by_both(kind, tmp_path):
    refused = 0
    for seed in range(60):
        rnd = random.Random(seed)
        docs = make_pack(rnd)
        touched, must_refuse = mutate(docs, rnd, kind)
        if touched is None or not must_refuse:
            continue
        folder = write_pack(tmp_path / f"p{seed}", docs, rnd)
        problems = validate(folder)
        assert problems, seed
        if all(any(rule in p.what for rule in ACROSS) for p in problems):
            continue  # broken only across items or files: the validator's rules alone
        assert _schema_errors(_read(folder)), (seed, kind, problems[:3])
        refused += 1
    assert refused >= 20


# the validator's rules that look across items or files, which no per-file schema can see
ACROSS = ("unknown source key", "is never cited", "unknown character", "duplicate",
          "out of range", "before", "out of order", "names '")


def test_the_relationship_schema_takes_one_label_or_one_per_side():
    """A stage is ``label:`` (one neutral label) or ``labels: {owner: …, owner: …}`` (one per
    card): exactly one of the two; per side, exactly two sides keyed by character ids."""
    check = VALIDATORS["relationships.yaml"]

    def doc(stage):
        return {"relationships": [{"id": "a-b", "between": ["a", "b"], "stages": [stage]}]}

    base = {"at": "1:end", "sources": ["S1"]}
    assert not list(check.iter_errors(doc({"label": "Old friend", **base})))
    assert not list(check.iter_errors(doc({"labels": {"a": "Daughter", "b": "Father"}, **base,
                                           "confidence": "low"})))
    for bad in ({"label": "Old friend", "labels": {"a": "x", "b": "y"}, **base},
                {"labels": {"a": "Daughter"}, **base},
                {"labels": {"a": "x", "b": "y", "c": "z"}, **base},
                {"labels": {"A B": "x", "b": "y"}, **base},
                {"labels": {"a": "", "b": "y"}, **base},
                {"labels": ["a", "b"], **base},
                {"labels": {"a": "x", "b": "y"}, "sources": ["S1"]},
                {**base}):
        assert list(check.iter_errors(doc(bad))), bad


# --- the command ---------------------------------------------------------------------------

def test_companion_schema_prints_one_or_all_and_writes_them(tmp_path):
    one = run_cli("schema", "threads.yaml")
    assert one.returncode == 0 and json.loads(one.stdout) == json.loads(schema_text("threads.yaml"))
    assert json.loads(run_cli("schema", "threads").stdout) == json.loads(one.stdout)
    every = run_cli("schema")
    assert every.returncode == 0 and list(json.loads(every.stdout)) == list(SCHEMAS)
    wrote = run_cli("schema", "--write", str(tmp_path / "schemas"))
    assert wrote.returncode == 0, wrote.stderr
    for name, file in SCHEMAS.items():
        assert json.loads((tmp_path / "schemas" / file).read_text()) == json.loads(schema_text(name))
    assert "# yaml-language-server: $schema=" in wrote.stdout


def test_companion_schema_refuses_an_unknown_file_or_unwritable_folder_in_one_line(tmp_path):
    bad = run_cli("schema", "cast.yaml")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "show.yaml" in bad.stderr
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    failed = run_cli("schema", "--write", str(blocked / "in"))
    assert failed.returncode == 1 and len(failed.stderr.strip().splitlines()) == 1
    assert failed.stderr.startswith("companion: error: could not write")
