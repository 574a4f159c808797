"""The "are you sure?" for a jump forward of more than one checkpoint — in episode terms; it
never says what will be revealed."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from runaway_companion.progress import Position

_UP_TO = {
    "start": "the start of episode {n}",
    "early": "a quarter of the way into episode {n}",
    "mid": "halfway through episode {n}",
    "late": "three quarters of the way into episode {n}",
    "end": "the end of episode {n}",
}


def confirm_question(target: Position) -> str:
    """``Show everything up to the end of episode 6?`` — never what that is."""
    return f"Show everything up to {_UP_TO[target.checkpoint].format(n=target.episode)}?"




class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question in episode terms."""

    CSS_PATH = Path(__file__).resolve().with_name("picker.tcss")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n", "answer(False)", "No", id="confirm-no"),
        Binding("escape", "answer(False)", "Cancel", show=False, id="confirm-cancel"),
        Binding("left", "app.focus_previous", show=False, id="confirm-left"),
        Binding("right", "app.focus_next", show=False, id="confirm-right"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self):
        with VerticalScroll(id="confirm-box"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes, show it", variant="primary", id="confirm-yes")
                yield Button("No", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes").focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
