"""One snapshot of progress for the stats screen: accuracy per topic and per day, the due
forecast, the streak and totals. Read-only queries on the store; nothing is cached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from qkv_drill.session.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from qkv_drill.store import Store


@dataclass(frozen=True)
class StatsSnapshot:
    taken_utc: datetime
    by_topic: dict[str, tuple[int, int]]  # topic -> (correct, total)
    daily: list[tuple[date, int, int]]  # last 30 days: (day, correct, total), oldest first
    due_forecast: list[tuple[date, int]]  # next 14 days: (day, cards due that day)
    due_now: int
    streak: int  # consecutive days with at least one answer, ending today or yesterday
    total_answers: int
    total_correct: int
    cards: int
    today: date | None = None  # the user's local day when taken
    calendar: list[tuple[date, int]] = field(default_factory=list)  # (day, answers), a year+

    @property
    def accuracy(self) -> float | None:
        return self.total_correct / self.total_answers if self.total_answers else None

    def topic_accuracy(self) -> dict[str, float]:
        return {t: c / n for t, (c, n) in self.by_topic.items() if n}

    @classmethod
    def build(cls, store: Store, clock: Clock = SYSTEM_CLOCK, days: int = 30) -> StatsSnapshot:
        now = clock.now()
        today = store.local_today(now)  # days are the user's local days
        by_topic = {t: (int(c), int(n)) for t, (c, n) in store.accuracy_by_topic().items()}
        daily = [(d, int(c), int(n)) for d, c, n in store.daily_counts(days=days, today=today)]
        forecast = [(d, int(n)) for d, n in store.due_forecast(now, days=14)]
        from qkv_drill.session.calendar import WEEKS

        year = store.daily_counts(days=7 * WEEKS, today=today)
        return cls(
            taken_utc=now,
            by_topic=dict(sorted(by_topic.items())),
            daily=daily,
            due_forecast=forecast,
            due_now=len(store.due_cards(now)),
            streak=int(store.streak(today)),
            total_answers=sum(n for _, n in by_topic.values()),
            total_correct=sum(c for c, _ in by_topic.values()),
            cards=len(list(store.all_cards())),
            today=today,
            calendar=[(d, int(n)) for d, _, n in year],
        )

    def to_text(self) -> str:
        """A plain summary (plain mode and logs)."""
        acc = self.accuracy
        lines = [
            f"answers: {self.total_answers}"
            + (f", {100 * acc:.0f}% correct" if acc is not None else ""),
            f"streak: {self.streak} day(s); cards: {self.cards}, due now: {self.due_now}",
        ]
        lines += [f"  {t}: {c}/{n}" for t, (c, n) in self.by_topic.items()]
        return "\n".join(lines)
