"""What "a day" is, wherever days are counted: the user's local calendar day.

The drill's daily limit of new questions, answers and accuracy per day, the review calendar, the
streak, the due forecast and a bury "until tomorrow" all bucket time with these two functions,
so they all turn over at the same local midnight. (The drill's limit once reset at UTC midnight
while stats counted local days.) Each instant is read with the offset of its own date, so a day
across a daylight-saving change is still one day.

`tz` None is the machine's zone as it is now (the TZ variable, after `time.tzset()`); a store
or a test can pass its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo


def local_day(instant: datetime, tz: tzinfo | None = None) -> date:
    """The user's calendar day at `instant` (a naive instant is taken as UTC, as stored)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(tz).date()


def day_start(day: date, tz: tzinfo | None = None) -> datetime:
    """The instant (in UTC) the user's `day` begins: its local midnight."""
    midnight = datetime(day.year, day.month, day.day)
    local = midnight.astimezone() if tz is None else midnight.replace(tzinfo=tz)
    return local.astimezone(UTC)


def next_day_start(instant: datetime, tz: tzinfo | None = None) -> datetime:
    """The next local midnight after `instant` ("until tomorrow")."""
    return day_start(local_day(instant, tz) + timedelta(days=1), tz)


def day_label(stamp: str, tz: tzinfo | None = None) -> str:
    """The local day of a stored ISO timestamp as YYYY-MM-DD ("" when it is not one)."""
    try:
        return local_day(datetime.fromisoformat(stamp), tz).isoformat()
    except ValueError:
        return ""
