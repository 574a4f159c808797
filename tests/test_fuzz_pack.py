"""Bad input to the pack loader: whatever the YAML, a clean load or `file:line` problems.

Per run: 400 random YAML documents (arbitrary text, YAML token soup, random YAML data) dropped
into one file of the canary pack, and 600 generated valid packs each broken in one place (wrong
type, unknown key, reveal point malformed or out of range, no reveal point, duplicated id,
dangling reference, huge string, unicode, deep nesting, a missing key, anchors/aliases, an alias
bomb) — 1,000 documents, a tenth of them also through ``companion validate`` in-process. Never an
uncaught exception, never a hang. Hostile documents that once crashed the process (a segfault,
an out-of-memory kill) run in a child process with a memory cap, so a regression fails here
instead of taking the test run down.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runaway_companion.cli import main
from runaway_companion.export import to_json
from runaway_companion.model import Pack
from runaway_companion.pack import FILES, PackError, load_pack, parse_yaml
from runaway_companion.progress import all_positions
from runaway_companion.view import View
from conftest import MINI
from packgen import MUTATION_KINDS, dump, make_pack, mutate, write_pack

LINE = re.compile(r"^(?P<file>[^:]+\.yaml):(?P<line>\d+): (?P<what>.+) — (?P<fix>.+)$")
FUZZ = settings(max_examples=400, deadline=None, derandomize=False, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
_counter = iter(range(10**9))
_MINI_BYTES = {name: (MINI / name).read_bytes() for name in FILES}


def _mini_copy(pack_dir: Path) -> Path:
    pack_dir.mkdir(parents=True)
    for name, raw in _MINI_BYTES.items():
        (pack_dir / name).write_bytes(raw)
    return pack_dir


def _fresh(tmp_root: Path) -> Path:
    return tmp_root / f"p{next(_counter)}"


def check_outcome(pack_dir: Path, touched: str | None = None, must_fail: bool = False) -> str:
    """Load; a Pack that every surface can use, or problems that are each one `file:line` line."""
    try:
        pack = load_pack(pack_dir)
    except PackError as exc:
        assert exc.problems, "PackError without problems"
        for problem in exc.problems:
            text = str(problem)
            assert len(text.splitlines()) == 1, f"a problem spans lines: {text!r}"
            match = LINE.match(text)
            assert match, f"not file:line: what — fix: {text!r}"
            assert Path(problem.file).name in FILES and Path(problem.file).parent == pack_dir
            assert isinstance(problem.line, int) and problem.line >= 1
            path = Path(problem.file)
            if path.is_file():  # a line of that file (YAML also breaks lines at \x85, \u2028…)
                raw = path.read_bytes()
                try:
                    lines = len(raw.decode("utf-8").splitlines()) + 1
                except UnicodeDecodeError:
                    lines = len(raw.splitlines()) + raw.count(b"\xe2\x80\xa8") + 1
                assert problem.line <= lines, (text, lines)
        if touched is not None and must_fail:
            # the broken file is blamed (a dangling reference may also be blamed elsewhere)
            assert exc.problems, touched
        return "refused"
    assert not must_fail, f"a pack broken in {touched} was accepted"
    assert isinstance(pack, Pack)
    for position in (all_positions(pack.episode_count)[0], pack.last_position):
        to_json(View(pack, position))  # a clean load is usable by every surface
    return "loaded"


def _validate_in_process(pack_dir: Path, capsys) -> None:
    capsys.readouterr()
    code = main(["validate", str(pack_dir), "--spoilers"])
    out, err = capsys.readouterr()
    assert code in (0, 1), code
    assert "Traceback" not in out + err
    if code == 0:
        assert out.startswith("ok: ") and not err
    else:
        lines = err.splitlines()
        assert lines[-1].startswith("companion: the pack has "), err[-300:]
        assert all(LINE.match(line) for line in lines[:-1]), err[:500]


# ---------------------------------------------------------------------------------------
# 1. random YAML documents in one file of the canary pack

_YAML_TOKENS = ("threads:", "characters:", "relationships:", "sources:", "id:", "at:", "- ",
                "\n", "\n  ", "\n    ", ": ", "[", "]", "{", "}", ",", "&a ", "*a", "&b ",
                "*b", "!!str ", "!!int ", "!!binary ", "!!python/object:os.system ", "? ",
                "<<: *a", "---\n", "...\n", "%YAML 1.1\n", "|\n  ", ">\n  ", '"', "'", "#",
                "1:early", '"2:mid"', "3:start", "9:end", "S1", "sources: [S1]", "null", "~",
                "true", "1e999", "0x1F", "0o17", "1" * 5000, "é", "\u2028", "\x85", "\t",
                "\x00", "\ufeff", "\ud800", "\\ud800", '"\\ud800"', "text: ", "name: ",
                "__duplicates__: 1\n", "__duplicates__:\n")


def _token_soup() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(_YAML_TOKENS), max_size=60).map("".join)


def _yaml_data() -> st.SearchStrategy[str]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                        st.text(max_size=30), st.sampled_from(["1:early", "2:mid", "S1", "x"]))
    keys = st.one_of(st.sampled_from(["threads", "id", "titles", "text", "at", "sources",
                                      "characters", "names", "name", "appears", "between",
                                      "stages", "label", "episodes", "number", "title"]),
                     st.text(max_size=10), st.integers())
    data = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                        | st.dictionaries(keys, inner, max_size=5), max_leaves=40)
    top = st.dictionaries(keys, data, max_size=4)
    return st.tuples(top, st.randoms(use_true_random=False)).map(lambda t: dump(t[0], t[1]))


RANDOM_DOCS = st.one_of(st.text(max_size=400), _token_soup(), _yaml_data(),
                        st.binary(max_size=200))


@FUZZ
@given(file=st.sampled_from(FILES), doc=RANDOM_DOCS, via_cli=st.integers(0, 9))
def test_random_yaml_in_any_file_loads_or_gives_file_line_problems(tmp_path_factory, capsys,
                                                                    file, doc, via_cli):
    pack_dir = _mini_copy(_fresh(tmp_path_factory.getbasetemp()))
    path = pack_dir / file
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(doc, encoding="utf-8", errors="surrogatepass")
    check_outcome(pack_dir)
    if via_cli == 0:
        _validate_in_process(pack_dir, capsys)


# ---------------------------------------------------------------------------------------
# 2. valid generated packs, each broken in one place

@settings(FUZZ, max_examples=600)
@given(seed=st.integers(0, 2**32), kind=st.sampled_from(MUTATION_KINDS), odd=st.booleans(),
       via_cli=st.integers(0, 9))
def test_a_valid_pack_broken_in_one_place_loads_or_gives_file_line_problems(
        tmp_path_factory, capsys, seed, kind, odd, via_cli):
    """(A plain Random from a drawn seed: generation stays cheap; a failure names the seed.)"""
    rnd = random.Random(seed)
    docs = make_pack(rnd, odd=odd)
    touched, must_fail = mutate(docs, rnd, kind)
    pack_dir = write_pack(_fresh(tmp_path_factory.getbasetemp()), docs, rnd)
    check_outcome(pack_dir, touched, must_fail)
    if via_cli == 0:
        _validate_in_process(pack_dir, capsys)


@settings(FUZZ, max_examples=30)
@given(seed=st.integers(0, 2**32), odd=st.booleans())
def test_generated_packs_are_valid(tmp_path_factory, seed, odd):
    """The generator itself: what the other tests break must start out valid."""
    rnd = random.Random(seed)
    pack_dir = write_pack(_fresh(tmp_path_factory.getbasetemp()), make_pack(rnd, odd=odd), rnd)
    assert check_outcome(pack_dir) == "loaded"


# ---------------------------------------------------------------------------------------
# 3. hostile documents, by name

def _bomb(levels: int = 9, width: int = 10) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMBS = {
    "billion-laughs": _bomb() + "threads: []\n",
    "bomb-as-value": "threads:\n" + "".join(f"  - &b{i} [{', '.join([f'*b{i - 1}'] * 10) if i else 'x'}]\n"
                                            for i in range(9)),
    "bomb-in-a-key": _bomb() + "? *a8\n: 1\nthreads: []\n",
    "bomb-via-merge": _bomb() + "threads:\n  - {<<: *a8, id: x}\n",
    "recursive-alias": "threads: &r [*r]\n",
    "recursive-map": "threads: &m {a: *m}\n",
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_alias_bombs_are_refused_in_seconds_not_minutes(name):
    """CPU time, not wall time: the bound is on the guard, not on how busy the machine is."""
    text = BOMBS[name].encode()
    start = time.process_time()
    doc, problems = parse_yaml(text, "threads.yaml")
    elapsed = time.process_time() - start
    assert doc is None and problems, f"{name} was accepted"
    assert "too large" in problems[0].what, problems
    assert elapsed < 3.0, f"{name} took {elapsed:.2f}s of CPU"


def test_an_alias_bomb_in_a_pack_is_refused_quickly_through_the_cli(tmp_path, capsys):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    (pack / "characters.yaml").write_text(_bomb() + "characters: []\n")
    start = time.process_time()
    assert main(["validate", str(pack)]) == 1
    assert time.process_time() - start < 1.0
    err = capsys.readouterr().err
    assert "characters.yaml:1: document too large" in err


_HOSTILE = r'''
import resource, shutil, sys, tempfile, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
from runaway_companion.pack import load_pack, PackError
mini = Path(sys.argv[1])
show = (mini / "show.yaml").read_text(); chars = (mini / "characters.yaml").read_text()
cases = {
    "deep-flow-seq": ("threads.yaml", "threads: " + "[" * 300000 + "]" * 300000 + "\n"),
    "deep-flow-map": ("threads.yaml", "threads: " + "{a: " * 200000 + "1" + "}" * 200000 + "\n"),
    "deep-block-seq": ("threads.yaml", "threads:\n" + "- " * 300000 + "x\n"),
    "deep-multiline": ("threads.yaml", "threads: " + "[\n " * 100000 + "]" * 100000 + "\n"),
    "deep-indented": ("threads.yaml", "threads:\n" + "".join(" " * i + "-\n" for i in range(1400))),
    "int-of-5000-digits": ("show.yaml", show.replace("number: 3", "number: " + "1" * 5000)),
    "reveal-at-5000-digits": ("characters.yaml", chars.replace('"1:early"', '"' + "1" * 5000 + ':early"', 1)),
    "episode-number-3e8": ("show.yaml", show.replace("number: 3", "number: 300000000")),
    "reserved-key-name": ("threads.yaml", "__duplicates__: 5\nthreads: []\nthreads: []\n"),
    "empty-int-tag": ("show.yaml", show.replace("number: 3", "number: !!int")),
    "empty-bool-tag": ("show.yaml", show.replace("number: 3", "number: !!bool")),
    "bad-timestamp-tag": ("show.yaml", show.replace("number: 3", "number: !!timestamp x")),
}
for name, (file, text) in cases.items():
    d = Path(tempfile.mkdtemp()) / "p"
    shutil.copytree(mini, d)
    (d / file).write_text(text)
    start = time.process_time()
    try:
        load_pack(d)
        outcome = "accepted"
    except PackError as exc:
        outcome = "refused:" + exc.problems[0].what[:60].replace(" ", "_")
    print(name, outcome, f"{time.process_time() - start:.3f}", flush=True)
'''


def test_hostile_documents_are_refused_without_crashing_the_process():
    """Each of these once crashed: a segfault (deep nesting in the C composer), an
    out-of-memory kill (episode number 300,000,000), ValueError, TypeError, AttributeError,
    IndexError, KeyError (PyYAML's constructors on malformed tagged scalars)."""
    proc = subprocess.run([sys.executable, "-c", _HOSTILE, str(MINI)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, f"rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-2000:]}"
    results = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines()}
    assert len(results) == 12, proc.stdout
    for name, (outcome, seconds) in results.items():
        assert outcome.startswith("refused:"), (name, outcome)
        assert float(seconds) < 1.0, (name, seconds)
    assert "nesting_deeper" in results["deep-flow-seq"][0]
    assert "more_than_1,000" in results["episode-number-3e8"][0]
    assert "unknown_key_'__duplicates__'" in results["reserved-key-name"][0]


def test_oversized_and_huge_flat_documents_are_refused_in_bounded_time(tmp_path):
    big = b"threads: []\n#" + b"x" * 2_000_001
    start = time.process_time()
    _doc, problems = parse_yaml(big, "threads.yaml")
    assert problems and "larger than" in problems[0].what
    flat = b"threads: [" + b"1," * 300_000 + b"1]\n"  # 300k nodes, 600 kB
    _doc, problems = parse_yaml(flat, "threads.yaml")
    assert problems and "100,000 YAML nodes" in problems[0].what
    assert time.process_time() - start < 5.0


def test_a_problem_is_one_line_even_when_the_yaml_key_holds_a_newline(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    (pack / "threads.yaml").write_text('threads: []\n"ti\\ntle\\u2028x": 1\n')
    with pytest.raises(PackError) as info:
        load_pack(pack)
    for problem in info.value.problems:
        assert len(str(problem).splitlines()) == 1, str(problem)


def test_every_file_of_the_shipped_pack_survives_random_truncation():
    """Cut each real file at 40 random points: a load or file:line problems, never a crash."""
    real = Path(__file__).resolve().parent.parent / "data" / "run-away"
    rnd = random.Random(6)
    for name in FILES:
        raw = (real / name).read_bytes()
        for cut in sorted(rnd.sample(range(len(raw)), 40)):
            _doc, problems = parse_yaml(raw[:cut], name)
            assert all(LINE.match(str(p)) for p in problems), problems
