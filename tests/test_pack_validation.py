"""One bad pack per class of mistake: each gives `file:line: what — fix`, exit 1, no traceback."""
from __future__ import annotations

import re
import shutil

import pytest

from runaway_companion.pack import PackError, load_pack, validate
from conftest import MINI, run_cli

LINE = re.compile(r"^(?P<file>[^:]+\.yaml):(?P<line>\d+): (?P<what>.+) — (?P<fix>.+)$")

# (class, file, text to replace, replacement, expected words in the message, expected line)
CASES = [
    ("yaml-syntax", "threads.yaml", "    titles:\n", "    titles: [\n", "YAML syntax error", None),
    ("missing-field", "characters.yaml", '    appears: {at: "1:early", sources: [S1]}\n    names:\n      - {name: "Bob Moon"',
     '    names:\n      - {name: "Bob Moon"', "missing required field 'appears'", 15),
    ("unknown-key", "threads.yaml", "    titles:", "    tilte: []\n    titles:", "unknown key 'tilte'", 3),
    ("malformed-reveal", "characters.yaml", '{text: "Runs a bakery.", at: "1:early"',
     '{text: "Runs a bakery.", at: "first episode"', "is malformed", 14),
    ("reveal-out-of-range", "characters.yaml", '{text: "Runs a bakery.", at: "1:early"',
     '{text: "Runs a bakery.", at: "9:early"', "episode 9 is out of range", 14),
    ("reveal-at-start", "characters.yaml", '{text: "Runs a bakery.", at: "1:early"',
     '{text: "Runs a bakery.", at: "2:start"', "not a reveal checkpoint", 14),
    ("duplicate-id", "characters.yaml", "  - id: bob\n", "  - id: alice\n", "duplicate character id 'alice'", 15),
    ("undefined-character", "relationships.yaml", "between: [alice, bob]", "between: [alice, bobb]",
     "unknown character 'bobb'", 3),
    ("undefined-source", "characters.yaml", '{text: "Runs a bakery.", at: "1:early", sources: [S1]}',
     '{text: "Runs a bakery.", at: "1:early", sources: [S9]}', "unknown source key 'S9'", 14),
    ("unused-source", "sources.yaml", "  S2:", "  S3: {url: \"https://example.org/3\", outlet: X, at: \"1:end\"}\n  S2:",
     "source 'S3' is never cited", 3),
    ("fact-before-appearance", "characters.yaml", '{text: "Canary fact: he fathered Bob.", at: "3:late"',
     '{text: "Canary fact: he fathered Bob.", at: "1:late"', "before the character first appears", 38),
    ("name-before-appearance", "characters.yaml", '{name: "Zed Quill", at: "2:mid"', '{name: "Zed Quill", at: "1:mid"',
     "before the character first appears", 30),
    ("stage-before-appearance", "relationships.yaml", '{label: "Canary father and son", at: "3:late"',
     '{label: "Canary father and son", at: "1:end"', "before both characters have appeared", 11),
    ("history-out-of-order", "characters.yaml", '      - {text: "presumed drowned", at: "1:end", sources: [S1]}\n',
     '      - {text: "presumed drowned", at: "1:end", sources: [S1]}\n      - {text: "found", at: "1:mid", sources: [S1]}\n',
     "statuses out of order", 26),
    ("no-reveal-point", "characters.yaml", '{text: "Runs a bakery.", at: "1:early", sources: [S1]}',
     '{text: "Runs a bakery.", sources: [S1]}', "missing required field 'at'", 14),
    ("wrong-type", "characters.yaml", "    roles:\n      - {text: \"Worried sister\"", "    roles: {text: \"Worried sister\"}\n    x:\n      - {text: \"Worried sister\"",
     "must be a list", 9),
]


def _broken(tmp_path, file, old, new):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    target = pack / file
    text = target.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    target.write_text(text.replace(old, new, 1))
    return pack


def test_the_mini_fixture_is_valid():
    assert validate(MINI) == []


@pytest.mark.parametrize("name,file,old,new,words,line", CASES, ids=[c[0] for c in CASES])
def test_each_bad_pack_class_gets_a_file_line_error(tmp_path, name, file, old, new, words, line):
    problems = validate(_broken(tmp_path, file, old, new))
    assert problems, f"{name}: no problem reported"
    rendered = [str(p) for p in problems]
    matching = [p for p in problems if words in p.what]
    assert matching, rendered
    assert all(LINE.match(r) for r in rendered), rendered
    assert matching[0].file.endswith(file)
    if line is not None:
        assert matching[0].line == line, rendered


def test_all_problems_are_reported_in_one_run(tmp_path):
    pack = _broken(tmp_path, "characters.yaml", '{text: "Runs a bakery.", at: "1:early", sources: [S1]}',
                   '{text: "Runs a bakery.", at: "nope", sources: [S9]}')
    (pack / "threads.yaml").write_text((pack / "threads.yaml").read_text().replace("titles:", "tilte: []\n    titles:"))
    whats = " | ".join(p.what for p in validate(pack))
    assert "malformed" in whats and "S9" in whats and "tilte" in whats


def test_bad_pack_on_the_command_line_exits_1_without_traceback(tmp_path):
    pack = _broken(tmp_path, "threads.yaml", "    titles:", "    tilte: []\n    titles:")
    for args in (["validate", str(pack)], ["show", "characters", "--pack", str(pack)],
                 ["--pack", str(pack), "export"]):
        proc = run_cli(*args)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "threads.yaml:3: thread 'where-is-bob': unknown key 'tilte' — did you mean 'titles'?" in proc.stderr


def test_missing_pack_folder_is_one_line_exit_1(tmp_path):
    proc = run_cli("validate", str(tmp_path / "nowhere"))
    assert proc.returncode == 1
    assert "pack folder not found" in proc.stderr


def test_load_raises_pack_error_not_anything_else(tmp_path):
    pack = _broken(tmp_path, "show.yaml", "id: mini", "id: [mini")
    with pytest.raises(PackError):
        load_pack(pack)


def test_alias_bomb_is_refused_quickly(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        bomb.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    (pack / "threads.yaml").write_text("\n".join(bomb) + "\nthreads: []\n")
    problems = validate(pack)
    assert any("too large" in p.what for p in problems), [str(p) for p in problems]


def test_a_missing_pack_folder_is_named_without_a_line_number(capsys):
    from runaway_companion.cli import main

    assert main(["validate", "/no/such/dir"]) == 1
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("/no/such/dir: pack folder not found — give a folder holding")
    assert ":1:" not in err and "--pack" not in first
