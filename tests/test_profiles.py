"""Profiles: each person's own saved progress; names can't reach outside the state folder; the
default profile keeps the file it always had; together mode shows the earliest member's point."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from runaway_companion import state, together
from runaway_companion.cli import main
from runaway_companion.progress import Position, all_positions


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_default_profile_keeps_the_file_saved_before_profiles(monkeypatch):
    monkeypatch.delenv(state.PROFILE_ENV, raising=False)
    assert state.state_path() == state.state_dir() / "state.json"
    state.state_path().parent.mkdir(parents=True, exist_ok=True)
    state.state_path().write_text(json.dumps({"version": 1, "progress": {"run-away": "3:mid"}}))
    assert state.load_progress("run-away", 8).position == Position(3, "mid")


def test_each_profile_saves_and_loads_its_own_progress(monkeypatch):
    for name, pos in (("ana", Position(6, "late")), ("ben", Position(4, "end"))):
        monkeypatch.setenv(state.PROFILE_ENV, name)
        assert state.save_progress("run-away", pos) is None
    monkeypatch.delenv(state.PROFILE_ENV)
    assert state.load_progress("run-away", 8).saved is False
    assert state.load_progress("run-away", 8, profile="ana").position == Position(6, "late")
    assert state.load_progress("run-away", 8, profile="ben").position == Position(4, "end")
    assert state.profiles() == ["default", "ana", "ben"]


@given(st.text(max_size=40))
def test_a_profile_name_never_leaves_the_profiles_folder(name):
    try:
        path = state.profile_path(name)
    except state.ProfileError as exc:
        assert "\n" not in str(exc)
        return
    root = state.state_dir()
    assert path.parent in (root, root / state.PROFILES_DIR)
    assert path.name.count(".") == 1 and "/" not in path.stem and path.stem.isascii()


@pytest.mark.parametrize("bad", ["../x", "a/b", ".", "", "x" * 33, "ana.json", "٣"])
def test_a_bad_profile_name_is_one_line_and_exit_2(capsys, bad):
    code, out, err = run(capsys, ["progress", "--profile", bad])
    assert code == 2 and out == "" and err.count("\n") == 1 and "profile name" in err


def test_a_bad_profile_in_the_environment_is_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.setenv(state.PROFILE_ENV, "../../etc")
    code, out, err = run(capsys, ["progress"])
    assert code == 2 and err.count("\n") == 1


def test_profiles_lists_everyone_and_marks_the_one_in_use(capsys):
    run(capsys, ["progress", "2:mid", "--profile", "ana", "--yes"])
    code, out, _ = run(capsys, ["profiles", "--profile", "ana"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["default", "nothing", "saved", "yet"]
    assert lines[1].startswith("* ana") and "2:mid" in lines[1]


@given(st.lists(st.sampled_from(all_positions(8)), min_size=2, max_size=4),
       st.sampled_from(all_positions(8)))
def test_together_shows_the_earliest_and_never_moves_anyone_back(positions, target):
    household = together.Together(tuple(together.Member(f"p{i}", p, True)
                                        for i, p in enumerate(positions)))
    assert household.position == min(positions)
    moved, who = household.moved_to(target)
    for before, after in zip(household.members, moved.members):
        assert after.position == max(before.position, target)
        assert (before.profile in who) == (before.position < target)
    assert moved.position >= household.position


def test_show_together_is_at_the_earliest_profile(capsys):
    run(capsys, ["progress", "6:late", "--profile", "ana", "--yes"])
    run(capsys, ["progress", "4:end", "--profile", "ben", "--yes"])
    code, out, err = run(capsys, ["show", "characters", "--together", "ana,ben"])
    assert code == 0 and "Episode 4 · finished" in out.splitlines()[0]
    assert "Together: ana 6:late · ben 4:end — showing 4:end" in err


def test_export_together_is_at_the_earliest_profile(capsys):
    run(capsys, ["progress", "2:end", "--profile", "ana", "--yes"])
    run(capsys, ["progress", "5:mid", "--profile", "ben", "--yes"])
    code, out, _ = run(capsys, ["export", "--together", "ana,ben"])
    assert code == 0 and json.loads(out)["progress"] == {"episode": 2, "at": "end"}


def test_moving_together_moves_only_who_is_behind(capsys):
    run(capsys, ["progress", "6:late", "--profile", "ana", "--yes"])
    run(capsys, ["progress", "4:end", "--profile", "ben", "--yes"])
    code, out, _ = run(capsys, ["progress", "5:start", "--together", "ana,ben"])
    assert code == 0 and "moved ben" in out
    assert state.load_progress("run-away", 8, profile="ana").position == Position(6, "late")
    assert state.load_progress("run-away", 8, profile="ben").position == Position(5, "start")


@pytest.mark.parametrize("argv, needle", [
    (["show", "characters", "--together", "ana"], "two or more"),
    (["show", "characters", "--together", "ana,ana"], "twice"),
    (["show", "characters", "--together", "ana,../b"], "profile name"),
    (["show", "characters", "--together", "ana,ben", "--profile", "ana"], "not both"),
    (["show", "characters", "--together", "ana,ben", "--episode", "3"], "either --together"),
])
def test_together_misuse_is_one_line_and_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, argv)
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1


def test_serve_passes_together_to_every_session_and_checks_it_first(capsys):
    from runaway_companion import serve as serve_module

    argv = serve_module.child_argv(None, None, "ana,ben")
    assert argv[3:] == ["--together", "ana,ben"]
    for bad, needle in ((["serve", "--together", "ana"], "two or more"),
                        (["serve", "--together", "ana,ben", "--episode", "2"], "either --together"),
                        (["serve", "--profile", "../x"], "profile name")):
        code, out, err = run(capsys, bad)
        assert code == 2 and needle in err and err.count("\n") == 1
