"""The progress picker (episode + checkpoint), in episode terms only: it names an episode by
its title only if the viewer has already started it. A time field takes the clock on the
viewer's player instead ("34:10"): clock.py turns it into the checkpoint safely behind it.
(The forward-jump question: confirm.py.)"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from runaway_companion.clock import ClockError, Reading, position_at
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
        self.seasons = view.pack.seasons
        self.reading: Reading | None = None  # what the time field became (None: no time typed)
        self.time_error: str | None = None  # the time field's one-line error, if any

    def compose(self):
        title = (f"Where are you in {self.view.show_title}?" if self.first_run
                 else "Set your progress")
        with VerticalScroll(id="picker-box"):
            yield Static(Text(title, style="bold"), id="picker-title")
            yield Static(Text("Pick the episode, then how far into it you are. Nothing after "
                              "that point is shown.", style="dim"), id="picker-hint")
            with Horizontal(id="picker-lists"):
                episodes = [Option(Text(self._episode_label(e)), id=str(e.number))
                            for e in self.view.episodes]
                yield OptionList(*episodes, id="picker-episodes")
                checkpoints = [Option(Text(FRIENDLY[c]), id=c) for c in CHECKPOINTS]
                yield OptionList(*checkpoints, id="picker-checkpoints")
            yield Input(placeholder="…or the time on your player, e.g. 34:10 or 34m",
                        id="picker-time", tooltip="The time your player shows in the "
                        "episode highlighted: it becomes the checkpoint safely behind it")
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

    def _episode_label(self, episode) -> str:
        """``Episode 4: Title``; in a show with seasons ``2x01 · Episode 4: Title``."""
        if not self.seasons:
            return episode.label
        return f"{Position(episode.number).label(self.seasons).split(':')[0]} · {episode.label}"

    def _preview(self) -> None:
        you = Text.assemble("You'll be at: ", (self.target.describe(self.seasons), "bold"))
        if self.time_error:
            shown = Text.assemble((self.time_error, "bold red"))
        elif self.reading is not None:
            shown = Text.assemble(you, "\n", (self.reading.explain(), "dim"))
        else:
            shown = you
        self.query_one("#picker-preview", Static).update(shown)

    def _read_time(self) -> None:
        """The time field, read against the highlighted episode's runtime (rounded down)."""
        text = self.query_one("#picker-time", Input).value.strip()
        self.reading = self.time_error = None
        if text:
            runtime = next((e.runtime_s for e in self.view.pack.episodes
                            if e.number == self.episode), None)
            try:
                self.reading = position_at(self.episode, text, runtime)
            except ClockError as exc:
                self.time_error = str(exc)  # nothing moves
            else:
                self.checkpoint = self.reading.position.checkpoint
                cps = self.query_one("#picker-checkpoints", OptionList)
                cps.highlighted = CHECKPOINTS.index(self.checkpoint)
        self._preview()

    @on(Input.Changed, "#picker-time")
    def _time_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._read_time()

    @on(Input.Submitted, "#picker-time")
    def _time_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._go()

    @on(OptionList.OptionHighlighted, "#picker-episodes")
    def _episode_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            self.episode = int(event.option_id)
            if self.query_one("#picker-time", Input).value.strip():
                self._read_time()  # the time is read against this episode's runtime now
            else:
                self._preview()

    @on(OptionList.OptionHighlighted, "#picker-checkpoints")
    def _checkpoint_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id:
            if self.reading is not None and event.option_id != self.reading.position.checkpoint:
                self.reading = None  # a checkpoint chosen by hand replaces the time's
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
        if self.time_error:  # a bad time goes nowhere: the error stays in the preview
            self.app.bell()
            return
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
