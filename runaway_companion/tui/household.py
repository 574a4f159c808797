"""Whose progress the app shows: one profile, or several watching together — the header's words
and the palette's "Switch profile…", "Watch together…" and "Stop watching together".

Every switch that would show more than one checkpoint past what is on screen asks first (the
same question as every other jump); a No changes nothing. Watching together, the screen is at
the earliest member's place (together.py); leaving it goes to one profile's own saved place,
never beyond it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from runaway_companion.progress import Position

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.together import Together
    from runaway_companion.tui.app import CompanionApp


class TogetherSaver:
    """The app's saver while watching together: a move forward brings every member behind it
    up to it (together.moved_to) and saves just them; nobody is moved back. The same interface
    as state.ProgressSaver (``request`` then ``flush``)."""

    def __init__(self, show_id: str, together: "Together") -> None:
        self.show_id, self.together = show_id, together
        self._moved: set[str] = set()

    def request(self, position: Position) -> bool:
        self.together, moved = self.together.moved_to(position)
        fresh = bool(moved) and not self._moved
        self._moved.update(moved)
        return fresh

    def flush(self, durable: bool = True) -> str | None:
        from runaway_companion import together

        moved, self._moved = tuple(self._moved), set()
        return together.save(self.together, self.show_id, moved) if moved else None


def saver_for(show_id: str, profile: str, together: "Together | None"):
    from runaway_companion.state import ProgressSaver

    if together is not None:
        return TogetherSaver(show_id, together)
    return ProgressSaver(show_id, profile=profile)


def subtitle(app: "CompanionApp") -> str:
    """``Episode 6 · three quarters in``; ``ana · Episode 6 · …`` for a profile other than the
    default; ``Together: ana 6:late · ben 4:end — showing 4:end`` watching together."""
    from runaway_companion.state import DEFAULT_PROFILE

    seasons = app.pack.seasons
    if app.together is not None:
        people = " · ".join(f"{m.profile} {m.position.label(seasons)}"
                            for m in app.together.members)
        return f"Together: {people} — showing {app.position.label(seasons)}"
    where = app.position.describe(seasons)
    return where if app.profile == DEFAULT_PROFILE else f"{app.profile} · {where}"


def title_forms(app: "CompanionApp") -> tuple[tuple[str, str], ...]:
    """Shorter (title, sub-title) pairs for a narrow header, longest first: ``Run Away — Ep 6 ·
    late``, ``Ep 6 · late``, ``6:late`` — the position abbreviated, never cut; a profile's or a
    household's name goes before the shortest form does. Never an episode title."""
    from runaway_companion.state import DEFAULT_PROFILE

    seasons, position, title = app.pack.seasons, app.position, app.view.show_title
    tiny = position.label(seasons)
    if seasons:
        season, episode = seasons.locate(position.episode)
        short = f"S{season} Ep {episode} · {position.checkpoint}"
    else:
        short = f"Ep {position.episode} · {position.checkpoint}"
    who = "Together" if app.together is not None else (
        "" if app.profile == DEFAULT_PROFILE else app.profile)
    if not who:
        return ((title, short), (short, ""), (tiny, ""))
    return ((title, f"{who} · {short}"), (f"{who} · {short}", ""), (f"{who} {tiny}", ""),
            (tiny, ""))


def where(app: "CompanionApp", position: Position) -> str:
    """``Episode 6 · three quarters in`` (``Season 2 · Episode 1 · …`` with seasons)."""
    return position.describe(app.pack.seasons)


def _saved(app: "CompanionApp", name: str) -> tuple[Position, str | None]:
    from runaway_companion import state

    loaded = state.load_progress(app.pack.id, app.pack.episode_count, profile=name)
    return loaded.position, loaded.warning


