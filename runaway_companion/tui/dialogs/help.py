"""The ``?`` help screen: every key, and what the companion promises about spoilers."""
from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runaway_companion.view import MARK_LEGEND

KEYS: list[tuple[str, str]] = [
    ("1 2 3 4", "Characters · Relationships · Threads · Episodes"),
    ("5  or  n", "New since last time: what moving forward revealed"),
    ("p", "set your progress (episode + checkpoint)"),
    ("]  /  [", "one checkpoint forward / back"),
    ("/", "Characters: filter the list as you type (esc clears)"),
    ("s", "Characters: show the sources behind the card"),
    ("m", "Relationships: switch between the person map and the cast map"),
    ("↑ ↓  enter", "move in a list · open"),
    ("tab", "move between the list and the details"),
    ("ctrl+p", "palette: jump to a character, thread or episode; themes; commands"),
    ("ctrl+s", "save an SVG screenshot of the screen"),
    ("?", "this help"),
    ("q", "quit (your progress is already saved)"),
]

PROMISE = (
    "Spoiler-safe: everything you see is what the show has revealed up to your position — "
    "names as known then, roles and relationships as understood then. Moving back never asks; "
    "jumping forward more than one checkpoint asks first. The mouse works too: click tabs, "
    "lists and the keys in the footer."
)


def help_text() -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for key, what in KEYS:
        table.add_row(key, what)
    return Group(Text("Keys", style="bold underline"), Text(""), table, Text(""),
                 Text(PROMISE, style="dim"), Text(""), Text(MARK_LEGEND, style="dim"), Text(""),
                 Text("esc, q or ? closes this", style="dim italic"))


class HelpScreen(ModalScreen[None]):
    CSS_PATH = Path(__file__).resolve().with_name("help.tcss")
    BINDINGS = [
        Binding("escape", "close", "Close", id="help-close"),
        Binding("q", "close", "Close", show=False, id="help-close-q"),
        Binding("question_mark", "close", "Close", show=False, id="help-close-help"),
    ]

    def compose(self):
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-scroll"):
                yield Static(help_text(), id="help-body")

    def action_close(self) -> None:
        self.dismiss(None)
