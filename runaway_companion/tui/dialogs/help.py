"""The help screen (``?`` or F1): every key, read from the live bindings of the screen it was
opened over, and what every mark on the screen means.

The keys are never a list kept by hand: they are that screen's ``active_bindings`` when help
opened (the focused widget's, the screen's, the app's — after any keymap, with any binding added
at run time), each with its key as the footer shows it, its description and its tooltip. The
screen's own keys that work only on another tab (its ``check_action`` says no here) follow,
from its ``BINDINGS``. The marks are read from the modules that draw them. Nothing here reads
the pack or a View: the help is the same text at every position (no spoiler can get in).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runaway_companion.tui.tabs import episodes, threads
from runaway_companion.tui.text import NOT_DUE_MARK
from runaway_companion.view import MARK, MARK_LEGEND

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App
    from textual.screen import Screen

PROMISE = (
    "Spoiler-safe: everything you see is what the show has revealed up to your position — "
    "names as known then, roles and relationships as understood then. Moving back never asks; "
    "jumping forward more than one checkpoint asks first. The mouse works too: click tabs, "
    "lists and the keys in the footer."
)

# Textual's own keys have a description and no tooltip: what they do here, in a few words
# (by action; a key that is not bound is never shown, so this cannot make a key up)
NOTES = {
    "app.focus_next": "Move to the next panel (the list, the details)",
    "app.focus_previous": "Move to the previous panel",
    "screen.copy_text": "Copy the text selected with the mouse",
    "command_palette": "Jump to a character, thread or episode; themes; commands",
}


class KeyRow(NamedTuple):
    """One line of the help: the keys of one action (as the footer shows them)."""

    keys: tuple[str, ...]
    description: str
    tooltip: str
    binding_id: str | None


class Section(NamedTuple):
    title: str
    rows: tuple[KeyRow, ...]
    compact: bool = False  # a widget's own keys (↑ ↓ home …): packed in a paragraph


def key_sections(screen: "Screen") -> list[Section]:
    """The help's key sections for ``screen`` as its bindings stand now."""
    app: "App" = screen.app
    rows: dict[tuple[int, str], dict] = {}  # (owner, action) -> one row, in the order seen
    live: set[str | None] = set()  # the ids of every binding that works here
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue  # (Textual's ctrl+c "quit?" hint and the like: nothing to say)
        node = active.node
        if node is app:
            section = ("Anywhere", 3)
        elif node is screen:
            section = (binding.group.description, 0) if binding.group else ("Keys", 1)
        else:
            section = ("In a list or a panel", 2)
        row = rows.setdefault((id(node), binding.action), {
            "section": section, "keys": [], "description": binding.description,
            "tooltip": "", "id": None})
        live.add(binding.id)
        key = app.get_key_display(binding)
        if key in row["keys"]:
            continue
        if binding.id and row["id"] is None:  # the companion's own binding leads the row
            row.update(keys=[key, *row["keys"]], description=binding.description,
                       tooltip=binding.tooltip or row["tooltip"], id=binding.id)
        else:
            row["keys"].append(key)
            row["tooltip"] = row["tooltip"] or binding.tooltip or NOTES.get(binding.action, "")
    by_section: dict[tuple[str, int], list[KeyRow]] = {}
    for row in rows.values():
        by_section.setdefault(row["section"], []).append(
            KeyRow(tuple(row["keys"]), row["description"], row["tooltip"], row["id"]))
    sections = [Section(title, tuple(sorted(found, key=lambda r: r.binding_id is None)),
                        compact=rank == 2)
                for (title, rank), found in sorted(by_section.items(), key=lambda kv: kv[0][1])]
    elsewhere = [
        KeyRow((app.get_key_display(b),), b.description, b.tooltip, b.id)
        for b in Binding.make_bindings(getattr(type(screen), "BINDINGS", []))
        if b.id and b.id not in live and b.description
    ]
    if elsewhere:
        sections.append(Section("On another tab", tuple(elsewhere)))
    return sections


def mark_rows() -> list[tuple[str, str]]:
    """Every mark the tabs draw, read from the modules that draw it."""
    return [
        (MARK, MARK_LEGEND.removeprefix(MARK).strip()),
        ("·N", "a count of what is shown: after a name, how many relationships you know of "
               "now; in a heading or a tab's name, how many are listed there"),
        (f"{episodes.MARK['watched']} {episodes.MARK['current']}",
         "Episodes: watched · the one you are in"),
        (threads.RESOLVED, "Threads: resolved"),
        ("[1, 2]", "with s on Characters: the sources behind a line, listed under the card"),
        (NOT_DUE_MARK, "a source not due yet: it is shown once its episode is behind you"),
    ]


def timeline_rows() -> list[tuple[str | Text, str]]:
    bar, beat, done, open_end, now = (threads.BAR, threads.BEAT, threads.RESOLVED,
                                      threads.OPEN_END, threads.NOW)
    return [
        (f"{bar}{open_end}", "an open thread, up to now"),
        (f"{bar}{done}", "a thread, until it was resolved"),
        (beat, "a beat: something that happened in that thread"),
        (now, "you are here; nothing is drawn to the right of it"),
        (Text("3", style="reverse"), "an episode number shown reversed: the one you are in"),
    ]


def _grid(rows) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for key, what in rows:
        table.add_row(key, what)
    return table


def _keys_grid(section: Section) -> RenderableType:
    if section.compact:
        line = Text()
        for n, row in enumerate(section.rows):
            if n:
                line.append("   ")
            line.append(" ".join(row.keys), style="bold")
            line.append(f" {row.description}")
        return line
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, style="dim")
    for row in section.rows:
        table.add_row(" ".join(row.keys), row.description, row.tooltip)
    return table


def help_text(sections: list[Section]) -> Group:
    parts: list[RenderableType] = []
    for section in sections:
        parts += [Text(section.title, style="bold underline"), _keys_grid(section), Text("")]
    parts += [Text("Marks", style="bold underline"), _grid(mark_rows()), Text(""),
              Text("The threads' timeline", style="bold underline"), _grid(timeline_rows()),
              Text(""), Text(PROMISE, style="dim"), Text(""),
              Text("esc, q, ? or F1 closes this", style="dim italic")]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """``HelpScreen()``: the keys of the screen in front when it is made (or of ``screen``)."""

    CSS_PATH = Path(__file__).resolve().with_name("help.tcss")
    BINDINGS = [
        Binding("escape", "close", "Close", id="help-close"),
        Binding("q", "close", "Close", show=False, id="help-close-q"),
        Binding("question_mark,f1", "close", "Close", show=False, id="help-close-help"),
    ]

    def __init__(self, screen: "Screen | None" = None) -> None:
        super().__init__()
        under = screen if screen is not None else self.app.screen
        self.sections = key_sections(under)  # as the keys stand when help opens

    def compose(self):
        with Vertical(id="help-box") as box:
            box.border_title = "Keys and help"
            box.border_subtitle = "esc closes"
            with VerticalScroll(id="help-scroll"):
                yield Static(help_text(self.sections), id="help-body")

    def action_close(self) -> None:
        self.dismiss(None)
