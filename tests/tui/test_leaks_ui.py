"""The leak test over the UI: at every checkpoint of every episode, every tab, every card,
every thread and episode detail, and the palette show nothing dated later — and everything due
is there. Run on the canary pack (15 positions) and the real pack (40 positions)."""
from __future__ import annotations

import pytest

from runaway_companion.progress import Position, all_positions
from runaway_companion.view import View
from leakcheck import dated_items, find_leaks, hidden_texts

from .helpers import (at, drawn, noted, off_screen, on_screen, probes, screen_text, shows, still,
                      tab_is, until, widget_text)

TABS = ("characters", "relationships", "threads", "episodes", "new")


def hidden_names(pack, position: Position) -> set[str]:
    """Names, aliases, thread titles and episode titles not visible at ``position``."""
    items = []
    for ch in pack.characters:
        items.extend(ch.names)
    for thr in pack.threads:
        items.extend(thr.titles)
    items.extend(ep.title for ep in pack.episodes if ep.title)
    visible = "\n".join(i.text for i in dated_items(pack) if i.at <= position)
    return {i.text for i in items if i.at > position and i.text not in visible}


async def built(pilot, app) -> None:
    """Wait until every tab is mounted (and, looked up, caught up)."""
    await until(pilot, lambda: len(app.main.panes()) == len(TABS), "every tab is built")


async def arrived_quietly(pilot, app, position) -> None:
    """Wait until the app is at ``position``, drawn, the move's note out; then clear every
    toast and wait until none is on the screen."""
    await at(pilot, app, position)
    await noted(pilot, app)
    app.clear_notifications()
    await until(pilot, lambda: not app.screen.query("Toast") and still(app),
                "no toast on the screen")


async def _check_position(app, pilot, pack, position: Position, screens: bool) -> int:
    """Every surface at ``position``; returns how many hidden probes were checked."""
    if app.position != position:
        app.move_to(position)
    await until(pilot, lambda: drawn(app), "every tab drew the current position")
    view = View(pack, position)
    hidden = hidden_texts(pack, position)
    probe = probes(pack, position, hidden)
    where = f"at {position}"
    assert app.sub_title == position.describe()

    text = widget_text(app)
    assert not find_leaks(text, probe), f"{where}: {find_leaks(text, probe)[:5]}"
    # everything due: every name known now, every thread, every episode label
    for c in view.characters:
        assert c.name in text, f"{where}: {c.name} missing"
    for t in view.threads:
        assert t.title[:20] in text, f"{where}: thread {t.title} missing"
    for e in view.episodes:
        assert e.label in text, f"{where}: {e.label} missing"

    for c in view.characters:  # every card, and the Relationships tab for that person
        app.main.select("character", c.id)
        # (app.pane draws what a hidden tab was given for after the frame, as showing it does)
        text = widget_text(app, app.main.pane("characters"), app.main.pane("relationships"))
        assert not find_leaks(text, probe), f"{where}, {c.name}: {find_leaks(text, probe)[:5]}"
        for fact in c.facts:
            assert fact.text in text, f"{where}, {c.name}: fact missing: {fact.text}"
        for value in (c.role, c.status, c.actor):
            if value:
                assert value in text, f"{where}, {c.name}: {value} missing"
        for rel in view.relationships_of(c.id):
            assert rel.label_for(c.id) in text, f"{where}, {c.name}: label {rel.label_for(c.id)} missing"
            for h in rel.history:
                assert h.text in text, f"{where}, {c.name}: history missing: {h.text}"
    for t in view.threads:
        app.main.select("thread", t.id)
        text = widget_text(app, app.main.pane("threads"))
        leaks = find_leaks(text, probe)
        assert not leaks, f"{where}, thread {t.id}: {leaks[:5]}"
        for beat in t.beats:
            assert beat.text in text, f"{where}, thread {t.id}: beat missing: {beat.text}"
        if t.resolution:
            assert t.resolution.text in text
    for e in view.episodes:
        app.main.select("episode", str(e.number))
        text = widget_text(app, app.main.pane("episodes"))
        leaks = find_leaks(text, probe)
        assert not leaks, f"{where}, episode {e.number}: {leaks[:5]}"
        for beat in e.recap:
            assert beat.text in text, f"{where}, episode {e.number}: recap missing"

    # the glass itself (header, tabs, footer, toasts included): the first tab always; every
    # tab at every position when ``screens``, else at the end of each episode
    short = {h: p for h, p in probe.items() if len(p) <= 40}
    tabs = TABS if screens or position.checkpoint == "end" else TABS[:1]
    for tab in tabs:
        app.main.action_show_tab(tab)
        await tab_is(pilot, app, tab)
        glass = await shows(pilot, app)  # (a drawn frame)
        assert position.describe() in glass
        leaks = find_leaks(glass, short)
        assert not leaks, f"{where}, {tab} on screen: {leaks}"
    app.main.action_show_tab("characters")
    return len(probe)


