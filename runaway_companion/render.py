"""Rich renderings of a View for the command line (no Textual here)."""
from __future__ import annotations

import textwrap
from itertools import groupby
from typing import NamedTuple

from rich.console import Console
from rich.table import Table
from rich.text import Text

from runaway_companion.model import Item
from runaway_companion.view import CharacterView, View


def _header(console: Console, view: View, what: str) -> None:
    console.print(Text(f"{view.show_title} · {view.position.describe()} — {what}", style="bold"))


def characters(console: Console, view: View) -> None:
    _header(console, view, "characters")
    if not view.characters:
        console.print("No characters yet — the show hasn't started.")
        return
    if console.width < 100:  # a pipe or a narrow terminal: a list reads better than 5 columns
        # one Text, printed once: a print per line cost ~9 ms for the whole cast
        out = Text()
        for c in view.characters:
            out.append(c.name, style="bold")
            if c.aliases:
                out.append(f" (also {', '.join(c.aliases)})")
            if c.actor:
                out.append(f" — {c.actor}", style="dim")
            out.append("\n")
            details = " · ".join(x for x in (c.role, c.status) if x)
            if details:
                out.append(textwrap.fill(details, width=max(console.width, 20),
                                         initial_indent="  ", subsequent_indent="  ") + "\n")
        out.rstrip()
        console.print(out)
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
        table.add_row(*row, c.role or "", c.status or "", c.actor or "")
    console.print(table)


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
    rels = tuple((r.other(c.id).name, r.label, r.stages[-1]) for r in view.relationships_of(c.id))
    return CardContent(c.name, c.name_item, rows, tuple(facts), rels)


_CLI_LABELS = {"aliases": "Also known as", "actor": "Played by", "role": "Role",
               "status": "Status", "groups": "Group"}


def card(console: Console, view: View, c: CharacterView) -> None:
    content = card_content(view, c)
    console.print(Text(content.name, style="bold underline"))
    for field, value, _item, _cited in content.rows:
        console.print(Text.assemble((f"{_CLI_LABELS[field]}: ", "bold"), value))
    if content.facts:
        console.print()
        console.print(Text("What you know", style="bold"))
        for episode, _now, facts in content.facts:
            console.print(Text(f"Episode {episode}", style="italic"))
            for f in facts:
                mark = " (uncertain)" if f.confidence == "low" else ""
                console.print(f"  • {f.text}{mark}")
    if content.relationships:
        console.print()
        console.print(Text("Relationships", style="bold"))
        for other, label, _stage in content.relationships:
            console.print(f"  • {other}: {label}")


def relationships(console: Console, view: View, who: CharacterView | None) -> None:
    rels = view.relationships_of(who.id) if who else list(view.relationships)
    _header(console, view, f"relationships of {who.name}" if who else "relationships")
    if not rels:
        console.print("No relationships known yet.")
        return
    for r in rels:
        console.print(Text.assemble((f"{r.a.name} ↔ {r.b.name}", "bold"), f": {r.label}"))
        for h in r.history:
            console.print(f"    · ({h.at.episode}) {h.text}")


def threads(console: Console, view: View) -> None:
    _header(console, view, "threads")
    if not view.threads:
        console.print("No plot threads yet.")
        return
    for t in view.threads:
        console.print(Text.assemble((t.title, "bold"), f"  [{t.status}]"))
        for b in t.beats:
            console.print(f"    · ({b.at.episode}) {b.text}")
        if t.resolution:
            console.print(f"    ✓ ({t.resolution.at.episode}) {t.resolution.text}")


def episodes(console: Console, view: View) -> None:
    _header(console, view, "episodes")
    for e in view.episodes:
        note = {"watched": "", "current": "  (so far)", "unstarted": ""}[e.state]
        console.print(Text(e.label + note, style="bold" if e.state != "unstarted" else "dim"))
        for b in e.recap:
            console.print(f"    · {b.text}")


def recap(console: Console, view: View) -> None:
    _header(console, view, "previously")
    beats = [(e, b) for e in view.episodes for b in e.recap]
    if not beats:
        console.print("Nothing to recap yet.")
        return
    for e, group in groupby(beats, key=lambda eb: eb[0]):
        console.print(Text(e.label, style="bold"))
        for _, b in group:
            console.print(f"    · {b.text}")
