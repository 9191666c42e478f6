"""Keys typed while a screen opens go to that screen, in the order typed, once it is up.

Textual hands each key to whatever has focus when the key is read. A screen pushed from Home is
not composed, let alone focused, for a moment, so keys typed right after the one that opened it
(`b` then a search, say) went to Home's menu, came back up unhandled and were matched against a
screen not yet there: some were dropped, some acted before the screen had set its own focus (`/`
focused the search box, then the screen focused its table and the rest of the search was lost).
`OpeningApp.open_screen` holds every key from the push until the screen has drawn itself, then
sends them on in order: a key the focused box types goes straight after the one before, any
other key once it has gone through (its binding run).
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

HOLD_AT_MOST_S = 2.0
"""Keys are sent on after this even if the screen never says it is up (input is never lost)."""
NEXT_KEY_AFTER_S = 0.25
"""A held key that a widget stops without typing it never comes back up: the next one follows
after this long at the latest."""


SENT_KEPT = 64
"""How many keys sent on are remembered as such (more than are ever held at once)."""


class OpeningApp(App[int]):
    """An app whose screens opened with `open_screen` get the keys typed while they open."""

    _held: list[events.Key] | None = None
    """Keys waiting for the screen being opened; None when nothing is held."""
    _sending: events.Key | None = None
    """The held key sent on last, while it goes through and comes back up."""
    _sent: deque[events.Key]
    """The last held keys sent on: they pass (not held again), read or coming back up."""

    _pace: Timer | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sent = deque(maxlen=SENT_KEPT)

    def open_screen(self, screen: Screen[Any]) -> None:
        """Push `screen`; keys typed from now until it is up go to it, not to the screen below."""
        if self._held is None:
            self._held = []
        self._sending = None  # (keys still held from an earlier opening wait for this one)
        self._stop_pace()
        self.push_screen(screen)
        screen.call_after_refresh(self._screen_up)
        self.set_timer(HOLD_AT_MOST_S, self._screen_up)

    def _screen_up(self) -> None:
        if self._held is not None and self._sending is None:
            self._send_next()

    def _send_next(self) -> None:
        self._stop_pace()
        if not self._held:
            self._held = None
            self._sending = None
            return
        key = self._held.pop(0)
        self._sent.append(key)
        self.post_message(key)
        focused = self.focused
        if focused is not None and focused.check_consume_key(key.key, key.character):
            # Typed into the focused box, in its queue ahead of whatever comes next.
            self.call_later(self._send_next)
            return
        # Anything else acts once it comes back up unhandled (bindings run there): wait for it.
        self._sending = key
        self._pace = self.set_timer(NEXT_KEY_AFTER_S, self._send_next)

    def _stop_pace(self) -> None:
        if self._pace is not None:
            self._pace.stop()
            self._pace = None

    async def on_event(self, event: events.Event) -> None:
        held = self._held
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if held is not None and not any(k is event for k in self._sent):
            # Read from the terminal now, or typed before the push and coming back up unhandled
            # from the screen below: either way it belongs to the screen being opened.
            held.append(events.Key(event.key, event.character))
            return
        came_back = event.is_forwarded  # (forwarding it below marks it forwarded)
        await super().on_event(event)
        if came_back and event is self._sending:
            self.call_later(partial(self._next_if_sending, event))  # its binding has run

    def _next_if_sending(self, key: events.Key) -> None:
        if self._sending is key:
            self._send_next()
