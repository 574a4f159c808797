"""The generic leak test: at every checkpoint of every episode, nothing dated later appears in
`export` (JSON or Markdown), and everything dated up to that checkpoint is there."""
from __future__ import annotations

import json

import pytest

from runaway_companion.export import to_json, to_json_dict, to_markdown
from runaway_companion.progress import all_positions
from runaway_companion.view import View
from conftest import MINI, run_cli
from leakcheck import hidden_texts


def _check(pack):
    checked = 0
    for position in all_positions(pack.episode_count):
        view = View(pack, position)
        outputs = (to_json(view), to_markdown(view))
        hidden = hidden_texts(pack, position)
        for out in outputs:
            leaked = sorted(h for h in hidden if h in out)
            assert not leaked, f"at {position}: {leaked[:5]}"
            checked += len(hidden)
        # unstarted episodes are only "Episode N"
        for ep in to_json_dict(view)["episodes"]:
            if ep["number"] > position.episode or (ep["number"] == position.episode
                                                   and position.checkpoint == "start"):
                assert ep["title"] is None and ep["recap"] == []
    return checked


def test_no_future_text_in_any_export_of_the_canary_pack(mini_pack):
    assert _check(mini_pack) > 0


def test_no_future_text_in_any_export_of_the_run_away_pack(real_pack):
    assert _check(real_pack) > 0


def test_everything_due_is_exported(real_pack):
    for position in all_positions(real_pack.episode_count):
        view = View(real_pack, position)
        data = to_json_dict(view)
        # every visible character is there with its name as known then, every due fact present
        assert [c["id"] for c in data["characters"]] == [c.id for c in view.characters]
        for ch in real_pack.characters:
            if ch.appears.at <= position:
                exported = next(c for c in data["characters"] if c["id"] == ch.id)
                due = [f.text for f in ch.facts if f.at <= position]
                assert sorted(exported["facts"]) == sorted(due)
            else:
                assert ch.id not in [c["id"] for c in data["characters"]]


@pytest.mark.parametrize("position", ["1:start", "2:mid", "3:mid"])
def test_canary_tokens_stay_out_of_the_cli_export(position):
    for fmt in ("json", "markdown"):
        episode, at = position.split(":")
        out = run_cli("export", "--format", fmt, "--pack", str(MINI), "-e", episode, "--at", at).stdout
        for token in ("Papa Canary", "Canary fact", "Canary resolution"):
            assert token not in out
    data = json.loads(run_cli("export", "--pack", str(MINI), "-e", "3", "--at", "end").stdout)
    assert "Papa Canary" in data["characters"][2]["aliases"]
