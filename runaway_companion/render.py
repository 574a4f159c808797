"""Rich renderings of a View for the command line (no Textual here)."""
from __future__ import annotations

import textwrap
from itertools import groupby
from typing import NamedTuple

from rich.console import Console
from rich.table import Table
from rich.text import Text

from runaway_companion.model import Item
from runaway_companion.view import MARK_LEGEND, CharacterView, View, mark


class _Marks:
    """Appends :func:`mark` to a line and remembers whether any was shown, so a command prints
    :data:`MARK_LEGEND` once, at the end, exactly when a mark appeared."""

    def __init__(self) -> None:
        self.used = False

    def __call__(self, text: str, item) -> str:
        m = mark(item)
        self.used = self.used or bool(m)
        return text + m

    def legend(self, console: Console) -> None:
        if self.used:
            console.print()
            console.print(Text(_wrap(console, "", MARK_LEGEND), style="dim"))


def _wrap(console: Console, first: str, text: str) -> str:
    """``first`` + ``text``, wrapped at the console's width with a hanging indent under the
    text (no trailing spaces); not wrapped at all where there is no width to wrap to (a pipe
    without $COLUMNS: the console soft-wraps, see cli._console)."""
    if console.soft_wrap:
        return first + text
    return textwrap.fill(text, width=max(console.width, len(first) + 20), initial_indent=first,
                         subsequent_indent=" " * len(first), break_on_hyphens=False,
                         break_long_words=False)


def _bullet(console: Console, first: str, text: str) -> None:
    console.print(_wrap(console, first, text))


def _header(console: Console, view: View, what: str) -> None:
    console.print(Text(f"{view.show_title} · {view.position.describe(view.pack.seasons)} — {what}",
                       style="bold"))


def characters(console: Console, view: View) -> None:
    _header(console, view, "characters")
    if not view.characters:
        console.print("No characters yet — the show hasn't started.")
        return
    marked = _Marks()
    if console.width < 100:  # a pipe or a narrow terminal: a list reads better than 5 columns
        # one Text, printed once: a print per line cost ~9 ms for the whole cast
        out = Text()
        for c in view.characters:
            out.append(c.name, style="bold")
            if c.aliases:
                out.append(f" (also {', '.join(c.aliases)})")
            if c.actor:
                out.append(f" — {marked(c.actor, c.actor_item)}", style="dim")
            out.append("\n")
            details = " · ".join(marked(x, item) for x, item in
                                 ((c.role, c.role_item), (c.status, c.status_item)) if x)
            if details:
                out.append(_wrap(console, "  ", details) + "\n")
        out.rstrip()
        console.print(out)
        marked.legend(console)
        return
    # names and actors stay on one line; role and status share what is left
    aliases = any(c.aliases for c in view.characters)
    table = Table(show_edge=False, pad_edge=False, expand=True)
    table.add_column("Name", no_wrap=True, overflow="ellipsis", max_width=24)
    if aliases:
        table.add_column("Also known as", overflow="fold", ratio=1)
    table.add_column("Role", overflow="fold", ratio=3)
    table.add_column("Status", overflow="fold", ratio=2, min_width=9)
    table.add_column("Actor", no_wrap=True, overflow="ellipsis")
    for c in view.characters:
        row = [c.name, ", ".join(c.aliases)] if aliases else [c.name]
        table.add_row(*row, marked(c.role or "", c.role_item) if c.role else "",
                      marked(c.status or "", c.status_item) if c.status else "",
                      marked(c.actor or "", c.actor_item) if c.actor else "")
    console.print(table)
    marked.legend(console)


class CardContent(NamedTuple):
    """What a character's card says at a position — the one formatter behind the CLI's
    ``show character`` and the TUI's card (each lays it out in its own way)."""

    name: str
    name_item: Item | None
    # (field, value, the item whose confidence marks the line, the items the line cites)
    rows: tuple[tuple[str, str, Item | None, tuple[Item | None, ...]], ...]
    # (episode, whether it is the one being watched now, its facts)
    facts: tuple[tuple[int, bool, tuple[Item, ...]], ...]
    # (the other person's name, the label now, the stage behind it)
    relationships: tuple[tuple[str, str, Item], ...]

    @property
    def items(self) -> list[Item | None]:
        """Every item behind the card's lines, in the card's order (for its sources)."""
        rows = {field: (item, cited) for field, _value, item, cited in self.rows}
        out: list[Item | None] = [self.name_item]
        out.extend(rows.get("aliases", (None, ()))[1])
        for field in ("actor", "role", "status"):
            out.append(rows[field][0] if field in rows else None)
        out.extend(f for _e, _now, facts in self.facts for f in facts)
        out.extend(stage for _n, _l, stage in self.relationships)
        return out


