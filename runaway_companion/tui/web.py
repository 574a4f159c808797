"""What a browser page (``companion serve``) needs of the app: the press that gives it focus
only gives it focus, and a screenshot delivered to the browser is said in a toast."""
from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App


class WebAwareApp(App[None]):
    """In a browser the page starts unfocused; the first click into it arrives as AppFocus
    and, a moment later, that click's MouseDown/MouseUp — which would otherwise act (choose an
    episode in the picker that opens at first launch). A terminal that reports focus sends the
    same. Only a press within FOCUS_PRESS_WINDOW of an AppFocus that ended a blur is dropped."""

    # seconds between the app's focus and a press that counts as the one that gave it (both
    # come from one browser event, a fraction of a millisecond apart when they are made)
    FOCUS_PRESS_WINDOW: ClassVar[float] = 0.25
    _focused_at: float | None = None  # when an AppFocus came
    _focusing_press = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.AppFocus):
            self._focused_at = None if self.app_focus else event.time
        elif isinstance(event, (events.AppBlur, events.Key)):
            self._focused_at = None
        elif isinstance(event, events.MouseDown) and not event.is_forwarded:
            focused_at, self._focused_at = self._focused_at, None
            self._focusing_press = focused_at is not None \
                and event.time - focused_at <= self.FOCUS_PRESS_WINDOW
            if self._focusing_press:
                self.app_focus = True
                return
        elif isinstance(event, events.MouseUp) and not event.is_forwarded \
                and self._focusing_press:
            self._focusing_press = False  # (no MouseUp, no Click: nothing acts on it)
            return
        await super().on_event(event)

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        from runaway_companion.tui import screenshot

        if event.name == screenshot.SCREENSHOT_DELIVERY:
            screenshot.delivered(self, self.last_screenshot or "The screenshot")

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        from runaway_companion.tui import screenshot

        if event.name == screenshot.SCREENSHOT_DELIVERY:
            screenshot.not_delivered(self, event.exception)
