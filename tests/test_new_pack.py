"""`companion new-pack DIR`: a pack to start from that validates as written, whose comments teach
the format, with the schemas beside it; a non-empty folder is refused in one line."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import run_cli
from runaway_companion.pack import load_pack
from runaway_companion.packcheck import FILES
from runaway_companion.schemas import SCHEMAS, schema_text


def test_new_pack_writes_a_pack_that_validates_as_written(tmp_path):
    target = tmp_path / "my-show"
    made = run_cli("new-pack", str(target))
    assert made.returncode == 0, made.stderr
    assert f"companion validate {target}" in made.stdout
    checked = run_cli("validate", str(target))
    assert (checked.returncode, checked.stdout.strip()) == (0, "ok"), checked.stderr
    shown = run_cli("--pack", str(target), "show", "characters", "--episode", "2", "--at", "end")
    assert shown.returncode == 0 and "Tom Marsh" in shown.stdout, shown.stderr
    pack = load_pack(target, parse_cache=False)
    assert pack.id == "my-show"  # its own id: its saved progress is not the example show's
    assert pack.episode_count == load_pack("example", parse_cache=False).episode_count


def test_new_pack_files_teach_the_format_and_name_their_schemas(tmp_path):
    target = tmp_path / "pack"
    assert run_cli("new-pack", str(target)).returncode == 0
    for name in FILES:
        text = (target / name).read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines[0] == f"# yaml-language-server: $schema=schemas/{SCHEMAS[name]}"
        assert json.loads((target / "schemas" / SCHEMAS[name]).read_text()) == \
            json.loads(schema_text(name))
        comments = [line for line in lines if line.startswith("#")]
        assert len(comments) >= 10, name
        assert any('"E:CHECKPOINT"' in line for line in comments)  # the one idea, in every file
        assert yaml.safe_load(text) is not None
    teaching = (target / "characters.yaml").read_text()
    for key in ("appears", "names", "kind: alias", "facts"):
        assert key in teaching


def test_new_pack_files_pass_their_schemas(tmp_path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (the test extra has it)")
    target = tmp_path / "pack"
    assert run_cli("new-pack", str(target)).returncode == 0
    for name in FILES:
        schema = json.loads((target / "schemas" / SCHEMAS[name]).read_text())
        doc = yaml.safe_load((target / name).read_text(encoding="utf-8"))
        jsonschema.Draft7Validator(schema).validate(json.loads(json.dumps(doc, default=str)))


def test_new_pack_fills_an_empty_folder_that_exists(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert run_cli("new-pack", str(target)).returncode == 0
    assert run_cli("validate", str(target)).returncode == 0


def test_new_pack_refuses_a_folder_that_is_not_empty_in_one_line(tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    refused = run_cli("new-pack", str(target))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"companion: error: {target} is not empty — new-pack writes only into a new or empty folder"]
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]  # nothing written


def test_new_pack_refuses_a_file_or_an_unwritable_place_in_one_line(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for target in (a_file, a_file / "inside"):
        refused = run_cli("new-pack", str(target))
        assert refused.returncode == 1, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
        assert refused.stderr.startswith("companion: error: ")
    assert a_file.read_text() == "x"
