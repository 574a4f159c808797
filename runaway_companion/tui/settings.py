"""The config file (runaway_companion/config.py, plain data) turned into Textual's own: custom
themes (:class:`textual.theme.Theme`, ``App.register_theme``) and the keymap
(``App.set_keymap``, by binding id). What only Textual can check — a colour, that a binding id
exists, that the theme is there — is checked here, and is a :class:`ConfigError` too."""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.dom import DOMNode
from textual.theme import BUILTIN_THEMES, Theme

from runaway_companion.config import COLOR_FIELDS, Config, check_keys, check_theme

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App


def bindings() -> dict[str, Binding]:
    """Every binding of the companion that has an id (all have), by id: the app's, each
    screen's and dialog's, each tab's."""
    import importlib
    import pkgutil

    import runaway_companion.tui as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    found: dict[str, Binding] = {}
    seen: set[type] = set()
    todo: list[type] = [DOMNode]
    while todo:  # every DOMNode subclass defined in this package
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    for cls in seen:
        if not cls.__module__.startswith(package.__name__ + "."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):  # (a tuple has no id)
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding)
    return dict(sorted(found.items()))


def themes(config: Config) -> list[Theme]:
    """The config's ``[themes.NAME]`` as Textual themes; a bad colour is a ConfigError."""
    made = []
    for name, spec in config.themes.items():
        for key in COLOR_FIELDS:
            value = spec.get(key)
            if value is None:
                continue
            try:
                Color.parse(value)
            except ColorParseError:
                raise config.error(f"themes.{name}", key,
                                   f"'{value}' is not a colour ({key} of theme '{name}')",
                                   'use #rrggbb, e.g. "#88c0d0", or rgb(136, 192, 208)') from None
        made.append(Theme(name=name, **spec))
    return made


def check(config: Config) -> list[Theme]:
    """Everything in ``config`` is usable (else ConfigError); its custom themes, made."""
    if config.keys:  # (finding every binding imports every dialog: only when needed)
        check_keys(config, bindings())
    made = themes(config)
    check_theme(config, [*BUILTIN_THEMES, *(t.name for t in made)])
    return made


def apply(app: "App", config: Config, made: list[Theme] | None = None) -> None:
    """Register the custom themes, set the keymap, and the theme (when it is there)."""
    for theme in themes(config) if made is None else made:
        app.register_theme(theme)
    if config.keys:
        app.set_keymap(dict(config.keys))
    if config.theme and config.theme in app.available_themes:
        app.theme = config.theme


def theme_names(config: Config) -> list[str]:
    """The built-in themes' names, then the config's own."""
    return [*BUILTIN_THEMES, *(name for name in config.themes if name not in BUILTIN_THEMES)]


def describe_keys() -> list[tuple[str, str, str]]:
    """(id, default keys, what it does) for every binding: ``companion config --keys``."""
    rows = []
    for ident, binding in bindings().items():
        what = binding.tooltip or binding.description or binding.action
        rows.append((ident, binding.key, what))
    return rows


def apply_config(app) -> None:
    """The app's ``config`` (given by the launcher, already checked) applied; None: read it
    here (after moving an old theme out of the progress file, when the app saves), a bad file
    being a warning toast and the defaults."""
    from runaway_companion import config as settings_file

    made = None
    if app.config is None:
        if app.save:
            _warn(app, settings_file.migrate_theme())
        try:
            app.config = settings_file.load()
            made = check(app.config)
        except settings_file.ConfigError as exc:
            _warn(app, f"{exc} (the settings file was not used)")
            app.config = settings_file.Config(settings_file.config_path())
    apply(app, app.config, made)


def _warn(app, warning: str | None) -> None:
    if warning:  # after the first frame: the toast rack is there
        app.call_after_refresh(partial(app.say, warning, title="Settings", severity="warning",
                                       timeout=30))
