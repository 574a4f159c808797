"""Space and small sizes: the timeline grows with the window and keeps each episode's
checkpoints inside its own span; a narrow header abbreviates the position instead of cutting it;
the footer shows whole keys only; toasts are short-lived and kept off the card."""
from __future__ import annotations

import re

import pytest

from runaway_companion.progress import Position
from runaway_companion.tui.tabs.threads import BEAT, EDGE, OPEN_END, RESOLVED, Timeline

from .helpers import plain, resized, screen_text, still, until


async def _threads(app, pilot) -> Timeline:
    await pilot.press("3")
    timeline = app.main.query_one("#thr-timeline", Timeline)
    await until(pilot, lambda: timeline.view is not None and timeline.size.width > 0,
                "the timeline is drawn")
    return timeline


def _labels(header: str) -> dict[int, int]:
    """episode -> the column of its label on the timeline's header line"""
    return {int(m.group()): m.start() for m in re.finditer(r"\d+", header)}


WIDTHS = [(80, 24), (120, 36), (200, 50)]  # one app each test, resized from the first


async def test_the_timeline_shows_every_episode_in_order_at_each_width(real_pack, run_app):
    async with run_app(real_pack, "6:late", size=WIDTHS[0]) as (app, pilot):
        timeline = await _threads(app, pilot)
        for size in WIDTHS:
            await resized(pilot, app, size, timeline)
            header = plain(timeline.render()).splitlines()[0]
            assert sorted(_labels(header)) == list(range(1, real_pack.episode_count + 1)), size


async def test_timeline_columns_grow_between_80_120_and_200_columns(real_pack, run_app):
    steps, names = [], []
    async with run_app(real_pack, "6:late", size=WIDTHS[0]) as (app, pilot):
        timeline = await _threads(app, pilot)
        for size in WIDTHS:
            await resized(pilot, app, size, timeline)
            lines = plain(timeline.render()).splitlines()
            labels = _labels(lines[0])
            steps.append(labels[2] - labels[1])
            names.append(labels[1])
            if size[0] >= 120:  # room for every thread's whole name
                assert not any("…" in line for line in lines[1:-1]), size
    assert steps[0] < steps[1] < steps[2], steps
    assert names[0] <= names[1] <= names[2], names


async def test_the_threads_count_line_is_whole_at_80_columns(real_pack, run_app):
    async with run_app(real_pack, "8:end", size=(80, 24)) as (app, pilot):
        await _threads(app, pilot)
        text = app.main.pane("threads").count_text(app.view)
        assert "resolved" in text
        await until(pilot, lambda: text in screen_text(app), "the whole count line on the glass")


async def test_a_beat_at_the_end_of_an_episode_sits_inside_that_episodes_span(real_pack, run_app):
    async with run_app(real_pack, "8:end", size=WIDTHS[0]) as (app, pilot):
        timeline = await _threads(app, pilot)
        for size in WIDTHS:
            await resized(pilot, app, size, timeline)
            _beats_inside_their_spans(plain(timeline.render()).splitlines(), app, real_pack, size)


def _beats_inside_their_spans(lines, app, real_pack, size) -> None:
    """Every beat at an episode's end sits inside that episode's span on the timeline."""
    labels = _labels(lines[0])
    checked = 0
    for row, thread in zip(lines[1:], app.view.threads):
        for beat in thread.beats:
            episode = beat.at.episode
            if beat.at.checkpoint != "end" or episode == real_pack.episode_count:
                continue
            # the beat's column: the one the timeline places it at, drawn as a beat
            col = next(x for x in range(labels[episode], labels[episode + 1])
                       if row[x] in (BEAT, RESOLVED, OPEN_END)
                       and all(row[y] not in (BEAT, RESOLVED, OPEN_END)
                               for y in range(x + 1, labels[episode + 1])))
            # after its own episode's label, and an edge (not the next label) right after
            assert labels[episode] <= col < labels[episode + 1] - 1, (size, thread.id, col)
            assert lines[0][labels[episode + 1] - 1] == EDGE
            checked += 1
    assert checked, (size, "the pack has beats at an episode's end")


async def test_a_narrow_header_abbreviates_the_position_and_never_cuts_it(mini_pack, run_app):
    forms = ("Episode 2 · halfway", "Ep 2 · mid", "2:mid")
    async with run_app(mini_pack, "2:mid", size=(40, 12)) as (app, pilot):
        for width in (40, 30, 24):
            await resized(pilot, app, (width, 12))
            await until(pilot, lambda: any(f in screen_text(app).splitlines()[0] for f in forms),
                        f"the header shows where you are at {width} columns")
            header = screen_text(app).splitlines()[0]
            assert "…" not in header, width
        assert app.sub_title == "Episode 2 · halfway"  # the window title keeps the words
        for title, sub_title in app.title_forms:  # never an episode title
            for episode in mini_pack.episodes:
                assert episode.title is None or episode.title.text not in title + sub_title


