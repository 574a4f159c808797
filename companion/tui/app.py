"""Placeholder app (replaced by the full TUI)."""
from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from companion.model import Pack
from companion.progress import Position


class CompanionApp(App):
    def __init__(self, pack: Pack, position: Position, first_run: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.pack = pack
        self.position = position
        self.first_run = first_run

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.position.describe())
        yield Footer()