def choices(app: "CompanionApp", names: Sequence[str]) -> list[tuple[str, str]]:
    """(name, where they are) for each profile — where in episode terms only."""
    if app.together is None:
        app.flush_progress()  # the profile in use: its file is up to date
    out = []
    for name in names:
        member = next((m for m in app.together.members if m.profile == name), None) \
            if app.together is not None else None
        position = member.position if member is not None else _saved(app, name)[0]
        out.append((name, where(app, position)))
    return out


def _ask_if_ahead(app: "CompanionApp", target: Position, go: Callable[[], None]) -> None:
    """``go()`` at once, or after a Yes when ``target`` is a forward jump from the screen."""
    if not app.session.needs_confirm(target):
        go()
        return
    from runaway_companion.tui.dialogs.confirm import ConfirmScreen, confirm_question

    app.push_screen(ConfirmScreen(confirm_question(target)),
                    lambda yes: go() if yes else None)


def _become(app: "CompanionApp", profile: str, together: "Together | None", target: Position,
            words: str) -> None:
    """Now showing ``profile`` (or ``together``) at ``target``; saving goes to them."""
    app.flush_progress()  # what the previous profile(s) reached is saved first
    app.profile = profile
    app.saver = saver_for(app.pack.id, profile, together)
    title = "Watching together" if together is not None else f"Profile: {profile}"
    if target != app.position:
        app._arrival = (title, words)
        app.move_to(target, catch_up=False)  # another person: "new since" starts afresh
    else:
        app._update_titles()
        app.say(words, title=title, replace="position")


def switch_profile(app: "CompanionApp", name: str) -> None:
    """One profile, at its own saved place (a forward jump from the screen asks first)."""
    if app.together is None and name == app.profile:
        app.say(f"You're already on {name}'s progress.", title="Profile")
        return
    member = next((m for m in app.together.members if m.profile == name), None) \
        if app.together is not None else None
    if member is not None:
        target, warning = member.position, None
    else:
        target, warning = _saved(app, name)
    if warning:
        app.say(warning, title="Saved progress", severity="warning", timeout=15)
    words = f"{name}'s progress: {where(app, target)}."
    _ask_if_ahead(app, target, lambda: _become(app, name, None, target, words))


def watch_together(app: "CompanionApp", names: Sequence[str]) -> None:
    """Several profiles on one screen, at the earliest of their places."""
    from runaway_companion import together

    app.flush_progress()
    household, warnings = together.load(names, app.pack.id, app.pack.episode_count)
    for warning in warnings:
        app.say(warning, title="Saved progress", severity="warning", timeout=15)
    target = household.position
    words = f"Showing {where(app, target)}, what everyone has reached."
    _ask_if_ahead(app, target, lambda: _become(app, app.profile, household, target, words))


# --- the palette's commands -------------------------------------------------------------------
def pick_profile(app: "CompanionApp") -> None:
    from runaway_companion import state
    from runaway_companion.tui.dialogs.profiles import ProfileScreen

    names = state.profiles()
    current = None if app.together is not None else app.profile
    app.push_screen(ProfileScreen("Whose progress?", choices(app, names), current),
                    lambda name: switch_profile(app, name) if name else None)


def pick_together(app: "CompanionApp") -> None:
    from runaway_companion import state
    from runaway_companion.tui.dialogs.profiles import TogetherScreen

    names = state.profiles()
    if len(names) < 2:
        app.say("Watching together needs two or more profiles — start one with "
                "'companion --profile NAME'.", title="Watch together")
        return
    ticked = app.together.names if app.together is not None else (app.profile,)
    app.push_screen(TogetherScreen(choices(app, names), ticked),
                    lambda chosen: watch_together(app, chosen) if chosen else None)


def pick_leave(app: "CompanionApp") -> None:
    from runaway_companion.tui.dialogs.profiles import ProfileScreen

    if app.together is None:
        app.say("You're not watching together.", title="Profile")
        return
    app.push_screen(ProfileScreen("Back to whose progress?", choices(app, app.together.names)),
                    lambda name: switch_profile(app, name) if name else None)
