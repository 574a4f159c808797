"""The Characters tab: who you know at this point, by the name you know them by, and a card."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from runaway_companion.render import CardContent, card_content
from runaway_companion.tui.names import NamesPane, NamesStatic, name_style
from runaway_companion.tui.text import NOT_DUE_MARK, Rows, cite, uncertain
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


_LABELS = {"aliases": "Also known as", "actor": "Played by", "role": "Role now",
           "status": "Status now", "groups": "Group"}


def card(view: "View", cv: "CharacterView", sources: bool = False) -> RenderableType:
    """A character's card as known at ``view.position``: every line comes from the View."""
    content = card_content(view, cv)
    return format_card(content, _due(view, content) if sources else None, card_links(view, cv))


def card_links(view: "View", cv: "CharacterView") -> tuple[str, ...]:
    """The ids of the people the card's relationship lines name, in the card's order."""
    return tuple(r.other(cv.id).id for r in view.relationships_of(cv.id))


def _due(view: "View", content: CardContent) -> tuple[tuple, int]:
    shown, hidden = view.sources_of(content.items)
    return tuple(shown), hidden


def format_card(content: CardContent, due: tuple[tuple, int] | None,
                links: tuple[str, ...] = (), cursor: str | None = None) -> RenderableType:
    """The card of ``content`` (render.card_content); ``due``: (sources due, how many not yet)
    when the sources are shown; ``links``: the ids of the people its relationship lines name
    (:func:`card_links`: each name then opens that card), ``cursor``: the one under the name
    cursor. Reads nothing else: a cache may key it by its arguments."""
    sources = due is not None
    shown, hidden = due if due is not None else ((), 0)
    numbers = {src.key: n for n, src in enumerate(shown, 1)}  # due key -> its number
    parts: list[RenderableType] = [Text(content.name, style="bold underline")]
    rows = Rows(label_style="bold")
    if sources and content.name_item is not None:
        rows.add_row("Name", Text(content.name).append_text(cite(content.name_item, numbers)))
    for field, value, item, cited in content.rows:
        line = Text(value + uncertain(item))
        if sources:
            for it in cited:
                line.append_text(cite(it, numbers))
        rows.add_row(_LABELS[field], line)
    parts.append(rows)

    parts.append(Text(""))
    parts.append(Text("What you know", style="bold"))
    if not content.facts:
        parts.append(Text("Nothing more yet.", style="dim"))
    for episode, current, facts in content.facts:
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
    rels = content.relationships
    count = f"{len(rels)} relationship{'s' if len(rels) != 1 else ''}"
    parts.append(Text(f"Relationships now · {count}", style="bold"))
    if not rels:
        parts.append(Text("None known yet.", style="dim"))
    grid = Rows()
    for i, (other, label, stage) in enumerate(rels):
        ident = links[i] if i < len(links) else None
        style = name_style(ident, cursor=ident == cursor) if ident else "bold"
        line = Text.assemble((other, style), " — ", label + uncertain(stage))
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
    if rels:
        parts.append(Text("A click on a name, or Enter on it (←/→ to pick one), opens that card",
                          style="dim"))
    return Group(*parts)


class CharactersPane(NamesPane):
    """List (with a filter) on the left, the selected character's card on the right."""

    kind, prefix, list_id, body_id = "character", "char", "char-list", "char-card"
    main_id = "char-list"
    sources = False

    def compose_side(self):
        yield Input(placeholder="/ to filter by name", id="char-filter")

    def compose_detail(self):
        yield NamesStatic("", id="card-body")

    @property
    def query_text(self) -> str:
        return self.part("char-filter", Input).value

    def _shown(self, view: "View") -> tuple[bool, dict[str, list["CharacterView"]]]:
        query = self.query_text
        shown = filter_characters(view, query)
        grouped = not query.strip()
        by_group: dict[str, list["CharacterView"]] = {}
        if grouped:
            for c in shown:
                by_group.setdefault(c.group, []).append(c)
        else:
            by_group[""] = shown
        return grouped, by_group

    def count_text(self, view: "View") -> str:
        total = len(view.characters)
        if not total:
            return "No characters yet"
        if self.query_text.strip():
            return f"{len(filter_characters(view, self.query_text))} matching"
        return f"{total} character{'s' if total != 1 else ''}"

    def signature(self, view: "View") -> object:
        grouped, by_group = self._shown(view)
        return (grouped, tuple((g, tuple((c.id, c.name) for c in members))
                               for g, members in by_group.items()))

    def build_options(self, view: "View") -> list[Option]:
        grouped, by_group = self._shown(view)
        if not grouped:
            return [Option(Text(c.name), id=c.id) for c in by_group[""]]
        out: list[Option] = []
        for group, members in by_group.items():
            out.append(Option(Text(group, style="bold"), id=f"group:{group}", disabled=True))
            out.extend(Option(Text("  " + c.name), id=c.id) for c in members)
        return out

    def draw_detail(self, view: "View", ident: str | None) -> None:
        body = self.part("card-body", NamesStatic)
        cv = view.character(ident) if ident else None
        if not view.characters:
            body.update(Text("No characters yet — the show hasn't started.\n\n"
                             "Press ] to move on a checkpoint, or p to say where you are.",
                             style="dim"))
        elif not self._ids:
            body.update(Text(f"Nobody matches “{self.query_text.strip()}”.", style="dim"))
        elif cv is None or cv.id not in self._ids:
            body.update(Text("Pick someone on the left.", style="dim"))
        else:
            content = card_content(view, cv)
            links = card_links(view, cv)
            self.name_cursor.show(links)
            body.show(format_card, content, _due(view, content) if self.sources else None,
                      links, self.name_cursor.current)

    # --- keys -----------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#char-list")
    def _chosen(self) -> None:
        self.part("char-card").focus()

    def start_filter(self) -> None:
        self.part("char-filter", Input).focus()

    @on(Input.Changed, "#char-filter")
    def _filter_changed(self) -> None:
        if self.view is not None:
            self.refresh_view()

    @on(Input.Submitted, "#char-filter")
    def _filter_done(self) -> None:
        self.part("char-list").focus()

    def on_key(self, event) -> None:
        if self.name_key(event):
            return
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
        self.refresh_selection()
        return self.sources
