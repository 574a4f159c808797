"""A damaged progress file is said inside the TUI (a toast), not only on stderr after quitting."""
from __future__ import annotations

import pytest

from runaway_companion import state

from .helpers import until


@pytest.mark.asyncio
async def test_a_damaged_progress_file_is_shown_as_a_toast_in_the_tui(real_pack, make_app):
    path = state.state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ this is not json", encoding="utf-8")
    loaded = state.load_progress(real_pack.id, real_pack.episode_count)
    assert loaded.warning
    app = make_app(real_pack, loaded.position, save=False, notices=(loaded.warning,))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: any(n.message == loaded.warning and n.severity == "warning"
                                        for n in app._notifications), "the warning as a toast")


def test_the_launcher_hands_a_progress_warning_to_the_app(real_pack, monkeypatch, capsys):
    """`companion` with a damaged progress file: the warning goes to stderr and into the app."""
    from runaway_companion import cli
    from runaway_companion.tui import CompanionApp

    path = state.state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ this is not json", encoding="utf-8")
    seen = []
    monkeypatch.setattr(CompanionApp, "run", lambda self, **_: seen.extend(self.notices))
    monkeypatch.setattr(cli, "_web_driver", lambda: True)  # past the "needs a terminal" check
    assert cli.main([]) == 0
    assert len(seen) == 1 and "damaged" in seen[0]
    assert "damaged" in capsys.readouterr().err