def _route(pack):
    forward = all_positions(pack.episode_count)
    last = pack.last_position
    back = [last, Position(last.episode - 1, "end"), Position(1, "end"), Position(1, "start")]
    return forward, back


async def _run(pack, make_app, screens: bool) -> int:
    """``screens``: look at the glass of every tab at every position (else at episode ends)."""
    forward, back = _route(pack)
    app = make_app(pack, forward[0], save=False)
    checked = 0
    async with app.run_test(size=(120, 36)) as pilot:
        await built(pilot, app)
        for position in forward + back:  # forward through the show, then jumping back
            checked += await _check_position(app, pilot, pack, position, screens)
    return checked


async def test_canary_pack_no_leak_on_any_tab_at_any_checkpoint(mini_pack, make_app):
    assert await _run(mini_pack, make_app, screens=True) > 0


async def test_run_away_no_leak_on_any_tab_card_or_thread_at_any_checkpoint(real_pack, make_app):
    assert await _run(real_pack, make_app, screens=False) > 0


# --- the palette --------------------------------------------------------------------------

async def _provider_hits(app, query: str) -> list[tuple[str, str]]:
    from runaway_companion.tui.palette import CommandsProvider, SearchProvider

    out = []
    for cls in (SearchProvider, CommandsProvider):
        provider = cls(app.screen)
        async for hit in provider.search(query):
            out.append((str(hit.text), str(hit.help or "")))
    return out


@pytest.mark.parametrize("which", ["mini", "real"])
async def test_palette_finds_nothing_for_a_hidden_name_at_any_checkpoint(which, mini_pack,
                                                                         real_pack, run_app):
    pack = mini_pack if which == "mini" else real_pack
    async with run_app(pack, "1:start", save=False, size=(120, 36)) as (app, pilot):
        for position in all_positions(pack.episode_count):
            if app.position != position:
                app.move_to(position)
            view = View(pack, position)
            entries = {text for _k, _i, text in view.search_entries()}
            for name in hidden_names(pack, position):
                hits = await _provider_hits(app, name)
                for text, help_text in hits:
                    assert name not in text and name not in help_text, (position, name, text)
                    assert text in entries or text in {n for n, _h, _c in app.main.palette_commands()}
                # a hidden name finds what any unknown name finds: nothing about anyone
                assert not [t for t, _h in hits if t in entries and name.lower() in t.lower()]


async def _palette(pilot, app, *queries: str) -> list[str]:
    """Open the palette, type each query in turn; return what the palette shows for each
    (the query itself masked, so two queries' screens can be compared)."""
    from textual.command import CommandInput, CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await on_screen(pilot, app, CommandPalette)
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    hits = palette.query_one(CommandList)
    await until(pilot, lambda: hits.option_count and all(w.is_finished for w in app.workers),
                "the palette lists its commands")
    shown = []
    for query in queries:
        before = list(hits.options)  # (kept: no new option can reuse an old one's id)
        palette.query_one(CommandInput).value = query
        # its search done: new options in the list (hits, or "No matches found" after a
        # shortened countdown), every worker finished, the frame drawn
        await until(pilot, lambda: hits.option_count
                    and not {id(o) for o in hits.options} & {id(o) for o in before}
                    and all(w.is_finished for w in app.workers) and still(app),
                    f"the palette answers {query!r}")
        glass = screen_text(app).replace(query, "«query»")
        shown.append("\n".join(line.rstrip() for line in glass.splitlines()))
    await pilot.press("escape")
    await off_screen(pilot, app, CommandPalette)
    return shown


async def test_canary_palette_hidden_names_look_like_names_that_never_existed(mini_pack, run_app):
    async with run_app(mini_pack, "1:start", save=False, size=(100, 30)) as (app, pilot):
        for position in all_positions(mini_pack.episode_count):
            if app.position != position:
                app.move_to(position)
            await arrived_quietly(pilot, app, position)
            names = sorted(hidden_names(mini_pack, position))
            nobody, *shown = await _palette(pilot, app, "Qwyx Blorp", *names)
            assert "No matches found" in nobody, nobody
            for name, screen in zip(names, shown):
                assert screen == nobody, f"at {position}, '{name}' shows something"


async def test_palette_at_7_end_finds_a_name_due_later_as_nothing(real_pack, run_app):
    async with run_app(real_pack, "7:end", save=False, size=(120, 36)) as (app, pilot):
        names = [n for n in ("Casper Vartage", "The One")
                 if n in hidden_names(real_pack, Position(7, "end"))]
        assert names, "the pack no longer hides the cult leader's name before episode 8"
        await at(pilot, app, "7:end")
        await noted(pilot, app)
        nobody, *shown = await _palette(pilot, app, "Qwyx Blorp", *names)
        assert all(screen == nobody for screen in shown)
        app.move_to(Position(8, "end"))
        await arrived_quietly(pilot, app, "8:end")
        [found] = await _palette(pilot, app, "Casper")
        assert "«query» Vartage" in found
