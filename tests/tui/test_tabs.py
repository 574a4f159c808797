"""Each tab, and the scenes they must protect."""
from __future__ import annotations

import pytest

from runaway_companion.progress import Position, all_positions
from runaway_companion.tui.tabs.threads import BAR, BEAT, NOW, OPEN_END, RESOLVED, Axis, timeline
from runaway_companion.tui.main import TABS
from runaway_companion.view import View

from .helpers import at, notified, palette_types, screen_text, shows, tab_is, until, widget_text

# things a viewer at the end of episode 7 must not be told, in any words the pack uses
INGRID_AND_AARON = ("killed by Ingrid", "Ingrid killed Aaron", "who killed Aaron to",
                    "Aaron's birth mother", "Ingrid's son", "Mother and son", "She killed him",
                    "Aaron was her son", "The man she killed", "Birth mother, and his killer")


async def _palette_everything(app) -> str:
    """Every palette entry and command the viewer could reach (discovery lists them all)."""
    from runaway_companion.tui.palette import CommandsProvider, SearchProvider

    out = []
    for cls in (SearchProvider, CommandsProvider):
        async for hit in cls(app.screen).discover():
            out.append(f"{hit.text} {hit.help}")
    return "\n".join(out)


async def _everything(app, pilot) -> str:
    """Every card, map, thread and episode, the palette, the keys and the glass of each tab."""
    view = app.view
    parts = [widget_text(app), await _palette_everything(app)]
    for c in view.characters:
        app.main.select("character", c.id)
        parts.append(widget_text(app, app.main.pane("characters"), app.main.pane("relationships")))
    app.main.pane("relationships").toggle_cast()
    parts.append(widget_text(app, app.main.pane("relationships")))
    app.main.pane("relationships").toggle_cast()
    for t in view.threads:
        app.main.select("thread", t.id)
        parts.append(widget_text(app, app.main.pane("threads")))
    for e in view.episodes:
        app.main.select("episode", str(e.number))
        parts.append(widget_text(app, app.main.pane("episodes")))
    for key, (tab, *_rest) in zip("12345", TABS):
        await pilot.press(key)
        await tab_is(pilot, app, tab)
        parts.append(screen_text(app))
    return "\n".join(parts)


async def test_no_tab_at_7_end_shows_a_reveal_due_at_8_end(
        real_pack, run_app):
    async with run_app(real_pack, "7:end", save=False, size=(120, 36)) as (app, pilot):
        await at(pilot, app, "7:end")
        everything = await _everything(app, pilot)
        for phrase in INGRID_AND_AARON:
            assert phrase.lower() not in everything.lower(), phrase
        assert "Aaron Corval" in everything and "Ingrid Greene" in everything

        app.move_to(Position(8, "end"))
        await at(pilot, app, "8:end")
        everything = await _everything(app, pilot)
        assert "dead, killed by Ingrid" in everything or "killed Aaron" in everything
        assert "Birth mother, and his killer" in everything
        assert "Aaron's birth mother" in everything


async def test_a_card_status_changes_only_at_its_checkpoint(real_pack, run_app):
    async with run_app(real_pack, "6:late", save=False, size=(120, 36)) as (app, pilot):
        app.main.select("character", "elena")
        card = widget_text(app, app.main.pane("characters"), app.main.pane("relationships"))
        assert "Elena Ravenscroft" in card
        assert "Status now" not in card or "dead" not in card
        assert "One of her killers" not in card
        await pilot.press("]")  # the end of episode 6
        await at(pilot, app, "6:end")
        card = widget_text(app, app.main.pane("characters"), app.main.pane("relationships"))
        assert "dead" in card and "One of her killers" in card


async def test_a_later_alias_is_found_and_shown_only_from_its_checkpoint(real_pack, run_app):
    from runaway_companion.tui.palette import search_hits

    async with run_app(real_pack, "4:end", save=False, size=(120, 36)) as (app, pilot):
        assert search_hits(app.view, "Holly") == []
        app.main.select("character", "dee-dee")
        assert "Holly" not in widget_text(app)
        await pilot.press("]", "]")  # 5:early
        await at(pilot, app, "5:early")
        assert [h[2] for h in search_hits(app.view, "Holly")] == ["dee-dee"]
        app.main.select("character", "dee-dee")
        assert "Also known as" in widget_text(app, app.main.pane("characters"))


