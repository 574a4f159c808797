"""companion — a spoiler-safe companion for watching *Run Away*."""

__version__ = "0.1.0"
