"""The mock interview's countdown: mm:ss in large digits, amber under 5 minutes, red under 1."""

from __future__ import annotations

from textual.widgets import Digits

from qkv_drill.present.formats import mm_ss

WARN_SECONDS = 5 * 60  # the countdown turns amber and says so
DANGER_SECONDS = 60  # the countdown turns red and says so
WARNINGS = ((WARN_SECONDS, "5 minutes left"), (DANGER_SECONDS, "1 minute left"))
"""(threshold, what is said once when time left reaches it)."""


class Countdown(Digits):
    """Time left; it only paints what it is given (the session owns the clock)."""

    def __init__(self, remaining: float, *, id: str | None = None) -> None:
        super().__init__(mm_ss(remaining), id=id)
        self._warned = {t for t, _ in WARNINGS if remaining <= t}
        """Thresholds the interview (or the resumed part of it) began under are not announced."""

    def show(self, remaining: float) -> list[str]:
        """Paint the time left; return the warnings crossed since the last call, to be said."""
        self.update(mm_ss(remaining))
        self.set_class(DANGER_SECONDS < remaining <= WARN_SECONDS, "-warn")
        self.set_class(remaining <= DANGER_SECONDS, "-danger")
        said = []
        for threshold, text in WARNINGS:
            if remaining <= threshold and threshold not in self._warned:
                self._warned.add(threshold)
                if remaining > 0:
                    said.append(text)
        return said
