"""The shipped pack's parse cache: a hit builds exactly the pack a fresh parse builds, an edited
pack is never served from it, and a damaged, foreign or unwritable cache only costs a parse."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from runaway_companion import pack as pack_module
from runaway_companion import yamltree
from runaway_companion import parsecache
from runaway_companion.pack import FILES, PackError, YList, YMap, load_pack, parse_yaml
from conftest import run_cli


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """A copy of the shipped pack standing in as *the* shipped pack, and an empty cache."""
    copy = tmp_path / "run-away"
    shutil.copytree(pack_module.default_pack_dir(), copy)
    monkeypatch.setattr(pack_module, "default_pack_dir", lambda: copy)
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))
    pack_module._CACHE.clear()
    yield copy
    pack_module._CACHE.clear()


def _fresh_load(path=None):
    pack_module._CACHE.clear()
    return load_pack(path)


def _no_parsing(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("parsed the YAML although the cache had it")

    monkeypatch.setattr(pack_module, "parse_yaml", refuse)


def _same_tree(a, b) -> None:
    assert type(a) is type(b)
    if isinstance(a, YMap):
        assert a.line == b.line and a.key_lines == b.key_lines and a.duplicates == b.duplicates
        assert list(a) == list(b)
        for key in a:
            _same_tree(a[key], b[key])
    elif isinstance(a, YList):
        assert a.line == b.line and a.item_lines == b.item_lines and len(a) == len(b)
        for x, y in zip(a, b):
            _same_tree(x, y)
    else:
        assert a == b


def test_second_start_builds_the_same_pack_without_parsing(shipped_copy, monkeypatch):
    first = _fresh_load()
    assert parsecache.cache_path("run-away").is_file()
    _no_parsing(monkeypatch)
    second = _fresh_load()
    assert second == first


def test_cached_trees_keep_every_line_number(shipped_copy):
    raws = {name: (shipped_copy / name).read_bytes() for name in FILES}
    fresh = {name: parse_yaml(raws[name], name)[0] for name in FILES}
    key = parsecache.key_of(raws)
    parsecache.write("run-away", key, fresh)
    cached = parsecache.read("run-away", key)
    assert cached is not None and set(cached) == set(FILES)
    for name in FILES:
        _same_tree(cached[name], fresh[name])


def test_edited_pack_is_never_served_from_the_cache(shipped_copy):
    """The viewer edits (or updates) the pack: the next start shows the new text."""
    before = _fresh_load()
    name = before.characters[0].names[0].text
    path = shipped_copy / "characters.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(name) >= 1
    path.write_text(text.replace(name, name + " Edited", 1), encoding="utf-8")
    after = _fresh_load()
    assert after.characters[0].names[0].text == name + " Edited"


def test_a_new_parser_is_a_miss(shipped_copy, monkeypatch):
    _fresh_load()
    raws = {name: (shipped_copy / name).read_bytes() for name in FILES}
    old_key = parsecache.key_of(raws)
    fake_source = shipped_copy.parent / "yamltree.py"
    fake_source.write_text("# another version of the parser\n")
    monkeypatch.setattr(yamltree, "__file__", str(fake_source))
    assert parsecache.key_of(raws) != old_key
    assert parsecache.read("run-away", parsecache.key_of(raws)) is None


@pytest.mark.parametrize("content", [
    b"not json at all",
    b"[1, 2, 3]",
    b'{"format": 1, "key": "KEY", "docs": {"show.yaml": [1, 2]}}',
    b'{"format": 1, "key": "KEY", "docs": {"show.yaml": {"m": [1, [["id", {"x": 1}, 1]], []]}}}',
    b'{"format": 1, "key": "KEY", "docs": {"show.yaml": {"l": [1, ["a"], []]}}}',
    b'{"format": 1, "key": "KEY", "docs": {"show.yaml": {"m": ["1", [], []]}}}',
    b'{"format": 99, "key": "KEY", "docs": {}}',
    b"\xff\xfe\x00garbage",
    b"[" * 100_000,
    b'{"format": 1, "key": "KEY", "docs": {"show.yaml": ' + b'{"l": [1, [' * 42 + b'"x"'
    + b'], [1]]}' * 42 + b'}}',
    b'{"format": 1, "key": "KEY", "docs": {"show.yaml": {"l": [1, [{"a": 1, "b": 2}], [1]]}}}',
    b'{"m": [1, [["format", 1, 1]], []]}',
], ids=["text", "list", "list-node", "unknown-node", "lines-mismatch", "string-line",
        "other-format", "binary", "deep", "deeper-than-the-parser-allows", "plain-object-in-a-list",
        "a-node-as-the-whole-file"])
def test_damaged_cache_only_costs_a_parse(shipped_copy, content):
    expected = _fresh_load()
    raws = {name: (shipped_copy / name).read_bytes() for name in FILES}
    key = parsecache.key_of(raws)
    cache = parsecache.cache_path("run-away")
    cache.write_bytes(content.replace(b"KEY", key.encode()))
    assert parsecache.read("run-away", key) is None
    assert _fresh_load() == expected
    assert parsecache.read("run-away", key) is not None  # and the cache is repaired


def test_a_cache_missing_a_file_is_refused(shipped_copy, monkeypatch):
    expected = _fresh_load()
    cache = parsecache.cache_path("run-away")
    data = json.loads(cache.read_text(encoding="utf-8"))
    del data["docs"]["sources.yaml"]
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert _fresh_load() == expected


def test_unwritable_cache_folder_still_loads(shipped_copy, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(blocker / "cache"))
    assert _fresh_load() == _fresh_load()
    assert not any(p.name.endswith(".tmp") for p in tmp_path.rglob("*"))


def test_no_cache_switch_writes_nothing(shipped_copy, monkeypatch):
    monkeypatch.setenv("COMPANION_NO_CACHE", "1")
    _fresh_load()
    assert not parsecache.cache_path("run-away").exists()


def test_a_bad_pack_is_never_cached(shipped_copy):
    path = shipped_copy / "threads.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("at:", "at_typo:", 1),
                    encoding="utf-8")
    with pytest.raises(PackError):
        _fresh_load()
    assert not parsecache.cache_path("run-away").exists()


def test_other_packs_are_always_parsed(shipped_copy, tmp_path):
    other = tmp_path / "other" / "run-away"
    shutil.copytree(shipped_copy, other)
    _fresh_load(other)
    assert not parsecache.cache_path("run-away").exists()


def test_validate_always_parses_afresh(shipped_copy, monkeypatch):
    _fresh_load()

    def no_reading(*_a, **_k):
        raise AssertionError("validate used the cache")

    monkeypatch.setattr(parsecache, "read", no_reading)
    pack_module._CACHE.clear()
    assert pack_module.validate() == []


def test_values_json_cannot_keep_are_not_cached():
    tree = YMap()
    tree.line, tree.key_lines = 1, {"when": 1}
    import datetime

    tree["when"] = datetime.date(2026, 1, 1)
    with pytest.raises(parsecache._Refused):
        parsecache._encode(tree)


def test_a_cached_start_does_not_import_pyyaml(tmp_path):
    """The point of the cache: the second start needs neither the parse nor PyYAML."""
    env = dict(os.environ, COMPANION_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("COMPANION_NO_CACHE", None)
    code = ("import sys; from runaway_companion.pack import load_pack; p = load_pack(); "
            "print(len(p.characters), 'yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=60) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    first, second = (r.stdout.split() for r in runs)
    assert first[1] == "True" and second[1] == "False"
    assert first[0] == second[0]


def test_cli_output_is_the_same_from_the_cache(tmp_path):
    env = {"COMPANION_CACHE_DIR": str(tmp_path / "cache")}
    cold = run_cli("show", "characters", "--episode", "8", env=env)
    warm = run_cli("show", "characters", "--episode", "8", env=env)
    fresh = run_cli("show", "characters", "--episode", "8",
                    env={"COMPANION_NO_CACHE": "1"})
    assert cold.returncode == warm.returncode == fresh.returncode == 0
    assert cold.stdout == warm.stdout == fresh.stdout


def test_where_says_where_the_cache_is(tmp_path):
    shown = run_cli("where", env={"COMPANION_CACHE_DIR": str(tmp_path / "c")})
    assert shown.returncode == 0 and f"cache:    {tmp_path / 'c'}" in shown.stdout
    off = run_cli("where", env={"COMPANION_NO_CACHE": "1"})
    assert "cache:    off" in off.stdout


def test_a_cache_holding_a_lone_surrogate_only_costs_a_parse(shipped_copy):
    """A doctored cache that decodes as JSON but holds a lone surrogate (which would fail only
    when printed) is refused: the pack is parsed afresh and prints."""
    good = _fresh_load()
    path = parsecache.cache_path("run-away")
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    name = good.characters[0].names[0].text
    doctored = text.replace(json.dumps(name, ensure_ascii=False)[1:-1], name + "\\ud800", 1)
    assert doctored != text
    path.write_text(doctored, encoding="utf-8")
    pack = _fresh_load()
    assert pack.characters[0].names[0].text == name
    pack.characters[0].names[0].text.encode("utf-8")  # printable


def test_a_fifo_or_a_huge_sparse_file_as_the_cache_is_a_miss_without_blocking(tmp_path):
    """Checked in a child process with a timeout: a blocking open of a FIFO would hang it."""
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(cache / "run-away.parsed.json")
    env = {**os.environ, "COMPANION_CACHE_DIR": str(cache)}
    proc = run_cli("show", "characters", "--episode", "1", "--at", "end", env=env)
    assert proc.returncode == 0, proc.stderr
    (cache / "run-away.parsed.json").unlink()
    with open(cache / "run-away.parsed.json", "wb") as fh:
        fh.truncate(4 * 1024 ** 3)  # 4 GB, sparse: must not be read
    proc = run_cli("show", "characters", "--episode", "1", "--at", "end", env=env)
    assert proc.returncode == 0, proc.stderr
