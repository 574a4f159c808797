"""The progress picker (episode + checkpoint), in episode terms only: it names an episode by
its title only if the viewer has already started it. (The forward-jump question: confirm.py.)"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.progress import CHECKPOINTS, FRIENDLY, Position
from runaway_companion.tui.dialogs.confirm import ConfirmScreen, confirm_question

__all__ = ["ConfirmScreen", "PickerScreen", "confirm_question"]

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import View

class PickerScreen(ModalScreen["Position | None"]):
    """Pick an episode and a checkpoint; dismisses with the Position (or None)."""

    CSS_PATH = Path(__file__).resolve().with_name("picker.tcss")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker-cancel"),
        Binding("left", "focus_side('episodes')", "Episode", show=False, id="picker-left"),
        Binding("right", "focus_side('checkpoints')", "Checkpoint", show=False,
                id="picker-right"),
        *(Binding(str(n), f"episode({n})", show=False, id=f"picker-episode-{n}")
          for n in range(1, 10)),
    ]

    def __init__(self, view: "View", first_run: bool = False):
        super().__init__()
        self.view = view
        self.first_run = first_run
        self.episode = view.position.episode
        self.checkpoint = view.position.checkpoint

    def compose(self):
        title = (f"Where are you in {self.view.show_title}?" if self.first_run
                 else "Set your progress")
        with VerticalScroll(id="picker-box"):
            yield Static(Text(title, style="bold"), id="picker-title")
            yield Static(Text("Pick the episode, then how far into it you are. Nothing after "
                              "that point is shown.", style="dim"), id="picker-hint")
            with Horizontal(id="picker-lists"):
                episodes = [Option(Text(e.label), id=str(e.number))
                            for e in self.view.episodes]
                yield OptionList(*episodes, id="picker-episodes")
                checkpoints = [Option(Text(FRIENDLY[c]), id=c) for c in CHECKPOINTS]
                yield OptionList(*checkpoints, id="picker-checkpoints")
            yield Static("", id="picker-preview")
            with Horizontal(id="picker-buttons"):
                yield Button("Go there", variant="primary", id="picker-go")
                yield Button("Cancel", id="picker-cancel")

    def on_mount(self) -> None:
        eps = self.query_one("#picker-episodes", OptionList)
        cps = self.query_one("#picker-checkpoints", OptionList)
        eps.highlighted = self.episode - 1
        cps.highlighted = CHECKPOINTS.index(self.checkpoint)
        eps.focus()
        self._preview()

    @property
    def target(self) -> Position:
        return Position(self.episode, self.checkpoint)

    def _preview(self) -> None:
        self.query_one("#picker-preview", Static).update(
            Text.assemble("You'll be at: ", (self.target.describe(), "bold")))

    @on(OptionList.OptionHighlighted, "#picker-episodes")
    def _episode_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            self.episode = int(event.option_id)
            self._preview()

    @on(OptionList.OptionHighlighted, "#picker-checkpoints")
    def _checkpoint_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            self.checkpoint = event.option_id
            self._preview()

    @on(OptionList.OptionSelected, "#picker-episodes")
    def _episode_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#picker-checkpoints").focus()

    @on(OptionList.OptionSelected, "#picker-checkpoints")
    def _checkpoint_chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.target)

    @on(Button.Pressed, "#picker-go")
    def _go(self) -> None:
        self.dismiss(self.target)

    @on(Button.Pressed, "#picker-cancel")
    def _cancel_button(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_focus_side(self, side: str) -> None:
        self.query_one(f"#picker-{side}").focus()

    def action_episode(self, number: int) -> None:
        if 1 <= number <= self.view.episode_count:
            self.query_one("#picker-episodes", OptionList).highlighted = number - 1
            self.query_one("#picker-checkpoints").focus()
