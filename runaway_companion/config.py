"""The user's settings: ``config.toml`` in the user config folder (``companion config`` prints
where; $COMPANION_CONFIG_DIR overrides it). Headless: it returns plain data — the TUI turns it
into Textual themes and a keymap (runaway_companion/tui/settings.py).

The file, every part optional::

    theme = "nord"               # a built-in Textual theme, or one of [themes.NAME]

    [keys]                       # binding id = "key[,key…]" (Textual's keymap)
    step-forward = "right_square_bracket,l"

    [themes.night]               # a theme of your own: textual.theme.Theme's fields
    primary = "#88c0d0"
    dark = true

A mistake in it is one line, ``…/config.toml:LINE: what — fix`` (:class:`ConfigError`); the
command line exits non-zero on it, never with a traceback. The theme the app used to keep in
the progress file moves here once (:func:`migrate_theme`), atomically, never lost.
"""
from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

ENV_VAR = "COMPANION_CONFIG_DIR"
FILENAME = "config.toml"
MAX_CONFIG_BYTES = 256_000
TOP_LEVEL = ("theme", "keys", "themes")
COLOR_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground",
                "background", "surface", "panel", "boost")
# a [themes.NAME] field -> the type it takes (Textual's Theme dataclass)
THEME_FIELDS: dict[str, tuple[type, ...]] = {
    **{name: (str,) for name in COLOR_FIELDS},
    "dark": (bool,), "luminosity_spread": (int, float), "text_alpha": (int, float),
    "variables": (dict,),
}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_KEY_RE = re.compile(r"^\S+$")


def config_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("companion", appauthor=False))


def config_path() -> Path:
    return config_dir() / FILENAME


class ConfigError(ValueError):
    """A mistake in the config file: ``path:LINE: what — fix``, one line."""

    def __init__(self, path: Path | str, line: int, what: str, fix: str) -> None:
        self.path, self.line, self.what, self.fix = Path(path), line, what, fix
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = str(self.path).replace("\n", " ")
        return f"{shown}:{self.line}: {self.what} — {self.fix}"


@dataclass(frozen=True)
class Config:
    """What the file says (all plain data). ``keys``: binding id -> Textual key string;
    ``themes``: name -> the keyword arguments of ``textual.theme.Theme`` (without ``name``)."""

    path: Path
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    themes: dict[str, dict] = field(default_factory=dict)
    text: str = ""

    def line_of(self, table: str | None, key: str | None = None) -> int:
        return line_of(self.text, table, key)

    def error(self, table: str | None, key: str | None, what: str, fix: str) -> ConfigError:
        """A :class:`ConfigError` at the line of ``key`` in ``[table]`` (the TUI uses it for
        what only Textual can check: a colour, a theme's name)."""
        return ConfigError(self.path, self.line_of(table, key), what, fix)


# --- where things are in the text ----------------------------------------------------------------

def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        return name[1:-1]
    return name


def _header(line: str) -> str | None:
    """The table a ``[a.b]`` line opens, as "a.b" (quotes dropped), else None."""
    stripped = line.split("#", 1)[0].strip()
    if not (stripped.startswith("[") and stripped.endswith("]")) or stripped.startswith("[["):
        return None
    return ".".join(_unquote(p) for p in stripped[1:-1].split("."))


def line_of(text: str, table: str | None, key: str | None = None) -> int:
    """The 1-based line of ``key`` in ``[table]`` (None: the top level); the table's header
    line when the key is not found; 1 when neither is (a best effort, for messages only)."""
    current: str | None = None
    header_line = 1
    for number, line in enumerate(text.splitlines(), start=1):
        opened = _header(line)
        if opened is not None:
            current = opened
            if opened == table:
                header_line = number
            continue
        if key is None or current != table or "=" not in line or line.lstrip().startswith("#"):
            continue
        if _unquote(line.split("=", 1)[0]) == key:
            return number
    return header_line


def _syntax_line(message: str, text: str) -> tuple[int, str]:
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    if found:
        return int(found.group(1)), message[:found.start()].strip()
    found = re.search(r"\(at end of document\)", message)
    if found:
        return max(1, len(text.splitlines())), message[:found.start()].strip()
    return 1, message


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=4, cutoff=0.55)


def _did_you_mean(word: str, choices: Iterable[str], otherwise: str) -> str:
    close = close_matches(word, choices)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return otherwise


# --- reading ------------------------------------------------------------------------------------

