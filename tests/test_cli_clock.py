"""The time on the player as a position: `--at 34:10` and `progress N@34:10` round down, say
what they became, and refuse a time past the episode in one line."""
from __future__ import annotations

import pytest

from runaway_companion import state
from runaway_companion.cli import main
from runaway_companion.pack import load_pack, shipped_pack

EXAMPLE = str(shipped_pack("example"))


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_player_time_opens_the_checkpoint_safely_behind_it(capsys):
    # episode 1 of the example runs 44 minutes: 40:00 is 91 %, past late (75 % + the margin)
    code, out, err = run(capsys, ["show", "characters", "--pack", EXAMPLE, "--episode", "1", "--at", "40:00"])
    assert code == 0
    assert "Episode 1 · three quarters in" in out
    assert "40:00 into episode 1 → 1:late" in err and "approximate" in err


def test_a_time_just_past_a_nominal_checkpoint_stays_before_it(capsys):
    # 24:00 of 44:00 is 55 %: past "halfway" by the clock, not yet by the margin
    code, out, err = run(capsys, ["show", "characters", "--pack", EXAMPLE, "-e", "1", "--at", "24m"])
    assert code == 0 and "1:early" in err and "about a quarter in" in out


def test_a_time_past_the_runtime_is_one_line_and_exit_2(capsys):
    code, out, err = run(capsys, ["show", "characters", "--pack", EXAMPLE, "-e", "1", "--at", "45:00"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "past the end of episode 1" in err and "1:end" in err


def test_an_unknown_runtime_is_counted_against_the_upper_bound(capsys):
    code, out, err = run(capsys, ["show", "characters", "--episode", "2", "--at", "34:10"])
    assert code == 0
    assert "34:10 into episode 2 → 2:early" in err and "runtime is unknown" in err


@pytest.mark.parametrize("bad", ["34:70", "٣٤:10", "half"])
def test_a_bad_time_is_one_line_and_exit_2(capsys, bad):
    code, out, err = run(capsys, ["show", "characters", "--pack", EXAMPLE, "-e", "1", "--at", bad])
    assert code == 2 and out == "" and err.count("\n") == 1


def test_progress_takes_a_player_time_after_an_at_sign(capsys):
    pack = load_pack(EXAMPLE)
    code, out, err = run(capsys, ["progress", "2@30:00", "--pack", EXAMPLE, "--yes"])
    assert code == 0, err
    # 30:00 of 46:00 is 65 %: halfway, safely
    assert state.load_progress(pack.id, pack.episode_count).position.checkpoint == "mid"
    assert "Progress saved: 2:mid" in out and "30:00 into episode 2" in err


def test_progress_with_a_checkpoint_after_an_at_sign_is_unchanged(capsys):
    code, out, _ = run(capsys, ["progress", "2@late", "--pack", EXAMPLE, "--yes"])
    assert code == 0 and "Progress saved: 2:late" in out


def test_a_runtime_that_is_not_a_duration_is_a_pack_problem(tmp_path):
    import shutil

    from runaway_companion.pack import PackError

    copy = tmp_path / "p"
    shutil.copytree(EXAMPLE, copy)
    show = copy / "show.yaml"
    show.write_text(show.read_text().replace("runtime: 46", "runtime: soon", 1))
    with pytest.raises(PackError) as info:
        load_pack(copy)
    assert any("runtime 'soon' is not a duration" in str(p) and ":" in str(p) for p in info.value.problems)