async def test_a_wide_header_shows_the_position_in_words(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(100, 30)) as (app, pilot):
        assert "Mini Show — Episode 2 · halfway" in screen_text(app).splitlines()[0]


async def test_the_header_follows_a_move_at_40_columns(mini_pack, run_app):
    async with run_app(mini_pack, "2:mid", size=(40, 12)) as (app, pilot):
        await pilot.press("]")
        await until(pilot, lambda: "Ep 2 · late" in screen_text(app).splitlines()[0],
                    "the header shows the new checkpoint")


@pytest.mark.parametrize("tab", ["1", "3"])
async def test_the_footer_shows_only_whole_keys(real_pack, run_app, tab):
    async with run_app(real_pack, "6:late", size=(40, 12)) as (app, pilot):
        await pilot.press(tab)
        words = {"Tabs", "Step", "12345", "[]"}
        for shown in app.active_bindings.values():
            words.add(app.get_key_display(shown.binding))
            words.update(shown.binding.description.split())

        def whole() -> bool:
            footer = screen_text(app).splitlines()[-1].rstrip()
            return footer.endswith("▏^p palette") and all(
                w in words for w in footer[:-len("▏^p palette")].split())

        for size in [(40, 12), (60, 12), (80, 24)]:
            await resized(pilot, app, size)
            await until(pilot, whole, f"only whole keys in the footer at {size}: "
                                      f"{screen_text(app).splitlines()[-1]!r}")


async def test_toasts_are_short_lived_and_sit_over_the_list_not_the_card(real_pack, make_app):
    from runaway_companion.tui.app import CompanionApp
    from runaway_companion.tui.main import TABS

    assert CompanionApp.NOTIFICATION_TIMEOUT <= 4
    app = make_app(real_pack, "6:late", save=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:  # toasts drawn
        await until(pilot, lambda: len(app.main.panes()) == len(TABS), "every tab is built")
        for tab, side_id in (("1", "#char-side"), ("2", "#rel-side"), ("3", "#thr-side")):
            await pilot.press(tab)
            app.clear_notifications()
            await until(pilot, lambda: not app.screen.query("Toast"), "no toast")
            if tab == "1":
                app.step(1)  # the "N new things" toast
            else:
                app.say("A longer line of text to wrap in the toast, as a warning might be.")
            await until(pilot, lambda: app.screen.query("Toast"), "a toast")
            [note] = app._notifications
            assert note.timeout <= 4
            toast = app.screen.query_one("Toast")
            await until(pilot, lambda: toast.region.width > 0, "the toast is laid out")
            side = app.main.query_one(side_id)
            footer = app.main.query_one("QuietFooter")
            assert toast.region.x == 0
            assert toast.region.right <= side.region.right, tab  # over the list, not the card
            assert toast.region.bottom <= footer.region.y  # the footer's keys stay visible


async def test_the_new_things_toast_is_not_repeated_on_every_step(real_pack, run_app):
    async with run_app(real_pack, "6:mid", size=(120, 36)) as (app, pilot):
        await pilot.press("]")
        await until(pilot, lambda: any("new thing" in n.message for n in app._notifications),
                    "the first step's toast")
        app.clear_notifications()
        await pilot.press("]")
        await until(pilot, lambda: app.position == Position(6, "end")
                    and app.main.tabbed.get_tab("new").label.plain
                    == f"5 New · {len(app.session.news_events()[1])}",
                    "the tab counts what's new since the first step's base")
        assert not any("new thing" in n.message for n in app._notifications)
        # a jump of more than one checkpoint says it again
        app.request_position(Position(7, "mid"))
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", "the question")
        await pilot.press("y")
        await until(pilot, lambda: any("new thing" in n.message for n in app._notifications),
                    "the jump's toast")


TOASTS = ["A longer line of text to wrap in the toast, as a warning might be. END",  # 5 lines
          "4 new things since Episode 6 · three quarters in — press 5 to catch up.",
          "A longer line of text to wrap in the toast, as a warning might be, to its last word."]


async def test_a_wrapped_toast_shows_every_line_above_the_footer(real_pack, make_app):
    from runaway_companion.tui.main import TABS

    app = make_app(real_pack, "6:late", save=False)
    async with app.run_test(size=WIDTHS[0], notifications=True) as pilot:
        await until(pilot, lambda: len(app.main.panes()) == len(TABS), "every tab is built")
        for size in WIDTHS:
            await resized(pilot, app, size)
            for message in TOASTS:
                app.clear_notifications()
                await until(pilot, lambda: not app.screen.query("Toast"), "no toast")
                app.say(message)
                await until(pilot, lambda: app.screen.query("Toast") and still(app),
                            "the toast drawn")
                toast = app.screen.query_one("Toast")
                rows = screen_text(app).splitlines()[toast.region.y:toast.region.bottom]
                shown = " ".join(row[toast.region.x + 1:toast.region.right].strip()
                                 for row in rows)
                assert " ".join(shown.split()) == message, size
                assert toast.region.bottom <= app.main.query_one("QuietFooter").region.y, size
