"""Every Textual internal the TUI leans on is listed in runaway_companion/tui/widgets.py — and
exists in the installed Textual, so an upgrade knows exactly what to re-check."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- lazy_strip_caches: the one patch kept (benchmarks row 5) ------------------------------
def _stock_strip_module(name: str):
    """A fresh copy of textual.strip, so one Strip class can be patched and one left stock."""
    import importlib.util

    import textual.strip

    spec = importlib.util.spec_from_file_location(name, textual.strip.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _caches_held(strip) -> int:
    import gc

    from textual.cache import FIFOCache

    return sum(isinstance(ref, FIFOCache) for ref in gc.get_referents(strip))


_STOCK = _stock_strip_module("_strip_stock")
_LAZY = _stock_strip_module("_strip_lazy")


def test_strips_patched_make_no_cache_until_one_is_used_and_a_second_patch_is_a_no_op():
    from rich.segment import Segment

    from runaway_companion.tui.widgets import STRIP_CACHES, lazy_strip_caches

    assert _caches_held(_STOCK.Strip([Segment("ab")])) == len(STRIP_CACHES)
    assert lazy_strip_caches(_LAZY.Strip) is True
    assert lazy_strip_caches(_LAZY.Strip) is False
    strip = _LAZY.Strip([Segment("abc")])
    assert _caches_held(strip) == 0
    strip.crop(0, 2)
    assert _caches_held(strip) == 1


def test_a_strip_class_of_another_layout_is_left_as_it_is():
    from runaway_companion.tui.widgets import lazy_strip_caches

    class Other:
        __slots__ = ("_segments", "_cell_length")

        def __init__(self, segments, cell_length=None):
            self._segments, self._cell_length = list(segments), cell_length

    init = Other.__init__
    assert lazy_strip_caches(Other) is False
    assert Other.__init__ is init


def test_a_companion_app_makes_textuals_strips_without_caches(real_pack):
    from rich.segment import Segment
    from textual.strip import Strip

    from runaway_companion.progress import Position
    from runaway_companion.tui import CompanionApp

    CompanionApp(pack=real_pack, position=Position.parse("1:end"), save=False)
    assert _caches_held(Strip([Segment("ab")])) == 0


_segments = st.lists(st.tuples(st.text("ab c\u4e00", max_size=4),
                               st.sampled_from(["", "bold", "red on blue", "italic"])),
                     max_size=5)


@settings(max_examples=150, deadline=None, database=None)
@given(_segments, st.integers(0, 12), st.integers(0, 12), st.lists(st.integers(0, 12), max_size=3),
       st.sampled_from(["bold", "green", "on red"]))
def test_patched_strips_give_what_stock_strips_give_twice_over(parts, a, b, cuts, style_name):
    """Every Strip operation that reads a cache, on a patched and a stock Strip, called twice
    (the second call is the cached one): the same segments and lengths."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.color import Color
    from textual.filter import Monochrome

    from runaway_companion.tui.widgets import lazy_strip_caches

    lazy_strip_caches(_LAZY.Strip)
    style = Style.parse(style_name)
    start, end = min(a, b), max(a, b)
    monochrome = Monochrome()
    results = []
    for module in (_STOCK, _LAZY):
        segments = [Segment(text, Style.parse(s)) for text, s in parts]
        strip = module.Strip(segments)
        calls = [lambda: [list(x) for x in strip.divide(sorted(cuts))],
                 lambda: list(strip.crop(start, end)),
                 lambda: list(strip.apply_style(style)),
                 lambda: list(strip.apply_filter(monochrome, Color(0, 0, 0))),
                 lambda: list(strip.adjust_cell_length(b, style)),
                 lambda: list(strip.crop_extend(start, end, style)),
                 lambda: list(strip.apply_offsets(a, b)),
                 lambda: (strip.text, strip.cell_length, strip.cell_count)]
        results.append([call() for call in calls for _twice in (1, 2)])
    assert results[0] == results[1]
