"""One day everywhere: the drill's daily new-question limit, stats per day, the calendar, the
streak, the due forecast and a bury all turn over at the user's local midnight (days.py).

The machine's zone is set to New York's rules (a POSIX TZ string, no tz database needed): UTC-5 in
winter, UTC-4 from 8 March 2026. The drill's limit used to reset at UTC midnight, 19:00 there.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from fsrs import Scheduler

from qkv_drill.days import day_start, local_day
from qkv_drill.session.clock import FakeClock
from qkv_drill.session.drill import DrillSession
from qkv_drill.session.filters import Filter
from qkv_drill.session.stats import StatsSnapshot
from qkv_drill.store import Store
from tests.helpers.answering import wrong
from tests.helpers.records import answer_record

NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"
SCHED = Scheduler(enable_fuzzing=False)


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", NEW_YORK)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(local: str) -> datetime:
    """A New York wall-clock time as the UTC instant it is (the zone set by the fixture)."""
    return datetime.fromisoformat(local).astimezone().astimezone(UTC)


def drill_at(packs, store, clock, **kw) -> DrillSession:
    return DrillSession(packs, store, Filter(), seed=4, clock=clock, scheduler=SCHED, **kw)


def take_new(session: DrillSession, n: int) -> None:
    for _ in range(n):
        session.submit(wrong(session.next()))


def test_the_fixture_zone_is_new_york(new_york):
    assert at("2026-01-05T18:00") == datetime(2026, 1, 5, 23, 0, tzinfo=UTC)
    assert at("2026-07-01T18:00") == datetime(2026, 7, 1, 22, 0, tzinfo=UTC)


def test_the_new_question_limit_lasts_the_local_day_not_the_utc_one(new_york, mini_packs, tmp_path):
    clock = FakeClock(start=at("2026-01-05T18:00"))  # 23:00 UTC
    with Store.open(tmp_path / "p.db", now=clock.now) as store:
        s = drill_at(mini_packs, store, clock, new_limit=3)
        take_new(s, 3)
        clock.advance(2 * 3600)  # 20:00 in New York, 01:00 UTC the next day
        assert s.new_today() == 3
        assert len(s.queue()) == s.due_count()  # no new places left today: only the due misses
        clock.advance(4.5 * 3600)  # 00:30 in New York: a new local day
        assert s.new_today() == 0
        assert len(s.queue()) - s.due_count() == 3


def test_stats_streak_calendar_and_drill_count_the_same_local_day(new_york, mini_packs, tmp_path):
    clock = FakeClock(start=at("2026-01-05T22:30"))  # 03:30 UTC on the 6th
    with Store.open(tmp_path / "p.db", now=clock.now) as store:
        s = drill_at(mini_packs, store, clock, new_limit=2)
        take_new(s, 2)
        snap = StatsSnapshot.build(store, clock)
        jan5 = date(2026, 1, 5)
        assert snap.today == jan5 == local_day(clock.now())
        assert snap.daily[-1] == (jan5, 0, 2)
        assert dict(snap.calendar)[jan5] == 2 and dict(snap.calendar).get(date(2026, 1, 6)) is None
        assert snap.streak == 1
        assert s.new_today() == 2


def test_a_day_across_the_daylight_saving_change_is_one_day(new_york, tmp_path):
    """8 March 2026 has 23 hours in New York; the days around it keep their own offsets."""
    assert day_start(date(2026, 3, 8)) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    assert day_start(date(2026, 3, 9)) == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
    with Store.open(tmp_path / "p.db") as store:
        # 00:30 on 9 March in summer time: with one offset for all days (winter's) it read 8 March
        store.record_answer(answer_record(1, ts=datetime(2026, 3, 9, 4, 30, tzinfo=UTC)))
        store.record_answer(
            answer_record(2, ts=datetime(2026, 3, 9, 3, 30, tzinfo=UTC))
        )  # 23:30 on the 8th
        days = store.daily_counts(days=3, today=date(2026, 3, 9))
        assert [(d, n) for d, _, n in days] == [
            (date(2026, 3, 7), 0),
            (date(2026, 3, 8), 1),
            (date(2026, 3, 9), 1),
        ]
        assert store.streak(date(2026, 3, 9)) == 2


def test_a_bury_ends_at_the_next_local_midnight_in_either_season(new_york, tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        winter = store.bury("q1", at("2026-03-07T12:00"))
        summer = store.bury("q2", at("2026-03-08T12:00"))
    assert winter == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # midnight EST
    assert summer == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)  # midnight EDT


def test_the_due_forecast_buckets_by_local_day(new_york, tmp_path):
    now = at("2026-01-05T12:00")
    with Store.open(tmp_path / "p.db", now=lambda: now) as store:
        store.put_card("late", "{}", at("2026-01-05T23:30"))  # 04:30 UTC on the 6th
        store.put_card("early", "{}", at("2026-01-06T00:30"))
        store.put_card("overdue", "{}", at("2026-01-01T09:00"))
        forecast = dict(store.due_forecast(now, days=3))
    assert forecast == {date(2026, 1, 5): 2, date(2026, 1, 6): 1, date(2026, 1, 7): 0}


def test_a_mock_is_dated_by_its_local_day(new_york):
    from qkv_drill.days import day_label

    assert day_label("2026-01-06T03:30:00+00:00") == "2026-01-05"
    assert day_label("not a time") == ""
