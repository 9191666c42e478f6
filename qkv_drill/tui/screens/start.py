"""The bottom of the screen stack under `qkv-drill practice` and `qkv-drill drill`: Home is built
the first time the user goes back to it, not under the first question.

Textual lays out and paints the screen just below the top one (in case the top is see-through),
so a Home under the first question would be composed, styled and laid out for nothing.
"""

from __future__ import annotations

from textual.screen import Screen


class HomeLater(Screen[None]):
    """A blank stand-in at the bottom of the stack; once uncovered, it opens Home over itself
    (the app's navigation goes back to Home, never below it)."""

    def __init__(self) -> None:
        super().__init__(id="home-later")
        self._covered = False

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        if self._covered and self.app.screen is self:
            from qkv_drill.tui.screens.home import HomeScreen

            self.app.push_screen(HomeScreen(id="home"))
