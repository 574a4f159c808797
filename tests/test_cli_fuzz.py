"""Bad command-line arguments: the right output, or one clear line on stderr and exit 2.

Generated ``--episode``/``--at`` values, ``progress`` positions and ``show character`` names run
in-process through ``runaway_companion.cli.main`` (fast), compared with what the View says; a handful run
through real subprocesses (argv bytes that are not UTF-8, values with line breaks, 5,000-digit
numbers) to prove there is no traceback there either.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runaway_companion import state
from runaway_companion.cli import main
from runaway_companion.clock import ClockError, looks_like_time, position_at
from runaway_companion.pack import load_pack
from runaway_companion.progress import CHECKPOINTS, Position, PositionError
from runaway_companion.view import View
from conftest import MINI, run_cli
from leakcheck import hidden_texts

PACK = load_pack(MINI)
CLI = settings(max_examples=150, deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

EPISODES = st.one_of(
    st.sampled_from(["1", "2", "3", "0", "4", "9", "-1", " 2", "2 ", "٢", "+2", "2_0", "two", "",
                     "1e3", "2.0", "0x2", "1" * 5000, "99999999999999999999", "3\n", "2\x00"]),
    st.integers(-3, 12).map(str), st.text(max_size=6))
ATS = st.one_of(
    st.sampled_from([*CHECKPOINTS, "END", " mid ", "Late", "soon", "", "start\n", "so\non",
                     "ｍｉｄ", "mid\u2028", "-x", "--", "[bold]", "e\u0301nd"]),
    st.text(max_size=6))
KNOWN_NAMES = sorted({n.text for ch in PACK.characters for n in ch.names}
                     | {w for ch in PACK.characters for n in ch.names for w in n.text.split()})
NAMES = st.one_of(st.sampled_from(KNOWN_NAMES),
                  st.sampled_from(["nobody", "ALICE", "moon", "the", "Papa", "Canary", "[/x]",
                                   "-", "-x", "--", "a\nb", "'", "", " "]),
                  st.text(min_size=0, max_size=12))


def expected_position(episode: str | None, at: str | None) -> Position | None:
    """The position ``--episode EPISODE --at AT`` asks for, or None if it is a usage error."""
    try:
        if episode is not None and not episode.strip().isascii():  # only ASCII digits
            raise ValueError
        number = int(episode) if episode is not None else None
    except ValueError:
        return None
    if number is None or number < 1 or number > PACK.episode_count:
        return None
    cp = "start" if at is None else at.strip().lower()
    if cp not in CHECKPOINTS and looks_like_time(cp):  # a playback time (see test_clock.py)
        runtime = next((e.runtime_s for e in PACK.episodes if e.number == number), None)
        try:
            return position_at(number, cp, runtime).position
        except ClockError:
            return None
    return Position(number, cp) if cp in CHECKPOINTS else None


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:  # only --help / --version end this way
        code = exc.code
        assert code == 0, (argv, code)
        assert any(a in ("-h", "--help", "--version") for a in argv), argv
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, (argv, err)
    return code, out, err


def assert_usage_error(code: int, out: str, err: str, argv) -> None:
    assert code == 2, (argv, code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: error: "), (argv, err)
    assert not out, (argv, out)


def _position_flags(draw_e, draw_a) -> list[str]:
    flags = []
    if draw_e is not None:
        flags += ["--episode", draw_e]
    if draw_a is not None:
        flags += ["--at", draw_a]
    return flags


def _quiet(err: str) -> bool:
    """Nothing on stderr but, for --at TIME, the one line saying what the time became."""
    return not err or (err.count("\n") == 1 and " into episode " in err)


class _OneValue(argparse.ArgumentParser):
    """A parser with one positional value, to ask argparse itself what it reads as an option."""

    def error(self, message):
        raise ValueError(message)


def _looks_like_a_flag(value: str | None) -> bool:
    """argparse reads a value starting with '-' as an option unless it looks like a negative
    number to argparse (``-1``, ``-.5``; not ``-inf``) — asked of argparse, whose rule varies by
    Python version."""
    if value is None or not value.startswith("-"):
        return False
    parser = _OneValue(add_help=False)
    parser.add_argument("value")
    try:
        parser.parse_args([value])
    except ValueError:
        return True
    return False


@CLI
@given(episode=st.none() | EPISODES, at=st.none() | ATS, before=st.booleans(),
       what=st.sampled_from(["characters", "relationships", "threads", "episodes", "recap"]))
def test_show_with_generated_positions(capsys, monkeypatch, episode, at, before, what):
    monkeypatch.setenv("COLUMNS", "200")
    flags = _position_flags(episode, at)
    argv = (flags + ["show", what] if before else ["show", what] + flags) + ["--pack", str(MINI)]
    code, out, err = run(capsys, argv)
    if _looks_like_a_flag(episode) or _looks_like_a_flag(at):
        assert_usage_error(code, out, err, argv)
        return
    if episode is None:
        if at is not None:
            assert_usage_error(code, out, err, argv)  # --at needs --episode
            return
        position = state.load_progress(PACK.id, PACK.episode_count).position
    else:
        position = expected_position(episode, at)
        if position is None:
            assert_usage_error(code, out, err, argv)
            return
    assert code == 0 and _quiet(err), (argv, code, err)
    assert position.describe() in out, (argv, out[:200])
    view = View(PACK, position)
    if what == "characters":
        for c in view.characters:
            assert c.name in out, (argv, c.name)
    leaked = sorted(h for h in hidden_texts(PACK, position) if h in out)
    assert not leaked, (argv, leaked)


@CLI
@given(name=st.lists(NAMES, min_size=1, max_size=3), episode=EPISODES.filter(
    lambda e: expected_position(e, None) is not None) | st.none(), at=st.none() | st.sampled_from(CHECKPOINTS))
def test_show_character_with_generated_names(capsys, monkeypatch, name, episode, at):
    monkeypatch.setenv("COLUMNS", "200")
    if episode is None:
        at = None
    argv = ["show", "character", *name, "--pack", str(MINI), *_position_flags(episode, at)]
    code, out, err = run(capsys, argv)
    if any(_looks_like_a_flag(n) or n == "--" for n in name):
        assert code in (1, 2), (argv, code)
        if code == 2:
            assert_usage_error(code, out, err, argv)
        return
    position = (expected_position(episode, at) if episode is not None
                else state.load_progress(PACK.id, PACK.episode_count).position)
    view = View(PACK, position)
    query = " ".join(name)
    found = view.find_characters(query)
    assert _quiet(err), (argv, err)
    if len(found) == 1:
        assert code == 0 and found[0].name in out, (argv, out)
        leaked = sorted(h for h in hidden_texts(PACK, position) if h in out)
        assert not leaked, (argv, leaked)
    else:
        assert code == 1, (argv, code, out)
        if not found:  # a hidden name gets the answer a name that never existed gets
            _c, never, _e = run(capsys, ["show", "character", "Qwyx", "--pack", str(MINI),
                                         "--episode", str(position.episode), "--at",
                                         position.checkpoint])
            assert out == never.replace("'Qwyx'", f"'{query}'"), (argv, out)


POSITIONS = st.one_of(
    st.sampled_from(["2:late", "2 late", "2@mid", "2", "3:end", "1:start", "0:end", "4:end",
                     "2:soon", "banana", "", ":", "2:", ":mid", "2:late:x", "٢:mid", " 3 : end ",
                     "2\n:late", "9" * 5000, "-1", "-x", "2:LATE"]),
    st.text(max_size=8))


@CLI
@given(value=POSITIONS, also_episode=st.booleans())
def test_progress_with_generated_positions(capsys, value, also_episode):
    argv = ["progress", value, "--pack", str(MINI), "--yes"] + (
        ["--episode", "2"] if also_episode else [])
    if value in ("-y", "--y", "--ye", "--yes", "-h", "--h", "--he", "--hel", "--help"):
        return  # the flag itself, not a position
    before = state.load_progress(PACK.id, PACK.episode_count).position
    code, out, err = run(capsys, argv)
    episode_text, sep, after_at = value.strip().partition("@")
    try:
        if sep and looks_like_time(after_at):  # N@TIME: the player's clock (test_clock.py)
            expected = expected_position(episode_text, after_at)
            if expected is None:
                raise PositionError
        else:
            expected = Position.parse(value)
            expected.check_within(PACK.episode_count)
    except PositionError:
        expected = None
    after = state.load_progress(PACK.id, PACK.episode_count).position
    if also_episode or expected is None or _looks_like_a_flag(value):
        assert_usage_error(code, out, err, argv)
        assert after == before, "a refused position was saved"
        return
    assert code == 0 and (not err or (sep and " into episode " in err)), (argv, err)
    assert out == f"Progress saved: {expected} ({expected.describe()})\n"
    assert after == expected


@CLI
@given(episode=EPISODES, at=st.none() | ATS)
def test_export_with_generated_positions(capsys, episode, at):
    argv = ["export", "--pack", str(MINI), *_position_flags(episode, at)]
    code, out, err = run(capsys, argv)
    position = None if _looks_like_a_flag(episode) or _looks_like_a_flag(at) \
        else expected_position(episode, at)
    if position is None:
        assert_usage_error(code, out, err, argv)
        return
    assert code == 0 and _quiet(err)
    data = json.loads(out)
    assert data["progress"] == {"episode": position.episode, "at": position.checkpoint}
    leaked = sorted(h for h in hidden_texts(PACK, position) if h in out)
    assert not leaked, (argv, leaked)


# --- a few through real processes ----------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["show", "characters", "--episode", "1", "--at", "so\non"],
    ["progress", "2\n:x"],
    ["export", "--bogus", "x\ny"],
    ["--episode", "1" * 5000, "export"],
    ["show", "character", "--episode", "\u2028", "alice"],
], ids=["newline-in-at", "newline-in-position", "newline-in-unknown-flag", "5000-digits",
        "line-separator"])
def test_usage_errors_in_a_real_process_are_one_line(args):
    proc = run_cli(*args, "--pack", str(MINI))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: error: "), proc.stderr


def test_argv_that_is_not_utf8_is_answered_not_crashed():
    """Bytes from a shell that are not UTF-8 arrive as surrogates; both streams must cope."""
    for args in ([b"show", b"character", b"\xff\xfe"], [b"--episode", b"\xff", b"export"],
                 [b"progress", b"\xff:end"]):
        proc = subprocess.run([sys.executable.encode(), b"-m", b"runaway_companion", *args, b"--pack",
                               str(MINI).encode()], capture_output=True, timeout=60)
        assert proc.returncode in (1, 2), (args, proc.stderr)
        assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
        assert len((proc.stdout + proc.stderr).splitlines()) == 1


# --- generated packs through every show command ------------------------------------------

@settings(CLI, max_examples=40)
@given(seed=st.integers(0, 2**32), width=st.sampled_from(["60", "200"]),
       what=st.sampled_from(["characters", "relationships", "threads", "episodes", "recap"]))
def test_every_show_command_on_generated_packs(tmp_path_factory, capsys, monkeypatch, seed,
                                               width, what):
    import random

    from packgen import make_pack, write_pack

    monkeypatch.setenv("COLUMNS", width)
    rnd = random.Random(seed)
    path = write_pack(tmp_path_factory.mktemp("gen"), make_pack(rnd), rnd)
    pack = load_pack(path)
    position = rnd.choice([Position(e, c) for e in range(1, pack.episode_count + 1)
                           for c in CHECKPOINTS])
    code, out, err = run(capsys, ["show", what, "--pack", str(path), "--episode",
                                  str(position.episode), "--at", position.checkpoint])
    assert code == 0 and not err, (seed, err)
    leaked = sorted(h for h in hidden_texts(pack, position) if h in out)
    assert not leaked, (seed, position, leaked)


def test_pack_text_that_looks_like_markup_is_printed_as_text(tmp_path, capsys, monkeypatch):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    chars = pack / "characters.yaml"
    chars.write_text(chars.read_text().replace('"Alice Moon"', '"Alice [/x] Moon"')
                     .replace('"Worried sister"', '"Worried [bold]sister"'))
    for width in ("60", "200"):
        monkeypatch.setenv("COLUMNS", width)
        code, out, err = run(capsys, ["show", "characters", "--pack", str(pack), "-e", "1", "--at", "end"])
        assert code == 0 and "Alice [/x] Moon" in out and "Worried [bold]sister" in out, width
        code, out, err = run(capsys, ["show", "character", "alice", "--pack", str(pack), "-e", "1",
                                      "--at", "end"])
        assert code == 0 and "Alice [/x] Moon" in out and "Worried [bold]sister" in out, width


# --- the parser built for one subcommand answers exactly as the whole one ------------------

_TOKENS = ["show", "characters", "character", "relationships", "threads", "episodes", "recap",
           "progress", "export", "validate", "audit", "where", "serve", "--pack", "--pa", "--epi",
           "--episode", "-e", "-e3", "--episode=2", "--at", "end", "mid", "3", "0", "x", "--format",
           "json", "text", "--host", "--port", "80", "Simon", "--bogus", "-", "--", "--at=late", "-3", "-1.5", "--vers", "-h"]


@settings(max_examples=400, deadline=None)
@given(argv=st.lists(st.sampled_from(_TOKENS), max_size=6))
def test_a_parser_for_one_command_answers_as_the_whole_parser(argv):
    from runaway_companion.cli import UsageError, _command_of, build_parser

    def answer(parser):
        try:
            return ("ok", vars(parser.parse_args(argv)))
        except UsageError as exc:
            return ("error", str(exc))
        except SystemExit as exc:  # --help, --version
            return ("exit", exc.code)

    assert answer(build_parser(_command_of(argv))) == answer(build_parser())
