"""The Characters tab: who you know at this point, by the name you know them by, and a card."""
from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.tui.base import NOT_DUE_MARK, DetailScroll, RichStatic, Rows, SteadyOptionList, ViewPane, cite, set_text, uncertain

from runaway_companion.view import MARK_LEGEND, hidden_sources_line, source_text

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import CharacterView, View


def filter_characters(view: "View", query: str) -> list["CharacterView"]:
    """Characters whose visible name or alias contains ``query`` (case-insensitive)."""
    q = " ".join(query.lower().split())
    if not q:
        return list(view.characters)
    return [c for c in view.characters
            if any(q in known.lower() for known in (c.name, *c.aliases))]


def card(view: "View", cv: "CharacterView", sources: bool = False) -> RenderableType:
    """A character's card as known at ``view.position``: every line comes from the View."""
    parts: list[RenderableType] = [Text(cv.name, style="bold underline")]
    rows = Rows(label_style="bold")
    rels = view.relationships_of(cv.id)
    numbers: dict[str, int] = {}  # due source key -> its number in the "Sources" list
    shown: list = []
    hidden = 0
    if sources:
        items = [cv.name_item, *cv.alias_items, cv.actor_item, cv.role_item, cv.status_item,
                 *cv.facts, *(r.stages[-1] for r in rels)]
        shown, hidden = view.sources_of(items)
        numbers = {src.key: n for n, src in enumerate(shown, 1)}

    def row(label: str, value: str | None, item=None, items=()) -> None:
        if not value:
            return
        line = Text(value + uncertain(item))
        if sources:
            for it in (item, *items):
                line.append_text(cite(it, numbers))
        rows.add_row(label, line)

    if sources and cv.name_item is not None:
        rows.add_row("Name", Text(cv.name).append_text(cite(cv.name_item, numbers)))
    row("Also known as", ", ".join(cv.aliases), None, cv.alias_items)
    row("Played by", cv.actor, cv.actor_item)
    row("Role now", cv.role, cv.role_item)
    row("Status now", cv.status, cv.status_item)
    row("Group", ", ".join(cv.groups))
    parts.append(rows)

    parts.append(Text(""))
    parts.append(Text("What you know", style="bold"))
    if not cv.facts:
        parts.append(Text("Nothing more yet.", style="dim"))
    for episode, facts in groupby(cv.facts, key=lambda f: f.at.episode):
        ep = view.episode(episode)
        current = ep is not None and ep.state == "current"
        parts.append(Text(f"Episode {episode}" + (" (so far)" if current else ""),
                          style="italic"))
        grid = Rows()
        for fact in facts:
            line = Text(fact.text + uncertain(fact))
            if sources:
                line.append_text(cite(fact, numbers))
            grid.add_row(" •", line)
        parts.append(grid)

    parts.append(Text(""))
    count = f"{len(rels)} relationship{'s' if len(rels) != 1 else ''}"
    parts.append(Text(f"Relationships now · {count}", style="bold"))
    if not rels:
        parts.append(Text("None known yet.", style="dim"))
    grid = Rows()
    for rel in rels:
        stage = rel.stages[-1]
        line = Text.assemble((rel.other(cv.id).name, "bold"), " — ", rel.label_for(cv.id) + uncertain(stage))
        if sources:
            line.append_text(cite(stage, numbers))
        grid.add_row(" •", line)
    parts.append(grid)

    if sources:
        parts.append(Text(""))
        parts.append(Text("Sources", style="bold"))
        for n, src in enumerate(shown, 1):
            parts.append(Text(f" {n}. {source_text(src)}"))
        if hidden:
            parts.append(Text(f" {NOT_DUE_MARK} {hidden_sources_line(hidden)}", style="dim"))
        parts.append(Text(f" {MARK_LEGEND}", style="dim"))
    else:
        parts.append(Text(""))
        parts.append(Text("s: show the sources behind these lines", style="dim"))
    return Group(*parts)


class PeopleList(SteadyOptionList):
    """The character list. A cursor move selects that person in the same frame: the stock
    list only posts ``OptionHighlighted``, so the card followed one repaint later (a whole
    extra frame per key). The message still arrives and finds nothing left to do."""

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None or not self.is_mounted:
            return
        option = self.options[highlighted]
        app = self.app
        if option.id and not option.disabled and \
                option.id != getattr(app, "selected_character", option.id):
            app.select_character(option.id)  # type: ignore[attr-defined]


