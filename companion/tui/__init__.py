"""The Textual UI. Import this only to launch the TUI."""
from companion.tui.app import CompanionApp

__all__ = ["CompanionApp"]
