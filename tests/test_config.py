"""The settings file (runaway_companion/config.py): parsed to plain data, every mistake one line
with its line number, binding ids checked with close matches, the theme moved out of the
progress file once (never lost), written atomically. Headless: no Textual needed except where
the CLI checks what only Textual knows."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from runaway_companion import config, safeio, state
from runaway_companion.config import Config, ConfigError

from conftest import run_cli

LINE = re.compile(r"^companion: error: .*config\.toml:(\d+): .+ — .+$")


def write(text: str) -> Path:
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(text: str) -> ConfigError:
    write(text)
    with pytest.raises(ConfigError) as caught:
        config.load()
    return caught.value


# --- where ----------------------------------------------------------------------------------

def test_config_dir_follows_the_override_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(config.ENV_VAR, str(tmp_path / "elsewhere"))
    assert config.config_path() == tmp_path / "elsewhere" / "config.toml"


def test_config_dir_defaults_to_the_platform_user_config_folder(monkeypatch):
    from platformdirs import user_config_dir

    monkeypatch.delenv(config.ENV_VAR)
    assert config.config_dir() == Path(user_config_dir("companion", appauthor=False))


# --- parsing --------------------------------------------------------------------------------

def test_no_file_is_an_empty_config():
    loaded = config.load()
    assert (loaded.theme, loaded.keys, loaded.themes) == (None, {}, {})


def test_theme_keys_and_custom_themes_parse_to_plain_data():
    write('theme = "night"\n\n[keys]\nstep-forward = "l,]"\nquit = ["q", "ctrl+q"]\n\n'
          '[themes.night]\nprimary = "#88c0d0"\ndark = true\nluminosity_spread = 0.2\n'
          'variables = { "footer-key-foreground" = "#ffcc00" }\n')
    loaded = config.load()
    assert loaded.theme == "night"
    assert loaded.keys == {"step-forward": "l,]", "quit": "q,ctrl+q"}
    assert loaded.themes == {"night": {"primary": "#88c0d0", "dark": True,
                                       "luminosity_spread": 0.2,
                                       "variables": {"footer-key-foreground": "#ffcc00"}}}


def test_the_written_example_parses_and_sets_nothing():
    path, failed = config.init()
    assert failed is None and path == config.config_path()
    loaded = config.load()
    assert (loaded.theme, loaded.keys, loaded.themes) == (None, {}, {})


def test_init_never_overwrites_an_existing_file():
    write('theme = "nord"\n')
    _path, failed = config.init()
    assert failed and "exists already" in failed
    assert config.load().theme == "nord"


@pytest.mark.parametrize("text, line, words", [
    ('theme = nord\n', 1, "not valid TOML"),
    ('\n\n[keys\n', 3, "not valid TOML"),
    ('theme = "nord"\ncolour = "red"\n', 2, "unknown setting 'colour'"),
    ('thme = "nord"\n', 1, "did you mean 'theme'"),
    ('theme = 3\n', 1, "theme must be"),
    ('keys = "q"\n', 1, "keys must be a table"),
    ('[keys]\n\nquit = 3\n', 3, "must be text"),
    ('[keys]\nquit = "ctrl + q"\n', 2, "is not a list of keys"),
    ('[keys]\nquit = "q,,x"\n', 2, "is not a list of keys"),
    ('[themes.night]\ndark = true\n', 1, "has no primary colour"),
    ('[themes.night]\nprimary = "#000000"\nprimry = "#ffffff"\n', 3, "did you mean 'primary'"),
    ('[themes.night]\nprimary = "#000000"\ndark = "yes"\n', 3, "true or false"),
    ('[themes.night]\nprimary = 7\n', 2, "colour in quotes"),
    ('[themes.night]\nprimary = "#000000"\ntext_alpha = true\n', 3, "a number"),
])
def test_each_mistake_is_one_line_with_its_line_number(text, line, words):
    caught = error_of(text)
    shown = str(caught)
    assert caught.line == line
    assert "\n" not in shown
    assert re.match(rf"^.*config\.toml:{line}: .+ — .+$", shown), shown
    assert words in shown


def test_a_file_that_is_not_utf8_names_its_line():
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'theme = "nord"\n# caf\xe9\n')
    with pytest.raises(ConfigError) as caught:
        config.load()
    assert caught.value.line == 2 and "UTF-8" in str(caught.value)


def test_a_folder_in_place_of_the_file_is_one_line():
    config.config_path().mkdir(parents=True)
    with pytest.raises(ConfigError) as caught:
        config.load()
    assert "not a regular file" in str(caught.value)


# --- binding ids and theme names ------------------------------------------------------------

def test_unknown_binding_id_is_refused_with_close_matches():
    write('[keys]\nquit = "ctrl+q"\nstep-fwd = "l"\n')
    loaded = config.load()
    with pytest.raises(ConfigError) as caught:
        config.check_keys(loaded, ["quit", "step-forward", "step-back", "screenshot"])
    shown = str(caught.value)
    assert caught.value.line == 3
    assert "no key binding has the id 'step-fwd'" in shown
    assert "'step-forward'" in shown and "'step-back'" in shown and "'screenshot'" not in shown


def test_unknown_binding_id_without_a_close_match_points_at_the_list():
    write('[keys]\nzzzz = "l"\n')
    with pytest.raises(ConfigError) as caught:
        config.check_keys(config.load(), ["quit", "step-forward"])
    assert "companion config --keys" in str(caught.value)


def test_known_binding_ids_pass():
    write('[keys]\n"quit" = "ctrl+q"\n')
    config.check_keys(config.load(), ["quit"])


def test_unknown_theme_name_is_refused_with_close_matches():
    write('# mine\ntheme = "nrod"\n')
    with pytest.raises(ConfigError) as caught:
        config.check_theme(config.load(), ["nord", "gruvbox"])
    assert caught.value.line == 2 and "did you mean 'nord'" in str(caught.value)


def test_the_cli_checks_binding_ids_against_the_app_s_own():
    write('[keys]\nstep-forwrd = "l"\n')
    run = run_cli("config")
    assert run.returncode == 1
    assert LINE.match(run.stderr.strip()), run.stderr
    assert run.stderr.strip().endswith("did you mean 'step-forward'?")


@pytest.mark.parametrize("args", [("config",), ("--pack", "example"), ("serve", "--port", "1")])
def test_a_bad_config_is_one_line_and_exit_1_for_every_door(args):
    write('theme = "nord"\n[themes.x]\nprimary = "not-a-colour"\n')
    run = run_cli(*args)
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and LINE.match(lines[0]), run.stderr
    assert LINE.match(lines[0]).group(1) == "3"


def test_config_command_prints_the_path_and_ok():
    write('theme = "nord"\n')
    run = run_cli("config")
    assert run.returncode == 0
    assert run.stdout.splitlines() == [str(config.config_path()), "ok"]


def test_config_init_writes_the_example_once():
    first = run_cli("config", "--init")
    assert first.returncode == 0 and config.config_path().read_text() == config.EXAMPLE
    again = run_cli("config", "--init")
    assert again.returncode == 1 and "exists already" in again.stderr


def test_config_keys_lists_every_binding_id():
    run = run_cli("config", "--keys")
    ids = [line.split()[0] for line in run.stdout.splitlines()]
    assert run.returncode == 0
    assert {"quit", "screenshot", "step-forward", "step-back", "progress", "help"} <= set(ids)


def test_config_themes_lists_built_in_and_own_and_marks_the_chosen():
    write('theme = "night"\n[themes.night]\nprimary = "#88c0d0"\n')
    run = run_cli("config", "--themes")
    assert run.returncode == 0
    assert "  nord" in run.stdout.splitlines()
    assert "* night  (yours)" in run.stdout.splitlines()


def test_where_names_the_config_file():
    run = run_cli("where")
    assert f"config:   {config.config_path()}" in run.stdout


# --- saving the theme ---------------------------------------------------------------------------

def test_save_theme_makes_the_file_when_there_is_none():
    assert config.save_theme("nord") is None
    assert config.config_path().read_text() == 'theme = "nord"\n'


def test_save_theme_keeps_every_other_line_and_comment():
    original = ('# my settings\ntheme = "nord"   # was gruvbox\n\n# my keys\n[keys]\n'
                'quit = "ctrl+q"\n')
    write(original)
    assert config.save_theme("dracula") is None
    after = config.config_path().read_text()
    assert after == original.replace('theme = "nord"   # was gruvbox', 'theme = "dracula"')


def test_save_theme_into_the_example_adds_one_line_above_the_tables():
    config.init()
    assert config.save_theme("gruvbox") is None
    text = config.config_path().read_text()
    assert text.replace('theme = "gruvbox"\n\n', "", 1) == config.EXAMPLE
    assert tomllib.loads(text) == {"theme": "gruvbox", "keys": {}}


def test_save_theme_refuses_to_touch_a_broken_file():
    write('theme = \n')
    warning = config.save_theme("nord")
    assert warning and "config.toml:1" in warning
    assert config.config_path().read_text() == 'theme = \n'


def test_save_theme_is_atomic_a_failed_write_leaves_the_old_file(monkeypatch):
    write('theme = "nord"\n[keys]\nquit = "ctrl+q"\n')

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    warning = config.save_theme("dracula")
    assert warning and "No space left" in warning
    assert config.load().theme == "nord"
    assert [p.name for p in config.config_dir().iterdir()] == ["config.toml"]  # no temp left


def test_write_atomic_replaces_whole_and_reports_failure_in_one_line(tmp_path):
    target = tmp_path / "deep" / "file.txt"
    assert safeio.write_atomic(target, "one\n") is None
    assert safeio.write_atomic(target, "two\n") is None
    assert target.read_text() == "two\n"
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    failed = safeio.write_atomic(blocked / "x.txt", "x")
    assert failed and "\n" not in failed and "could not write" in failed


# --- the theme moves out of the progress file ----------------------------------------------------

def _state_file() -> dict:
    return json.loads(state.state_path().read_text())


def test_old_progress_file_theme_moves_to_the_config_once():
    state.save_progress("mini", state.Position(2, "mid"))
    state.save_setting("theme", "gruvbox")
    assert config.migrate_theme() is None
    assert config.load().theme == "gruvbox"
    assert _state_file() == {"version": 1, "progress": {"mini": "2:mid"}}
    # once: nothing left to move, the config untouched
    before = config.config_path().read_text()
    assert config.migrate_theme() is None
    assert config.config_path().read_text() == before


def test_a_theme_already_in_the_config_wins_over_the_old_one():
    write('theme = "nord"\n')
    state.save_setting("theme", "gruvbox")
    assert config.migrate_theme() is None
    assert config.load().theme == "nord"
    assert "theme" not in _state_file()


def test_migration_never_loses_the_theme_when_the_config_cannot_be_written(monkeypatch):
    state.save_setting("theme", "gruvbox")
    monkeypatch.setattr(config, "save_theme", lambda name, path=None: "could not write x")
    warning = config.migrate_theme()
    assert warning and "kept your theme" in warning
    assert state.load_setting("theme") == "gruvbox"  # still in the progress file


def test_migration_leaves_the_theme_where_it_is_when_the_config_is_broken():
    write('theme = = \n')
    state.save_setting("theme", "gruvbox")
    warning = config.migrate_theme()
    assert warning and "config.toml:1" in warning
    assert state.load_setting("theme") == "gruvbox"
    assert config.config_path().read_text() == 'theme = = \n'


def test_migration_interrupted_after_the_config_write_finishes_next_time(monkeypatch):
    state.save_setting("theme", "gruvbox")
    drop = state.drop_setting
    monkeypatch.setattr(state, "drop_setting", lambda name: "could not save progress")
    assert config.migrate_theme() == "could not save progress"
    assert config.load().theme == "gruvbox" and state.load_setting("theme") == "gruvbox"
    monkeypatch.setattr(state, "drop_setting", drop)  # the next launch
    assert config.migrate_theme() is None
    assert config.load().theme == "gruvbox" and state.load_setting("theme") is None


def test_config_module_imports_without_textual():
    code = ("import sys, runaway_companion.config\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'textual']\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_config_error_carries_path_line_what_and_fix(tmp_path):
    exc = Config(tmp_path / "config.toml", text="a = 1\n[keys]\nq = 'x'\n").error(
        "keys", "q", "what", "fix")
    assert (exc.line, exc.what, exc.fix) == (3, "what", "fix")
    assert str(exc) == f"{tmp_path / 'config.toml'}:3: what — fix"