def load(path: Path | None = None) -> Config:
    """The config file's settings; an empty :class:`Config` when there is no file.
    Raises :class:`ConfigError` for anything it cannot use (one line, with the line number)."""
    from runaway_companion.safeio import UnsafeFile, read_regular

    path = config_path() if path is None else Path(path)
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return Config(path)
    except UnsafeFile as exc:
        raise ConfigError(path, 1, exc.what, exc.fix) from None
    except OSError as exc:
        raise ConfigError(path, 1, f"cannot be read ({exc.strerror or exc})",
                          "fix its permissions, or move it away") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(path, line, "is not UTF-8 text", "save the file as UTF-8") from None
    import tomllib  # (only for a file there is: most launches have none)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, what = _syntax_line(str(exc), text)
        what = what[:1].lower() + what[1:] if what else "not valid TOML"
        raise ConfigError(path, line, f"not valid TOML: {what}",
                          'check the line (text goes in quotes: theme = "nord"); '
                          "'companion config --init' shows an example") from None
    return _from_data(path, text, data)


def _from_data(path: Path, text: str, data: dict) -> Config:
    def error(table, key, what, fix):
        return ConfigError(path, line_of(text, table, key), what, fix)

    for key in data:
        if key not in TOP_LEVEL:
            raise error(None, key, f"unknown setting '{key}'",
                        _did_you_mean(key, TOP_LEVEL, "use theme, [keys] or [themes.NAME]"))
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise error(None, "theme", "theme must be a theme's name in quotes",
                    'e.g. theme = "nord"')
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise error(None, "keys", "keys must be a table", "write [keys] on a line of its own, "
                    'then one binding a line: quit = "ctrl+q"')
    keymap: dict[str, str] = {}
    for ident, value in keys.items():
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str):
            raise error("keys", ident, f"the keys for '{ident}' must be text in quotes",
                        f'e.g. {ident} = "ctrl+x" (several: "ctrl+x,f2")')
        parts = [p.strip() for p in value.split(",")]
        if not all(parts) or not all(_KEY_RE.match(p) for p in parts):
            raise error("keys", ident, f"'{value}' is not a list of keys",
                        'name each key without spaces, several separated by commas: "ctrl+x,f2"')
        keymap[str(ident)] = ",".join(parts)
    themes = data.get("themes", {})
    if not isinstance(themes, dict):
        raise error(None, "themes", "themes must be tables, one per theme",
                    'write [themes.NAME] on a line of its own, then primary = "#88c0d0"')
    custom: dict[str, dict] = {}
    for name, spec in themes.items():
        table = f"themes.{name}"
        if not isinstance(spec, dict):
            raise error("themes", name, f"theme '{name}' must be a table",
                        f'write [themes.{name}] on a line of its own, then primary = "#88c0d0"')
        if not _NAME_RE.match(name):
            raise error(table, None, f"'{name}' is not a theme name",
                        "use up to 40 letters, digits, '-' or '_'")
        for key, value in spec.items():
            if key not in THEME_FIELDS:
                raise error(table, key, f"a theme has no field '{key}'",
                            _did_you_mean(key, THEME_FIELDS,
                                          f"use {', '.join(THEME_FIELDS)}"))
            kinds = THEME_FIELDS[key]
            if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
                wanted = {str: 'a colour in quotes, e.g. "#88c0d0"', bool: "true or false",
                          dict: "a table of names to text"}.get(kinds[0], "a number, e.g. 0.15")
                raise error(table, key, f"{key} of theme '{name}' must be {wanted}",
                            f"fix the value of {key}")
            if key == "variables" and not all(isinstance(v, str) for v in value.values()):
                raise error(table, key, f"every variable of theme '{name}' must be text",
                            'e.g. variables = { "block-cursor-foreground" = "#101010" }')
        if "primary" not in spec:
            raise error(table, None, f"theme '{name}' has no primary colour",
                        f'add primary = "#88c0d0" under [themes.{name}]')
        custom[name] = dict(spec)
    return Config(path, theme.strip() if isinstance(theme, str) else None, keymap, custom, text)


def check_keys(config: Config, known: Iterable[str]) -> None:
    """Every binding id in ``[keys]`` is one of ``known``; else ConfigError with the close
    matches (the TUI knows the ids: this module does not import it)."""
    known = set(known)
    for ident in config.keys:
        if ident not in known:
            raise config.error("keys", ident, f"no key binding has the id '{ident}'",
                               _did_you_mean(ident, known,
                                             "'companion config --keys' lists every id"))


