"""Doors in the command line: author tools that spoil ask for it by name, a bare --episode means
the episode's start, and forward jumps of more than one checkpoint ask first (or say so)."""
from __future__ import annotations

import io
import json
import sys

import pytest

from runaway_companion import cli, state
from runaway_companion.cli import main
from runaway_companion.progress import Position

from conftest import MINI


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def saved(pack) -> Position:
    return state.load_progress(pack.id, pack.episode_count).position


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class _TtyStream:
    """The real stream (capsys's, when the test runs), saying it is a terminal."""

    def __init__(self, name: str):
        self._name = name

    def isatty(self) -> bool:
        return True

    def __getattr__(self, attr):
        return getattr(getattr(sys, self._name), attr)


class _TtySys:
    """``sys`` as runaway_companion.cli sees it: stdout a terminal (stdin a terminal when asked)."""

    def __init__(self, stdin_tty: bool):
        self.stdout = _TtyStream("stdout")
        self.stdin = _Tty() if stdin_tty else sys.stdin

    def __getattr__(self, attr):
        return getattr(sys, attr)


@pytest.fixture
def terminal(monkeypatch, capsys):
    """A terminal on both ends; answers() sets what the viewer types, prompts what was asked."""
    monkeypatch.setattr(cli, "sys", _TtySys(stdin_tty=True))
    asked: list[str] = []
    replies: list[str] = []

    def fake_input(prompt=""):
        asked.append(prompt)
        if not replies:
            raise AssertionError(f"asked unexpectedly: {prompt}")
        return replies.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)

    class T:
        prompts = asked

        @staticmethod
        def answers(*text):
            replies.extend(text)

    return T


# --- audit --------------------------------------------------------------------------------

def test_audit_without_spoilers_flag_or_position_refuses_in_one_line(capsys):
    code, out, err = run(capsys, ["audit", "--pack", str(MINI)])
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert "--spoilers" in err and "every reveal of the whole show" in err


def test_audit_json_without_spoilers_flag_refuses_too(capsys):
    code, out, _err = run(capsys, ["audit", "--pack", str(MINI), "--format", "json"])
    assert code == 2 and out == ""


def test_audit_with_spoilers_flag_lists_every_checkpoint(capsys):
    code, out, _err = run(capsys, ["audit", "--spoilers", "--pack", str(MINI)])
    assert code == 0 and "== 1:early" in out and "== 3:end" in out


@pytest.mark.parametrize("argv", [
    ["--episode", "2", "--at", "early", "audit", "--pack", str(MINI)],
    ["audit", "--pack", str(MINI), "--episode", "2", "--at", "early"],
    ["-e", "2", "audit", "--at", "early", "--pack", str(MINI)],
])
def test_audit_with_a_position_stops_there(capsys, mini_pack, argv):
    from leakcheck import hidden_texts

    code, out, err = run(capsys, argv)
    assert code == 0, err
    assert "== 2:early" in out and "== 2:mid" not in out and "== 3:" not in out
    leaked = sorted(t for t in hidden_texts(mini_pack, Position(2, "early")) if t in out)
    assert not leaked


def test_audit_json_with_a_position_stops_there(capsys):
    code, out, _err = run(capsys, ["audit", "--format", "json", "-e", "2", "--at", "early",
                                   "--pack", str(MINI)])
    data = json.loads(out)
    assert code == 0 and data["up_to"] == "2:early"
    assert [c["position"] for c in data["checkpoints"]][-1] == "2:early"
    assert len(data["checkpoints"]) == 5


def test_audit_position_past_the_last_episode_is_a_usage_error(capsys):
    code, out, err = run(capsys, ["audit", "-e", "9", "--pack", str(MINI)])
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "past the last episode" in err


def test_audit_help_describes_it_and_says_it_spoils(capsys):
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    out = capsys.readouterr().out
    assert "spoils the whole show" in out and "--spoilers" in out


# --- validate -----------------------------------------------------------------------------

def test_validate_prints_only_ok(capsys):
    code, out, _err = run(capsys, ["validate", str(MINI)])
    assert code == 0 and out == "ok\n"


def test_validate_totals_only_with_spoilers_flag(capsys, mini_pack):
    code, out, _err = run(capsys, ["validate", str(MINI), "--spoilers"])
    assert code == 0 and out.startswith("ok: ")
    assert f"{len(mini_pack.characters)} characters" in out


# --- a bare --episode N is the start of episode N ------------------------------------------