async def test_characters_filter_as_you_type(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await pilot.press("/")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "char-filter",
                    "the filter has the focus")
        assert app.focused.id == "char-filter"
        await pilot.press("z", "e")
        pane = app.main.pane("characters")
        await until(pilot, lambda: pane.part("char-filter").value == "ze"
                    and "matching" in widget_text(app, pane), "the list is filtered")
        names = [o.prompt.plain for o in pane.part("char-list").options]
        assert names == ["Zed Quill"]
        assert "1 matching" in widget_text(app, pane)
        assert app.main.character == "stranger"
        # a name that is still hidden filters exactly like one that never existed
        shown = {}
        for query in ("Papa", "Qwyx"):
            pane.part("char-filter").value = query
            await until(pilot, lambda: query in widget_text(app, pane.query_one(f"#{pane.body_id}")),
                        f"the card answers {query}")
            shown[query] = widget_text(app, pane).replace(query, "«q»")
        assert shown["Papa"] == shown["Qwyx"]
        assert "Nobody matches" in shown["Papa"]
        await pilot.press("escape")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "char-list",
                    "the list has the focus")
        assert app.focused.id == "char-list"
        assert pane.part("char-filter").value == ""


async def test_card_groups_what_you_know_by_episode_and_s_shows_sources(mini_pack, run_app):
    async with run_app(mini_pack, "3:late", size=(120, 36)) as (app, pilot):
        app.main.select("character", "stranger")
        card = widget_text(app, app.main.pane("characters"))
        for text in ("Zed Quill", "Also known as", "The Stranger, Papa Canary", "Role now",
                     "Bob's secret father", "What you know", "Episode 3 (so far)",
                     "Canary fact: he fathered Bob.", "Relationships now · 1 relationship",
                     "Bob Moon — Canary father and son"):
            assert text in card, text
        assert "Example Two" not in card
        await pilot.press("s")
        await notified(pilot, app, lambda n: n.title == "Sources" and "shown" in n.message,
                       "sources are shown")
        card = widget_text(app, app.main.pane("characters"))
        assert "[1]" in card and "S2" not in card  # numbers, never source keys
        assert "1. Example Two: https://example.org/two" in card


async def test_relationships_show_label_history_and_a_map_drawn_in_boxes(mini_pack, run_app):
    async with run_app(mini_pack, "3:late", size=(120, 36)) as (app, pilot):
        await pilot.press("2")
        await tab_is(pilot, app, "relationships")
        app.main.select("character", "bob")
        glass = await shows(pilot, app, "Bob Moon · ")
        for text in ("Bob Moon · 2 relationships", "╔", "║ Bob Moon ║", "├─ Siblings",
                     "└─ Canary father and son", "Alice Moon — Siblings",
                     "Alice last saw Bob at the lake.", "Ep 1 · finished",
                     "Zed Quill — Canary father and son"):
            assert text in glass, text
        await pilot.press("m")
        glass = await shows(pilot, app, "Cast map")
        assert "The Moon family" in glass and "Outsiders" in glass  # each person's one group
        assert "├─ Alice Moon — Siblings" in glass  # a link, drawn under the selected person


async def test_relationship_counts_never_hint_at_more(mini_pack, run_app):
    async with run_app(mini_pack, "3:mid", size=(120, 36)) as (app, pilot):
        await pilot.press("2")
        await tab_is(pilot, app, "relationships")
        app.main.select("character", "bob")
        glass = await shows(pilot, app, "Bob Moon · ")
        assert "Bob Moon · 1 relationship" in glass
        assert "Zed Quill" not in glass.split("Bob Moon · 1 relationship")[1].split("Alice")[0]
        text = widget_text(app)
        for canary in ("Papa Canary", "Canary fact", "Canary father", "Canary resolution"):
            assert canary not in text


