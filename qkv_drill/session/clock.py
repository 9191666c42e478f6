"""Time as an injected dependency, so timed sessions are testable without sleeping.

Countdowns use `monotonic()` (never wall time, which can jump); records use `now()` in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...

    def now_utc(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        import time

        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def now_utc(self) -> datetime:
        return self.now()


SYSTEM_CLOCK = SystemClock()


class FakeClock:
    """A clock that only moves when told to: `advance(seconds)` moves both readings together."""

    def __init__(self, start: datetime | None = None, monotonic_start: float = 1000.0) -> None:
        self._mono = float(monotonic_start)
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> datetime:
        return self._now

    def now_utc(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._mono += seconds
        self._now += timedelta(seconds=seconds)
