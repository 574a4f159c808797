"""Every Textual internal the TUI leans on is listed in runaway_companion/tui/widgets.py — and
exists in the installed Textual, so an upgrade knows exactly what to re-check."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from runaway_companion.tui.widgets import PRIVATE_TEXTUAL_NAMES

TUI = Path(__file__).resolve().parents[2] / "runaway_companion" / "tui"


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


@pytest.mark.parametrize("owner,name", PRIVATE_TEXTUAL_NAMES)
def test_every_private_textual_name_used_exists_in_this_textual(owner, name):
    obj = _resolve(owner)
    annotations = {}
    for klass in getattr(obj, "__mro__", ()):
        annotations.update(getattr(klass, "__annotations__", {}))
    assert hasattr(obj, name) or name in annotations or name in _init_assigns(obj), \
        f"{owner}.{name} is gone: re-check runaway_companion/tui/widgets.py"


def _init_assigns(klass) -> set[str]:
    """Attributes a class (or a base) sets in its __init__."""
    import inspect

    names: set[str] = set()
    for base in getattr(klass, "__mro__", ()):
        try:
            source = inspect.getsource(base.__init__)
        except (OSError, TypeError):
            continue
        names.update(re.findall(r"self\.(_\w+)\s*[:=]", source))
    return names


def test_only_widgets_py_reaches_into_textual_internals():
    listed = {name for _owner, name in PRIVATE_TEXTUAL_NAMES}
    for path in TUI.rglob("*.py"):
        if path.name == "widgets.py":
            continue
        text = path.read_text()
        assert not re.search(r"from textual(\.\w+)*\._\w+ import|import textual(\.\w+)*\._", text), path
        used = {name for name in listed if re.search(rf"\b{name}\b", text)}
        assert not used, f"{path.name} uses {sorted(used)}: keep them in widgets.py"


def test_the_tui_has_no_attr_defined_ignores_and_no_module_over_300_lines():
    for path in TUI.rglob("*.py"):
        text = path.read_text()
        assert "type: ignore[attr-defined]" not in text, path
        assert text.count("\n") <= 300, f"{path.name}: {text.count(chr(10))} lines"


async def test_the_header_title_follows_the_app_and_a_missing_title_line_is_quiet():
    from textual.app import App

    from runaway_companion.tui.widgets import SteadyHeader

    from .helpers import still, until

    class One(App[None]):
        def compose(self):
            yield SteadyHeader()

    app = One()
    async with app.run_test(size=(60, 5)) as pilot:
        app.title = "First title"
        title = app.query_one("HeaderTitle")
        await until(pilot, lambda: "First title" in str(title.render()), "the header shows it")
        await title.remove()
        app.title = "Second title"  # the stock Header's watcher raises NoMatches here
        await until(pilot, lambda: not app.is_running or (not app.query("HeaderTitle")
                                                            and still(app)),
                    "the header is drawn without its title line (or the app stopped)")
        assert app.return_code is None and app.is_running


def _footer_actions(footer) -> list[str]:
    return [key.action for key in footer.query("FooterKey")]  # (its CSS type name)


def _due_actions(screen) -> list[str]:
    """The actions a freshly built stock Footer would show now, in its order (the palette's
    key last, on the right)."""
    seen: dict[str, None] = {}
    for _node, binding, _enabled, _tip in screen.active_bindings.values():
        if binding.show:
            seen.setdefault(binding.action, None)
    palette = screen.active_bindings.get(screen.app.COMMAND_PALETTE_BINDING)
    return list(seen) + ([palette.binding.action] if palette else [])


async def test_the_footer_rebuilds_its_keys_once_a_frame_and_only_when_they_change(
        run_app, real_pack):
    from runaway_companion.tui.widgets import QuietFooter

    from .helpers import still, tab_is, until

    async with run_app(real_pack, "3:end", size=(120, 30)) as (app, pilot):
        footer = app.main.query_one(QuietFooter)

        async def settled() -> int:
            await until(pilot, lambda: still(app)
                        and _footer_actions(footer) == _due_actions(app.main),
                        "the footer shows the keys due now")
            return footer.rebuilds

        start = await settled()
        assert start == 1, "a start builds the keys once"
        await pilot.press("down", "down", "up")  # the cursor moves: the keys stay the same
        assert await settled() == start
        await pilot.press("2")  # another tab, other keys (the map's): one rebuild
        await tab_is(pilot, app, "relationships")
        after_tab = await settled()
        assert after_tab == start + 1
        assert "map" in _footer_actions(footer)
        await pilot.press("1")
        await tab_is(pilot, app, "characters")
        assert await settled() == after_tab + 1
        assert "map" not in _footer_actions(footer) and "filter" in _footer_actions(footer)