@pytest.mark.parametrize("width", [40, 80, 120])
def test_the_timeline_never_draws_past_now(real_pack, width):
    """No bar, beat or end mark to the right of the viewer's position, at any checkpoint."""
    for position in all_positions(real_pack.episode_count):
        view = View(real_pack, position)
        axis = Axis.of(view, width)
        now = axis.col(position)
        rows = timeline(view, width).plain.splitlines()[1:-1]
        assert len(rows) == len(view.threads)
        for row in rows:
            marks = [i for i, ch in enumerate(row) if ch in (BAR, BEAT, OPEN_END, RESOLVED)
                     and i > axis.label]
            assert not marks or max(marks) <= now, (position, row)
            assert row[now + 1] == NOW, (position, row)  # "you are here" shows on every row


async def test_threads_list_open_and_resolved_with_beats_in_order(real_pack, run_app):
    async with run_app(real_pack, "6:late", save=False, size=(120, 36)) as (app, pilot):
        await pilot.press("3")
        await tab_is(pilot, app, "threads")
        view = app.view
        open_ = [t for t in view.threads if t.status == "open"]
        done = [t for t in view.threads if t.status == "resolved"]
        pane = app.main.pane("threads")
        assert f"{len(open_)} open · {len(done)} resolved" in widget_text(app, pane)
        thread = done[0]
        app.main.select("thread", thread.id)
        text = widget_text(app, pane)
        positions = [text.index(b.text) for b in thread.beats]
        assert positions == sorted(positions)
        assert f"Ep {thread.beats[0].at.episode} · " in text
        assert "✓ " + thread.resolution.text in text
        glass = screen_text(app)
        assert "Episode" in glass and "you are here" in glass


async def test_episodes_watched_current_and_unstarted(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        await pilot.press("4")
        await tab_is(pilot, app, "episodes")
        pane = app.main.pane("episodes")
        listing = [o.prompt.plain for o in pane.part("ep-list").options]
        assert listing == ["✓ Episode 1: Pilot Light", "▶ Episode 2: Canary Ep2 Title",
                           "  Episode 3 (title not known)"]
        assert app.main.episode in (None, "2")
        text = widget_text(app, pane)
        assert "You are here: halfway — the recap so far" in text
        assert "The stranger gives his name." in text
        app.main.select("episode", str(1))
        text = widget_text(app, pane)
        assert "Watched" in text and "Bob's car is found by the lake." in text
        app.main.select("episode", str(3))
        text = widget_text(app, pane)
        assert "Episode 3" in text and "Not started yet." in text
        assert "Zed is unmasked" not in text


async def test_the_very_start_is_empty_and_says_so(mini_pack, run_app):
    async with run_app(mini_pack, "1:start", size=(100, 30)) as (app, pilot):
        await at(pilot, app, "1:start")
        text = widget_text(app)
        for empty in ("No characters yet", "No relationships yet", "No threads yet",
                      "3 episodes · 0 watched", "Nothing new since you last looked"):
            assert empty in text, empty
        assert "Pilot Light" not in text


async def test_the_palette_jumps_to_characters_threads_and_episodes(mini_pack, run_app):
    from textual.command import CommandInput

    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        for query, tab, check in (
                ("stranger", "characters", lambda: app.main.character == "stranger"),
                ("where is", "threads", lambda: app.main.thread == "where-is-bob"),
                ("pilot light", "episodes", lambda: app.main.episode == "1")):
            await pilot.press("ctrl+p")
            await palette_types(pilot, app, query)
            assert app.screen.query_one(CommandInput).value == query
            await pilot.press("enter")
            await tab_is(pilot, app, tab)
            assert app.main.tabbed.active == tab and check(), query
        await pilot.press("1")
        await tab_is(pilot, app, "characters")
        assert "Also known as" in await shows(pilot, app, "Zed Quill")  # The Stranger is Zed Quill's old name


async def test_palette_alias_hit_says_who_it_is_now(mini_pack, run_app):
    from runaway_companion.tui.palette import entry_help, search_hits

    async with run_app(mini_pack, "3:late", size=(100, 30)) as (app, pilot):
        [(score, kind, ident, text)] = search_hits(app.view, "papa")
        assert (kind, ident, text) == ("character", "stranger", "Papa Canary")
        assert entry_help(app.view, kind, ident, text) == "Character · also known as Zed Quill"