def test_bare_episode_means_its_start(capsys, mini_pack):
    code, out, _err = run(capsys, ["export", "--pack", str(MINI), "-e", "2"])
    assert code == 0
    _, start, _ = run(capsys, ["export", "--pack", str(MINI), "-e", "2", "--at", "start"])
    assert out == start
    _, end_of_1, _ = run(capsys, ["export", "--pack", str(MINI), "-e", "1", "--at", "end"])
    # the start of an episode shows exactly what the end of the one before did
    assert json.loads(out)["characters"] == json.loads(end_of_1)["characters"]
    leaked = [t for t in __import__("leakcheck").hidden_texts(mini_pack, Position(2, "start"))
              if t in out]
    assert not leaked


def test_bare_episode_for_progress_saves_its_start(capsys, mini_pack):
    code, out, _err = run(capsys, ["--episode", "1", "progress", "--pack", str(MINI)])
    assert code == 0 and out.startswith("Progress saved: 1:start")
    assert saved(mini_pack) == Position(1, "start")


def test_at_help_says_the_default_is_start(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "default: start" in out and "default: end" not in out


# --- companion progress N:C: a forward jump asks -------------------------------------------

def _set(pack, position: str) -> None:
    state.save_progress(pack.id, Position.parse(position))


@pytest.mark.parametrize("reply", ["n", "", "no", "maybe"])
def test_progress_forward_jump_in_a_terminal_kept_unless_yes(capsys, terminal, mini_pack, reply):
    _set(mini_pack, "1:early")
    terminal.answers(reply)
    code, out, err = run(capsys, ["progress", "3:end", "--pack", str(MINI)])
    assert terminal.prompts == ["Move your saved progress forward from 1:early to 3:end? "
                                "This shows everything up to 3:end. [y/N] "]
    assert code == 1 and "Progress saved" not in out
    assert len(err.splitlines()) == 1 and "1:early" in err
    assert saved(mini_pack) == Position(1, "early")


@pytest.mark.parametrize("reply", ["y", "yes", "Y", " YES "])
def test_progress_forward_jump_in_a_terminal_moves_on_yes(capsys, terminal, mini_pack, reply):
    _set(mini_pack, "1:early")
    terminal.answers(reply)
    code, out, _err = run(capsys, ["progress", "3:end", "--pack", str(MINI)])
    assert code == 0 and out.startswith("Progress saved: 3:end") and len(terminal.prompts) == 1
    assert saved(mini_pack) == Position(3, "end")


def test_progress_forward_jump_with_episode_flag_asks_too(capsys, terminal, mini_pack):
    _set(mini_pack, "1:early")
    terminal.answers("n")
    code, _out, _err = run(capsys, ["--episode", "3", "progress", "--pack", str(MINI)])
    assert code == 1 and len(terminal.prompts) == 1
    assert saved(mini_pack) == Position(1, "early")


def test_progress_forward_jump_with_yes_flag_never_asks(capsys, terminal, mini_pack):
    _set(mini_pack, "1:early")
    code, out, err = run(capsys, ["progress", "3:end", "--yes", "--pack", str(MINI)])
    assert code == 0 and terminal.prompts == [] and err == ""
    assert saved(mini_pack) == Position(3, "end")


def test_progress_forward_jump_end_of_input_keeps(capsys, terminal, mini_pack, monkeypatch):
    _set(mini_pack, "1:early")

    def eof(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    code, _out, _err = run(capsys, ["progress", "2:mid", "--pack", str(MINI)])
    assert code == 1 and saved(mini_pack) == Position(1, "early")


@pytest.mark.parametrize("start, target", [("2:mid", "2:late"), ("2:end", "3:start"),
                                           ("3:end", "1:early"), ("2:mid", "2:mid")])
def test_progress_asks_only_past_one_checkpoint_forward(capsys, terminal, mini_pack, start,
                                                        target):
    _set(mini_pack, start)
    code, out, err = run(capsys, ["progress", target, "--pack", str(MINI)])
    assert code == 0 and terminal.prompts == [] and err == ""
    assert saved(mini_pack) == Position.parse(target)
    # the boundary: two checkpoints forward from the same start asks
    _set(mini_pack, "2:mid")
    terminal.answers("n")
    code, _out, _err = run(capsys, ["progress", "2:end", "--pack", str(MINI)])
    assert code == 1 and len(terminal.prompts) == 1


def test_progress_forward_jump_without_a_terminal_moves_and_says_so(capsys, mini_pack):
    _set(mini_pack, "1:early")
    code, out, err = run(capsys, ["progress", "3:end", "--pack", str(MINI)])
    assert code == 0 and out.startswith("Progress saved: 3:end")
    assert len(err.splitlines()) == 1 and "1:early" in err and "3:end" in err
    assert saved(mini_pack) == Position(3, "end")


# --- launching the TUI far ahead opens at the saved position and asks ----------------------

@pytest.fixture
def fake_app(monkeypatch):
    """Replace the TUI with a recorder of how ``companion`` would have built it."""
    import gc

    import runaway_companion.tui as tui

    built: list[dict] = []

    class FakeApp:
        exit_warning = None
        return_code = 0

        def __init__(self, **kwargs):
            built.append(kwargs)

        def run(self):
            pass

        def flush_progress(self):
            pass

    monkeypatch.setattr(tui, "CompanionApp", FakeApp)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(cli, "sys", _TtySys(stdin_tty=False))
    return built


def test_launch_far_ahead_opens_at_saved_position_and_asks(capsys, fake_app, mini_pack):
    _set(mini_pack, "1:early")
    code, _out, _err = run(capsys, ["--pack", str(MINI), "--episode", "3", "--at", "end"])
    assert code == 0
    assert fake_app[0]["position"] == Position(1, "early")
    assert fake_app[0]["ask_to"] == Position(3, "end")
    assert saved(mini_pack) == Position(1, "early")


@pytest.mark.parametrize("start, argv, expect", [
    ("1:early", ["--episode", "1", "--at", "mid"], "1:mid"),
    ("2:end", ["--episode", "3"], "3:start"),
    ("3:end", ["--episode", "1"], "1:start"),
])
def test_launch_one_step_ahead_or_back_opens_there_without_asking(capsys, fake_app, mini_pack,
                                                                  start, argv, expect):
    _set(mini_pack, start)
    code, _out, _err = run(capsys, ["--pack", str(MINI), *argv])
    assert code == 0
    assert fake_app[0]["position"] == Position.parse(expect)
    assert fake_app[0]["ask_to"] is None
    assert saved(mini_pack) == Position.parse(expect)


# --- serve --------------------------------------------------------------------------------

def test_serve_passes_the_position_to_each_connection(capsys, monkeypatch):
    import runaway_companion.serve as serve_module

    seen = {}
    monkeypatch.setattr(serve_module, "serve", lambda **kw: seen.update(kw) or 0)
    code, _out, _err = run(capsys, ["serve", "--pack", str(MINI), "--episode", "3", "--at", "mid"])
    assert code == 0 and seen["position"] == Position(3, "mid")
    code, _out, _err = run(capsys, ["--episode", "2", "serve", "--pack", str(MINI)])
    assert code == 0 and seen["position"] == Position(2, "start")
    command = " ".join(serve_module.child_argv(None, Position(3, "mid")))
    assert "--episode 3 --at mid" in command


def test_serve_with_a_position_past_the_last_episode_is_a_usage_error(capsys):
    code, out, err = run(capsys, ["serve", "--pack", str(MINI), "--episode", "9"])
    assert code == 2 and len(err.splitlines()) == 1 and "past the last episode" in err


# --- help --------------------------------------------------------------------------------

def _helps(capsys) -> dict[str, str]:
    out = {}
    for argv in (["--help"], *([c, "--help"] for c in cli.COMMANDS),
                 *(["show", w, "--help"] for w in ("characters", "character", "relationships",
                                                   "threads", "episodes", "recap"))):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        out[" ".join(argv)] = capsys.readouterr().out
    return out


def test_every_help_names_nothing_from_the_shipped_pack_and_describes_audit(capsys, real_pack):
    words = set()
    for ch in real_pack.characters:
        for name in ch.names:
            words.update(w for w in name.text.split() if len(w) > 3)
    for thread in real_pack.threads:
        words.update(t.text for t in thread.titles)
    for ep in real_pack.episodes:
        if ep.title:
            words.add(ep.title.text)
    words -= set(real_pack.title.split())
    helps = _helps(capsys)
    assert "spoils" in helps["audit --help"]
    for argv, text in helps.items():
        found = sorted(w for w in words if w in text)
        assert not found, (argv, found)


def test_audit_and_validate_helps_name_their_spoilers_flag(capsys):
    helps = _helps(capsys)
    assert "--spoilers" in helps["audit --help"] and "--spoilers" in helps["validate --help"]
    assert "--yes" in helps["progress --help"]
    assert "--episode" in helps["serve --help"] and "--at" in helps["serve --help"]