def check_theme(config: Config, available: Iterable[str]) -> None:
    """The ``theme`` is one of ``available`` (the built-in themes and [themes.NAME])."""
    if config.theme is not None and config.theme not in set(available):
        raise config.error(None, "theme", f"there is no theme called '{config.theme}'",
                           _did_you_mean(config.theme, available,
                                         "'companion config --themes' lists them"))


# --- writing --------------------------------------------------------------------------------------

def _theme_line(name: str) -> str:
    return f"theme = {json.dumps(name)}\n"  # a JSON string is a TOML basic string


def with_theme(text: str, name: str) -> str:
    """``text`` with its top-level ``theme`` set to ``name``; every other line as it was."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    first_table = len(lines)
    for index, line in enumerate(lines):
        if _header(line) is not None:
            first_table = index
            break
        if "=" in line and not line.lstrip().startswith("#") \
                and _unquote(line.split("=", 1)[0]) == "theme":
            lines[index] = _theme_line(name)
            return "".join(lines)
    at = first_table  # before the first table (and the comment lines just above it)
    while at > 0 and lines[at - 1].lstrip().startswith("#") and first_table < len(lines):
        at -= 1
    lines[at:at] = [_theme_line(name)] + (["\n"] if at < len(lines) else [])
    return "".join(lines)


def save_theme(name: str, path: Path | None = None) -> str | None:
    """Set ``theme`` in the config file (made if there is none), keeping every other line and
    comment; atomic. A warning line if it could not be saved, else None."""
    import tomllib

    from runaway_companion.safeio import write_atomic

    path = config_path() if path is None else Path(path)
    try:
        current = load(path)
    except ConfigError as exc:
        return f"could not save the theme: {exc}"
    if current.theme == name:
        return None
    text = with_theme(current.text, name)
    try:  # the edit must mean exactly "this theme", nothing else changed
        after = tomllib.loads(text)
        before = tomllib.loads(current.text)
    except tomllib.TOMLDecodeError:
        after, before = {}, {"": None}
    before["theme"] = name
    if after != before:
        return (f"could not save the theme: {path} is laid out in a way the companion cannot "
                f"edit safely — set theme = {json.dumps(name)} in it yourself")
    return write_atomic(path, text)


def migrate_theme(path: Path | None = None) -> str | None:
    """Move a theme saved in the progress file (older versions kept it there) into the config
    file, once: the config gets it first (atomically), only then is it dropped from the
    progress file — an interruption between the two leaves it in both, never in neither. A
    theme already set in the config wins. A warning line, or None."""
    from runaway_companion import state

    old = state.load_setting("theme")
    if old is None:
        return None
    try:
        current = load(path)
    except ConfigError as exc:
        return f"kept your theme in the progress file for now: {exc}"
    if current.theme is None:
        failed = save_theme(old, current.path)
        if failed:
            return f"kept your theme in the progress file for now: {failed}"
    return state.drop_setting("theme")


EXAMPLE = '''\
# The companion's settings ('companion config' prints where this file is).
# Every line is optional: delete what you don't change. Lines starting with # are comments.

# The colours: a built-in theme (textual-dark, textual-light, nord, gruvbox, dracula,
# tokyo-night, monokai, solarized-light, …) or one of your own below. Choosing one in the app
# (ctrl+p, "Theme") writes it here.
# theme = "nord"

# Keys: a binding's id = the key(s) for it, several separated by commas. The keys you don't
# name keep their defaults. 'companion config --keys' lists every id with its key.
[keys]
# step-back = "left_square_bracket,h"
# step-forward = "right_square_bracket,l"
# progress = "p,g"
# quit = "q,ctrl+q"

# A theme of your own: [themes.NAME], then theme = "NAME" above. Only primary is needed;
# the other colours are worked out from it when left out.
# [themes.night]
# primary = "#88c0d0"
# secondary = "#81a1c1"
# accent = "#b48ead"
# background = "#1b1f27"
# surface = "#242933"
# panel = "#2e3440"
# foreground = "#d8dee9"
# dark = true
'''


def init(path: Path | None = None) -> tuple[Path, str | None]:
    """Write :data:`EXAMPLE` as the config file, unless one exists (never overwritten).
    (path, None) when written, (path, why not) otherwise."""
    from runaway_companion.safeio import write_atomic

    path = config_path() if path is None else Path(path)
    if path.exists() or path.is_symlink():
        return path, (f"{path} exists already — it is left as it is (move it away to start "
                      "from the example)")
    return path, write_atomic(path, EXAMPLE)
