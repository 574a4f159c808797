"""The Textual UI. Import this only to launch the TUI."""
from runaway_companion.tui.app import CompanionApp

__all__ = ["CompanionApp"]