def card_content(view: View, c: CharacterView) -> CardContent:
    rows = tuple((field, value, item, cited) for field, value, item, cited in (
        ("aliases", ", ".join(c.aliases), None, c.alias_items),
        ("actor", c.actor or "", c.actor_item, (c.actor_item,)),
        ("role", c.role or "", c.role_item, (c.role_item,)),
        ("status", c.status or "", c.status_item, (c.status_item,)),
        ("groups", ", ".join(c.groups), None, ()),
    ) if value)
    facts = []
    for episode, group in groupby(c.facts, key=lambda f: f.at.episode):
        ep = view.episode(episode)
        facts.append((episode, ep is not None and ep.state == "current", tuple(group)))
    # what the other person is to the card's owner (its side of the stage's labels)
    rels = tuple((r.other(c.id).name, r.label_for(c.id), r.stage)
                 for r in view.relationships_of(c.id))
    return CardContent(c.name, c.name_item, rows, tuple(facts), rels)


_CLI_LABELS = {"aliases": "Also known as", "actor": "Played by", "role": "Role",
               "status": "Status", "groups": "Group"}


def card(console: Console, view: View, c: CharacterView) -> None:
    marked = _Marks()
    content = card_content(view, c)
    console.print(Text(content.name, style="bold underline"))
    for field, value, item, _cited in content.rows:
        head = f"{_CLI_LABELS[field]}: "
        line = Text(_wrap(console, head, marked(value, item)))
        line.stylize("bold", 0, len(head))
        console.print(line)
    if content.facts:
        console.print()
        console.print(Text("What you know", style="bold"))
        for episode, _now, facts in content.facts:
            console.print(Text(f"Episode {episode}", style="italic"))
            for f in facts:
                _bullet(console, "  • ", marked(f.text, f))
    if content.relationships:
        console.print()
        console.print(Text("Relationships", style="bold"))
        for other, label, stage in content.relationships:  # what the other is to the owner
            _bullet(console, "  • ", f"{other}: {marked(label, stage)}")
    marked.legend(console)


def relationships(console: Console, view: View, who: CharacterView | None) -> None:
    rels = view.relationships_of(who.id) if who else list(view.relationships)
    _header(console, view, f"relationships of {who.name}" if who else "relationships")
    if not rels:
        console.print("No relationships known yet.")
        return
    marked = _Marks()
    for r in rels:
        if who is not None:  # one person's side: what each other person is to them
            console.print(Text.assemble((r.other(who.id).name, "bold"),
                                        f": {marked(r.label_for(who.id), r.stage)}"))
        else:  # a pair: the neutral label, or each side in the order of the names
            console.print(Text.assemble((f"{r.a.name} ↔ {r.b.name}", "bold"),
                                        f": {marked(r.label, r.stage)}"))
        for h in r.history:
            _bullet(console, f"    · ({h.at.episode}) ", marked(h.text, h))
    marked.legend(console)


def threads(console: Console, view: View) -> None:
    _header(console, view, "threads")
    if not view.threads:
        console.print("No plot threads yet.")
        return
    marked = _Marks()
    for t in view.threads:
        console.print(Text.assemble((marked(t.title, t.titles[-1] if t.titles else None), "bold"),
                                    f"  [{t.status}]"))
        for b in t.beats:
            _bullet(console, f"    · ({b.at.episode}) ", marked(b.text, b))
        if t.resolution:
            _bullet(console, f"    ✓ ({t.resolution.at.episode}) ",
                    marked(t.resolution.text, t.resolution))
    marked.legend(console)


def episodes(console: Console, view: View) -> None:
    _header(console, view, "episodes")
    marked = _Marks()
    for e in view.episodes:
        note = {"watched": "", "current": "  (so far)", "unstarted": ""}[e.state]
        console.print(Text(e.label + note, style="bold" if e.state != "unstarted" else "dim"))
        for b in e.recap:
            _bullet(console, "    · ", marked(b.text, b))
        if e.state == "current" and e.recap_note:
            console.print(Text(f"    {e.recap_note}", style="dim"))
    marked.legend(console)


def recap(console: Console, view: View) -> None:
    """Previously on: the last episode finished, and the one being watched so far — what to
    remember before pressing play (``show episodes`` lists them all)."""
    _header(console, view, "previously on")
    watched = [e for e in view.episodes if e.state == "watched"]
    current = next((e for e in view.episodes if e.state == "current"), None)
    shown = ([watched[-1]] if watched else []) + ([current] if current is not None else [])
    if not any(e.recap or e.recap_note for e in shown):
        console.print(Text("Nothing to recap yet."))
        return
    marked = _Marks()
    for e in shown:
        console.print(Text(e.label + ("  (so far)" if e is current else ""), style="bold"))
        for b in e.recap:
            _bullet(console, "    · ", marked(b.text, b))
        if e is current and e.recap_note:
            console.print(Text(f"    {e.recap_note}", style="dim"))
    if len(watched) > 1:
        earlier = ("episode 1" if len(watched) == 2 else f"episodes 1–{watched[-2].number}")
        console.print(Text(f"Earlier ({earlier}): companion show episodes", style="dim"))
    marked.legend(console)
