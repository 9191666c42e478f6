"""The review calendar: answers per day laid out as weeks (columns) by weekdays (rows).

Headless, so the stats screen only paints it: `calendar_weeks` places each day, `level` buckets
a day's count into 0 (none) to 4 (the busiest days) relative to the busiest day shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WEEKS = 53  # a year and a bit: the stats screen shows as many as fit
LEVELS = 4


@dataclass(frozen=True)
class Day:
    day: date
    answers: int
    level: int  # 0 no answers, 1..LEVELS relative to the busiest day shown


def level(answers: int, peak: int) -> int:
    """0 for none; otherwise 1..LEVELS in equal steps of the busiest day (ceil, so 1 answer
    on a busy calendar still shows)."""
    if answers <= 0 or peak <= 0:
        return 0
    return max(1, min(LEVELS, -(-LEVELS * answers // peak)))


def calendar_weeks(
    counts: Iterable[tuple[date, int]], today: date, weeks: int = WEEKS
) -> list[list[Day | None]]:
    """`weeks` columns of 7 days, Monday first, oldest week first, ending with this week.
    Days after today are None (nothing to show yet)."""
    by_day = dict(counts)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    shown = [by_day.get(first + timedelta(days=i), 0) for i in range((today - first).days + 1)]
    peak = max(shown, default=0)
    columns: list[list[Day | None]] = []
    for w in range(weeks):
        column: list[Day | None] = []
        for d in range(7):
            day = first + timedelta(weeks=w, days=d)
            if day > today:
                column.append(None)
                continue
            n = by_day.get(day, 0)
            column.append(Day(day, n, level(n, peak)))
        columns.append(column)
    return columns


def active_days(columns: list[list[Day | None]]) -> tuple[int, int]:
    """(answers, days with at least one) over the calendar."""
    days = [d for col in columns for d in col if d is not None]
    return sum(d.answers for d in days), sum(1 for d in days if d.answers)
