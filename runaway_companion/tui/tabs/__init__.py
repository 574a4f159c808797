"""The main screen's tabs: one module (and one .tcss) each."""
