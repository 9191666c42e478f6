"""What "new" means, in every place that counts it: Home's and the drill's "N new", the browser's
`is:new` and the drill's daily limit of new questions.

A question is new while it has no drill card: it has never been drilled and never missed in a
mock (a miss makes a card, due at once). Answering it in practice, or right in a mock, leaves it
new: the drill has not scheduled it yet.

The daily limit counts the questions the drill took in as new that day: the user's local day,
as every other count by day (days.py), so it resets at local midnight, when stats turn over. A
card a mock miss made is a review the schedule asked for, not a new question chosen: it never
takes one of the day's new places, neither when the mock makes it nor when it is first drilled.
(It did, so Home showed "1 due · 9 new" after a mock miss where nothing new had been studied.)
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from qkv_drill.days import local_day

FROM_MOCK = "mock"  # the card's `introduced_by` when a mock miss made it


def is_new(card_due: datetime | None) -> bool:
    """New: no drill card (its due time is None)."""
    return card_due is None


def took_a_new_place(card: dict[str, Any], day: date, tz: tzinfo | None = None) -> bool:
    """This stored card (its JSON as a dict) counts against `day`'s limit of new questions: it
    was introduced on that local day (days.py; in zone `tz`, default the machine's)."""
    if card.get("introduced_by") == FROM_MOCK:
        return False
    try:
        introduced = datetime.fromisoformat(str(card.get("introduced_utc", "")))
    except ValueError:
        return False
    return local_day(introduced, tz) == day
