"""Dialogs over the main screen: the progress picker, the forward-jump question, help."""
