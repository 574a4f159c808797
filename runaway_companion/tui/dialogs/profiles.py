"""Whose progress: choose one profile (switch, or leave watching together), or two or more to
watch together. Each profile is listed with its saved place, in episode terms only."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

_CSS = Path(__file__).resolve().with_name("profiles.tcss")


class ProfileScreen(ModalScreen["str | None"]):
    """``ProfileScreen(title, [(name, where), …])``: dismisses with the chosen name (or None)."""

    CSS_PATH = _CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="profile-cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]],
                 current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = tuple(choices)
        self.current = current

    def compose(self):
        with VerticalScroll(id="profile-box"):
            yield Static(Text(self.title_text, style="bold"), id="profile-title")
            yield OptionList(*(Option(Text.assemble((name, "bold"), f" — {where}"), id=name)
                               for name, where in self.choices), id="profile-list")

    def on_mount(self) -> None:
        names = [name for name, _where in self.choices]
        options = self.query_one("#profile-list", OptionList)
        options.highlighted = names.index(self.current) if self.current in names else 0
        options.focus()

    @on(OptionList.OptionSelected, "#profile-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TogetherScreen(ModalScreen["tuple[str, ...] | None"]):
    """Tick two or more profiles; dismisses with their names (or None)."""

    CSS_PATH = _CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="together-cancel")]

    def __init__(self, choices: Sequence[tuple[str, str]], ticked: Sequence[str] = ()) -> None:
        super().__init__()
        self.choices = tuple(choices)
        self.ticked = tuple(ticked)

    def compose(self):
        with VerticalScroll(id="profile-box"):
            yield Static(Text("Watch together", style="bold"), id="profile-title")
            yield Static(Text("Tick everyone on the sofa (space). The screen shows what the "
                              "earliest of them has reached.", style="dim"), id="profile-hint")
            yield SelectionList[str](
                *((Text.assemble((name, "bold"), f" — {where}"), name, name in self.ticked)
                  for name, where in self.choices), id="together-list")
            yield Static("", id="together-error")
            with Horizontal(id="profile-buttons"):
                yield Button("Watch together", variant="primary", id="together-go")
                yield Button("Cancel", id="together-cancel")

    def on_mount(self) -> None:
        self.query_one("#together-list").focus()

    @property
    def chosen(self) -> tuple[str, ...]:
        return tuple(self.query_one("#together-list", SelectionList).selected)

    @on(Button.Pressed, "#together-go")
    def _go(self) -> None:
        if len(self.chosen) < 2:
            self.query_one("#together-error", Static).update(
                Text("Tick two or more profiles to watch together.", style="bold red"))
            return
        self.dismiss(self.chosen)

    @on(Button.Pressed, "#together-cancel")
    def _cancel_button(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
