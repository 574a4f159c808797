"""The settings file in the app: a remapped key works and the footer shows it; a theme of one's
own applies; a theme chosen in the app goes to the settings file, never the progress file."""
from __future__ import annotations

import json

from runaway_companion import config, state
from runaway_companion.progress import Position

from .helpers import screen_text, until


def _write(text: str) -> None:
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _footer(app) -> str:
    """The footer's line, as on screen."""
    return screen_text(app).splitlines()[-1]


async def test_a_remapped_key_moves_and_the_footer_shows_it(mini_pack, run_app):
    _write('[keys]\nstep-forward = "l"\nstep-back = "h,["\n')
    async with run_app(mini_pack, "2:mid", size=(120, 30)) as (app, pilot):
        # the step group shows its keys side by side: back, forward
        await until(pilot, lambda: "hl Step" in _footer(app), "the footer shows the new keys")
        assert "[] Step" not in _footer(app)
        await pilot.press("]", "l")  # the old key no longer steps: only l moves
        await until(pilot, lambda: app.position != Position(2, "mid"), "l stepped forward")
        assert app.position == Position(2, "late")
        await pilot.press("h")
        await until(pilot, lambda: app.position == Position(2, "mid"), "h stepped back")
        await pilot.press("left_square_bracket")  # the second key given for it works too
        await until(pilot, lambda: app.position == Position(2, "early"), "[ stepped back")


async def test_a_remapped_app_key_and_dialog_key_work(mini_pack, run_app):
    _write('[keys]\nprogress = "g"\npicker-cancel = "x"\n')
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await pilot.press("g")
        await until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        await pilot.press("x")
        await until(pilot, lambda: app.screen is app.main, "x closed the picker")


async def test_a_custom_theme_from_the_config_applies(mini_pack, run_app):
    _write('theme = "night"\n\n[themes.night]\nprimary = "#88c0d0"\n'
           'background = "#101418"\ndark = true\n')
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await until(pilot, lambda: app.theme == "night", "the custom theme is in use")
        assert "night" in app.available_themes
        variables = app.get_css_variables()
        assert variables["primary"].lower() == "#88c0d0"
        assert variables["background"].lower() == "#101418"
        assert app.screen.styles.background.hex.lower() == "#101418"


async def test_a_theme_chosen_in_the_app_is_saved_in_the_config_not_the_progress(
        mini_pack, run_app):
    _write('# mine\n[keys]\nquit = "q,ctrl+q"\n')
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        app.theme = "gruvbox"
        await until(pilot, lambda: config.load().theme == "gruvbox", "the theme is saved")
        await pilot.press("]")  # a save of the progress too
        await until(pilot, lambda: state.load_progress(mini_pack.id).position == Position(2, "late"),
                    "the progress is saved")
    assert config.load().keys == {"quit": "q,ctrl+q"}  # the rest of the file as it was
    assert config.config_path().read_text() == 'theme = "gruvbox"\n\n# mine\n[keys]\nquit = "q,ctrl+q"\n'
    saved = json.loads(state.state_path().read_text())
    assert "theme" not in saved


async def test_an_old_progress_file_theme_is_used_and_moved(mini_pack, run_app):
    state.save_progress(mini_pack.id, Position(2, "mid"))
    state.save_setting("theme", "dracula")
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await until(pilot, lambda: app.theme == "dracula", "the old theme is in use")
    assert config.load().theme == "dracula"
    assert state.load_setting("theme") is None


async def test_a_bad_config_is_a_warning_and_the_app_still_runs(mini_pack, run_app):
    _write('[keys]\nstep-fwd = "l"\n')
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await until(pilot, lambda: any(n.title == "Settings" for n in app._notifications),
                    "the warning toast")
        [note] = [n for n in app._notifications if n.title == "Settings"]
        assert "config.toml:2:" in note.message and "did you mean 'step-forward'" in note.message
        await pilot.press("]")
        await until(pilot, lambda: app.position == Position(2, "late"), "the default key works")


async def test_a_config_given_by_the_launcher_is_used_as_is(mini_pack, run_app, tmp_path):
    given = config.Config(tmp_path / "given.toml", theme="nord", keys={"step-forward": "f"})
    async with run_app(mini_pack, "2:mid", size=(100, 30), config=given) as (app, pilot):
        await until(pilot, lambda: app.theme == "nord", "its theme")
        await pilot.press("f")
        await until(pilot, lambda: app.position == Position(2, "late"), "its key")
        assert "f" in screen_text(app)
