"""Record and read back: answers, stats queries, drill cards and mock interviews."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from qkv_drill.store import AnswerRecord, Store, schema

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def rec(verdict="correct", *, topic="shapes", ts=NOON, mode="practice", qid="q1", **kw):
    return AnswerRecord(
        question_id=qid,
        pack_id="core",
        topic=topic,
        difficulty="easy",
        qtype="numeric",
        params_json='{"d_k": 64}',
        seed=kw.pop("seed", 7),
        answer_text=kw.pop("answer_text", "64"),
        verdict=verdict,
        mode=mode,
        ts_utc=ts,
        **kw,
    )


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "progress.db", tz=UTC)
    yield s
    s.close()


def test_open_defaults_to_the_user_data_dir(_isolated_data_dir):
    with Store.open() as s:
        assert s.persistent
        assert s.path == _isolated_data_dir / "progress.db"
        assert s.path.exists()
        assert s.warnings == []


def test_open_creates_missing_folders_and_sets_durable_pragmas(tmp_path):
    path = tmp_path / "a" / "b" / "progress.db"
    with Store.open(path) as s:
        assert s.persistent
        conn = s._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_record_and_read_back_every_field(store):
    original = rec(
        "wrong",
        misconception="scale_by_dk",
        response_ms=4200,
        mode="mock",
        mock_id=3,
        seed=2**80 + 1,  # beyond SQLite's 64-bit integers
        answer_text="8",
    )
    rid = store.record_answer(original)
    assert rid == original.id
    (back,) = list(store.iter_answers())
    assert back == original


def test_a_second_connection_sees_an_answer_at_once(tmp_path):
    path = tmp_path / "progress.db"
    with Store.open(path) as s:
        s.record_answer(rec())
        other = sqlite3.connect(path)
        assert other.execute("SELECT count(*) FROM answers").fetchone()[0] == 1
        other.close()


def test_invalid_verdict_or_mode_is_refused(store):
    with pytest.raises(ValueError):
        store.record_answer(rec("maybe"))
    with pytest.raises(ValueError):
        store.record_answer(rec(mode="exam"))
    assert list(store.iter_answers()) == []


def test_iter_answers_filters_by_mode_and_since(store):
    store.record_answer(rec(mode="practice", ts=NOON - timedelta(days=2)))
    store.record_answer(rec(mode="drill", ts=NOON - timedelta(days=1)))
    store.record_answer(rec(mode="drill", ts=NOON))
    assert [r.mode for r in store.iter_answers()] == ["practice", "drill", "drill"]
    assert len(list(store.iter_answers(mode="drill"))) == 2
    assert len(list(store.iter_answers(since=NOON - timedelta(hours=25)))) == 2
    assert len(list(store.iter_answers(mode="practice", since=NOON - timedelta(days=1)))) == 0
    times = [r.ts_utc for r in store.iter_answers()]
    assert times == sorted(times)


def test_accuracy_by_topic_ignores_skips_and_honours_since(store):
    for v, t, ts in [
        ("correct", "shapes", NOON - timedelta(days=3)),
        ("wrong", "shapes", NOON - timedelta(days=3)),
        ("correct", "shapes", NOON),
        ("skipped", "shapes", NOON),
        ("wrong", "scaling", NOON),
        ("skipped", "masking", NOON),
    ]:
        store.record_answer(rec(v, topic=t, ts=ts))
    assert store.accuracy_by_topic() == {"scaling": (0, 1), "shapes": (2, 3)}
    assert store.accuracy_by_topic(since=NOON - timedelta(days=1)) == {
        "scaling": (0, 1),
        "shapes": (1, 1),
    }


def test_recent_accuracy_uses_only_the_last_n(store):
    for i in range(10):
        store.record_answer(rec("wrong", ts=NOON + timedelta(minutes=i)))
    for i in range(3):
        store.record_answer(rec("correct", ts=NOON + timedelta(hours=1, minutes=i)))
    store.record_answer(rec("skipped", ts=NOON + timedelta(hours=2)))
    store.record_answer(rec("correct", topic="roles", ts=NOON))
    assert store.recent_accuracy_by_topic(last_n=4) == {"roles": (1, 1), "shapes": (3, 4)}
    assert store.recent_accuracy_by_topic(last_n=20) == {"roles": (1, 1), "shapes": (3, 13)}


def test_daily_counts_fills_gaps_with_zeros(store):
    today = NOON.date()
    store.record_answer(rec("correct", ts=NOON))
    store.record_answer(rec("wrong", ts=NOON.replace(hour=23, minute=59)))
    store.record_answer(rec("skipped", ts=NOON))
    store.record_answer(rec("correct", ts=NOON - timedelta(days=2)))
    store.record_answer(rec("correct", ts=NOON - timedelta(days=40)))  # outside the window
    store.record_answer(rec("correct", ts=NOON + timedelta(days=1)))  # after `today`
    days = store.daily_counts(days=4, today=today)
    assert days == [
        (today - timedelta(days=3), 0, 0),
        (today - timedelta(days=2), 1, 1),
        (today - timedelta(days=1), 0, 0),
        (today, 1, 2),
    ]


def test_days_follow_the_local_offset(tmp_path):
    # 23:30 UTC is already the next day at UTC+2 and still the same day at UTC-5.
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    for offset, expected in [(120, date(2026, 3, 11)), (-300, date(2026, 3, 10)), (0, None)]:
        zone = timezone(timedelta(minutes=offset))
        with Store.open(tmp_path / f"p{offset}.db", tz=zone) as s:
            s.record_answer(rec(ts=late))
            day = expected or date(2026, 3, 10)
            (row,) = s.daily_counts(days=1, today=day)
            assert row == (day, 1, 1)
            assert s.streak(day) == 1


def test_streak(store):
    today = NOON.date()
    assert store.streak(today) == 0
    for d in (1, 2, 3, 5):  # yesterday, two days before, then a gap
        store.record_answer(rec(ts=NOON - timedelta(days=d)))
    store.record_answer(rec("skipped", ts=NOON - timedelta(days=4)))  # a skip is not practice
    assert store.streak(today) == 3  # ends yesterday: today is not over yet
    store.record_answer(rec(ts=NOON))
    assert store.streak(today) == 4
    assert store.streak(today + timedelta(days=2)) == 0  # missed a whole day


def test_cards_put_get_replace_and_due(store):
    assert store.get_card("q1") is None
    store.put_card("q1", '{"s": 1}', NOON + timedelta(days=2))
    store.put_card("q2", '{"s": 2}', NOON - timedelta(hours=1))
    store.put_card("q3", '{"s": 3}', NOON - timedelta(days=3))
    store.put_card("q1", '{"s": 9}', NOON - timedelta(minutes=1))  # replaced
    assert store.get_card("q1") == '{"s": 9}'
    due = store.due_cards(NOON)
    assert [q for q, _ in due] == ["q3", "q2", "q1"]
    assert due[0][1] == NOON - timedelta(days=3)
    assert store.due_cards(NOON - timedelta(days=5)) == []
    assert [c.question_id for c in store.all_cards()] == ["q1", "q2", "q3"]
    assert len(store.all_cards()) == 3


def test_due_forecast_counts_overdue_as_today(store):
    store.put_card("late", "{}", NOON - timedelta(days=10))
    store.put_card("now", "{}", NOON)
    store.put_card("tomorrow", "{}", NOON + timedelta(days=1))
    store.put_card("in3", "{}", NOON + timedelta(days=3, hours=5))
    store.put_card("far", "{}", NOON + timedelta(days=30))
    forecast = store.due_forecast(NOON, days=5)
    today = NOON.date()
    assert forecast == [
        (today, 2),
        (today + timedelta(days=1), 1),
        (today + timedelta(days=2), 0),
        (today + timedelta(days=3), 1),
        (today + timedelta(days=4), 0),
    ]


def test_mock_lifecycle(store):
    assert store.unfinished_mock() is None
    first = store.create_mock('{"minutes": 20}', 42, 1200.0, '[["q1", 1], ["q2", 2]]')
    store.save_mock_answer(first, 0, "64", 3000, False)
    store.save_mock_answer(first, 1, None, 0, True)
    store.save_mock_answer(first, 0, "128", 5000, True)  # changed answer replaces
    store.checkpoint_mock(first, 95.5)
    running = store.unfinished_mock()
    assert running is not None and running.id == first
    assert running.used_s == 95.5 and running.seed == 42 and running.state == "running"
    answers = store.mock_answers(first)
    assert sorted(answers) == [0, 1]
    assert answers[0].answer_text == "128" and answers[0].time_ms == 5000 and answers[0].flagged
    assert answers[1].answer_text is None

    second = store.create_mock("{}", 43, 600.0, "[]")
    assert store.unfinished_mock().id == second  # the latest running one
    store.finish_mock(second, '{"score": 1}')
    store.finish_mock(first, '{"score": 2}')
    assert store.unfinished_mock() is None
    history = store.mock_history()
    assert [m.id for m in history] == [first, second]  # oldest first
    done = store.get_mock(first)
    assert done.state == "finished" and done.report_json == '{"score": 2}'
    assert done.finished_utc is not None and done.finished_utc >= done.started_utc
    assert store.get_mock(999) is None
    assert store.mock_answers(999) == {}


def test_discard_mock_removes_only_an_interrupted_interview(store):
    done = store.create_mock("{}", 1, 60.0, "[]")
    store.save_mock_answer(done, 0, "64", 10, False)
    store.finish_mock(done, "{}")
    running = store.create_mock("{}", 2, 60.0, "[]")
    store.save_mock_answer(running, 0, "8", 10, True)
    assert store.discard_mock(done) is False  # a finished interview is history
    assert store.discard_mock(running) is True
    assert store.get_mock(running) is None
    assert store.mock_answers(running) == {}
    assert store.unfinished_mock() is None
    assert store.discard_mock(running) is False
    assert [m.id for m in store.mock_history()] == [done]
    assert store.mock_answers(done)[0].answer_text == "64"


def test_everything_survives_reopening(tmp_path):
    path = tmp_path / "progress.db"
    with Store.open(path, tz=UTC) as s:
        s.record_answer(rec())
        s.put_card("q1", "{}", NOON)
        mid = s.create_mock("{}", 1, 60.0, "[]")
        s.save_mock_answer(mid, 0, "x", 1, False)
    with Store.open(path, tz=UTC) as s:
        assert s.warnings == []
        assert len(list(s.iter_answers())) == 1
        assert s.accuracy_by_topic() == {"shapes": (1, 1)}
        assert s.get_card("q1") == "{}"
        assert s.mock_answers(mid)[0].answer_text == "x"


def test_two_stores_on_one_file_both_write(tmp_path):
    path = tmp_path / "progress.db"
    with Store.open(path) as a, Store.open(path) as b:
        for i in range(5):
            a.record_answer(rec(answer_text=f"a{i}"))
            b.record_answer(rec(answer_text=f"b{i}"))
        assert len(list(a.iter_answers())) == 10
        assert a.accuracy_by_topic() == {"shapes": (10, 10)}
        assert a.persistent and b.persistent


def test_in_memory_store_works_without_a_file(tmp_path):
    with Store.in_memory(tz=UTC) as s:
        s.record_answer(rec())
        assert s.path is None
        assert not s.persistent
        assert s.accuracy_by_topic() == {"shapes": (1, 1)}


def test_every_stored_timestamp_reads_the_injected_clock(tmp_path):
    """No test patches a module's clock: the store is given one."""
    times = iter(NOON + timedelta(minutes=m) for m in range(100))
    with Store.open(tmp_path / "p.db", tz=UTC, now=lambda: next(times)) as s:
        mock_id = s.create_mock("{}", 1, 60.0, "[]")  # NOON
        s.save_mock_answer(mock_id, 0, "64", 1000, False)  # +1
        s.finish_mock(mock_id, "{}")  # +2
        row = s.get_mock(mock_id)
        assert (row.started_utc, row.finished_utc) == (NOON, NOON + timedelta(minutes=2))
        s.put_card("q1", "{}", NOON)  # +3
        assert [q for q, _ in s.due_cards()] == ["q1"]  # due by the clock's now (+4)
        s.bury("q1")  # until the next midnight after +5
        assert s.held_back() == {"q1"}  # +6
        assert s.local_today() == NOON.date()  # +7
