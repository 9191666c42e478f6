"""Times as people say them: "in 7 days", "in 10 minutes", "now".

A review date like 2026-01-12 09:00 UTC makes the reader do the arithmetic; the drill says how
long until then, rounded to the nearest whole unit. The drill's sentences about its schedule
("next review in 7 days", "Ahead of schedule: ...") live here too, so the app and plain mode say
the same words.
"""

from __future__ import annotations

from datetime import datetime, timedelta

_UNITS = (
    (timedelta(days=365), "year"),
    (timedelta(days=30), "month"),
    (timedelta(days=7), "week"),
    (timedelta(days=1), "day"),
    (timedelta(hours=1), "hour"),
    (timedelta(minutes=1), "minute"),
)


def span(delta: timedelta) -> str:
    """A positive duration in its largest sensible unit: "7 days", "3 hours", "1 minute".

    Days are used up to two weeks and weeks up to two months, so the common FSRS intervals read
    as "10 days" rather than "1 week".
    """
    seconds = max(0.0, delta.total_seconds())
    if seconds < 60:
        return "less than a minute"
    for unit, name in _UNITS:
        if name == "week" and seconds < 14 * 86400:
            continue
        if name == "month" and seconds < 60 * 86400:
            continue
        if seconds >= unit.total_seconds():
            n = round(seconds / unit.total_seconds())
            return f"{n} {name}{'s' if n != 1 else ''}"
    return "less than a minute"


def relative(delta: timedelta) -> str:
    """ "in 7 days" for the future, "3 hours ago" for the past, "now" within a minute."""
    seconds = delta.total_seconds()
    if abs(seconds) < 60:
        return "now"
    return f"in {span(delta)}" if seconds > 0 else f"{span(-delta)} ago"


# --- what the drill says about its schedule: the app and plain mode both print these ---------


def at_or_absolute(at: datetime, now: datetime | None) -> str:
    """ "in 7 days" when the present is known (a moment ahead is "in less than a minute", never
    "now"), else the UTC date and time."""
    if now is None:
        return f"at {at:%Y-%m-%d %H:%M} UTC"
    return f"in {span(at - now)}" if at > now else relative(at - now)


def next_review(due: datetime, now: datetime | None) -> str:
    """After a rating: "next review in 7 days"."""
    return "next review " + at_or_absolute(due, now)


def ahead_of_schedule(due: datetime, now: datetime | None) -> str:
    """A card served before it is due (learning ahead, or the weakest topics when nothing is)."""
    return "Ahead of schedule: this card is due " + at_or_absolute(due, now)


def next_card_due(due: datetime | None, now: datetime | None) -> str:
    """When nothing is left: when the drill has something again ("" if it never will)."""
    return f"The next card is due {at_or_absolute(due, now)}." if due is not None else ""