class CharactersPane(ViewPane):
    """List (with a filter) on the left, the selected character's card on the right."""

    main_id = "char-list"

    sources = False

    def compose(self):
        with Horizontal():
            with Vertical(id="char-side", classes="side"):
                yield Input(placeholder="/ to filter by name", id="char-filter")
                yield Static("", id="char-count", classes="count")
                yield PeopleList(id="char-list")
            with DetailScroll(id="char-card", classes="detail"):
                yield RichStatic("", id="card-body")

    # --- drawing ------------------------------------------------------------------------
    def refresh_view(self) -> None:
        self._fill_list()
        self._draw_card()

    def _fill_list(self) -> None:
        view = self.view
        assert view is not None
        query = self.part("char-filter", Input).value
        shown = filter_characters(view, query)
        total = len(view.characters)
        count = self.part("char-count", Static)
        if not total:
            set_text(count, Text("No characters yet"))
        elif query.strip():
            set_text(count, Text(f"{len(shown)} matching"))
        else:
            set_text(count, Text(f"{total} character{'s' if total != 1 else ''}"))
        grouped = not query.strip()
        by_group: dict[str, list] = {}
        if grouped:
            for c in shown:
                by_group.setdefault(c.group, []).append(c)
        else:
            by_group[""] = shown

        def options() -> list[Option]:
            out: list[Option] = []
            if not grouped:
                return [Option(Text(c.name), id=c.id) for c in shown]
            for group, members in by_group.items():
                out.append(Option(Text(group, style="bold"), id=f"group:{group}",
                                  disabled=True))
                out.extend(Option(Text("  " + c.name), id=c.id) for c in members)
            return out

        signature = (grouped, tuple((g, tuple((c.id, c.name) for c in members))
                                    for g, members in by_group.items()))
        ol = self.part("char-list", OptionList)
        with self.app.batch_update():
            if self.set_options(ol, signature, options):
                self._index = {o.id: i for i, o in enumerate(ol.options)
                               if not o.disabled and o.id is not None}
            self._highlight(self.app.selected_character)  # type: ignore[attr-defined]

    def _highlight(self, char_id: str | None) -> None:
        self.highlight_person("char-list", char_id)

    def _draw_card(self) -> None:
        view = self.view
        assert view is not None
        body = self.part("card-body", RichStatic)
        cid = self.app.selected_character  # type: ignore[attr-defined]
        cv = view.character(cid) if cid else None
        visible_ids = self._index
        if not view.characters:
            body.update(Text("No characters yet — the show hasn't started.\n\n"
                             "Press ] to move on a checkpoint, or p to say where you are.",
                             style="dim"))
            return
        if not visible_ids:
            query = self.part("char-filter", Input).value.strip()
            body.update(Text(f"Nobody matches “{query}”.", style="dim"))
            return
        if cv is None or cv.id not in visible_ids:
            body.update(Text("Pick someone on the left.", style="dim"))
            return
        # the card depends on the character as seen now, their relationships now, whether the
        # current episode is finished (its "(so far)"), and the sources switch: unchanged,
        # it is not rebuilt (nor laid out and painted again)
        position = view.position
        # (with sources on, which sources are due depends on the exact position)
        key = (id(view.pack), cv, tuple(view.relationships_of(cv.id)), self.sources,
               position.episode, position.checkpoint == "end",
               view.key if self.sources else None)
        body.show(key, lambda: card(view, cv, self.sources))

    # --- selection ----------------------------------------------------------------------
    def follow_selection(self) -> None:
        if self.app.selected_character:  # type: ignore[attr-defined]
            self.select(self.app.selected_character)  # type: ignore[attr-defined]

    def select(self, char_id: str) -> None:
        """Show ``char_id``'s card (clearing a filter that hides them)."""
        if self.view is None or self.view.character(char_id) is None:
            return
        if char_id not in self._index:
            self.part("char-filter", Input).value = ""
            self._fill_list()
        self._highlight(char_id)
        self._draw_card()


    @on(OptionList.OptionHighlighted, "#char-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the selection was moved again since (e.g. from another tab)
        if event.option_id and event.option_id != self.app.selected_character:  # type: ignore[attr-defined]
            self.app.select_character(event.option_id)  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#char-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.part("char-card").focus()

    # --- filter -------------------------------------------------------------------------
    def start_filter(self) -> None:
        self.part("char-filter", Input).focus()

    @on(Input.Changed, "#char-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.view is None:
            return
        self._fill_list()
        ol = self.part("char-list", OptionList)
        if ol.highlighted is not None:
            option = ol.get_option_at_index(ol.highlighted)
            if option.id and option.id != self.app.selected_character:  # type: ignore[attr-defined]
                self.app.select_character(option.id)  # type: ignore[attr-defined]
                return
        self._draw_card()

    @on(Input.Submitted, "#char-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.part("char-list").focus()

    def on_key(self, event) -> None:
        filt = self.part("char-filter", Input)
        if not filt.has_focus:
            return
        if event.key == "escape":
            filt.value = ""
            self.part("char-list").focus()
            event.stop()
        elif event.key == "down":
            self.part("char-list").focus()
            event.stop()

    def toggle_sources(self) -> bool:
        self.sources = not self.sources
        self._draw_card()
        return self.sources


