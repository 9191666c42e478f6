"""Mock interview habits, headless: elapsed time on the question, pauses, the review list."""

from __future__ import annotations

import json

import pytest

from qkv_drill.session.mock import MockSession, MockSettings
from tests.helpers.answering import right


def create(packs, store, clock, **kw):
    kw.setdefault("seed", 7)
    return MockSession.create(packs, store, MockSettings(**kw), clock)


def test_elapsed_on_the_current_question_counts_this_visit_and_earlier_ones(
    balance_packs, store, clock
):
    s = create(balance_packs, store, clock, minutes=5, questions=3)
    clock.advance(12)
    assert s.elapsed_on_current() == pytest.approx(12)
    s.goto(1)
    clock.advance(5)
    assert s.elapsed_on_current() == pytest.approx(5)
    s.goto(0)
    clock.advance(3)
    assert s.elapsed_on_current() == pytest.approx(15)


def test_pause_is_refused_unless_the_interview_allows_it(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=5, questions=3)
    with pytest.raises(PermissionError):
        s.pause()
    assert not s.paused


def test_a_pause_stops_the_countdown_and_the_question_time(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=2, questions=3, allow_pause=True)
    clock.advance(30)
    s.pause()
    assert s.paused
    clock.advance(600)  # a long break: nothing runs out
    assert s.remaining() == pytest.approx(90)
    assert s.tick() is False
    assert s.elapsed_on_current() == pytest.approx(30)
    assert store.get_mock(s.mock_id).used_s == pytest.approx(30)  # checkpointed at the pause
    assert s.unpause() == pytest.approx(600)
    clock.advance(10)
    assert s.remaining() == pytest.approx(80)
    assert s.elapsed_on_current() == pytest.approx(40)
    s.pause()
    clock.advance(5)
    report = s.finish()  # handing in while paused closes the pause
    assert report.pauses == [pytest.approx(600), pytest.approx(5)]
    assert report.pause_summary() == "paused 2x, 10:05 in all"
    stored = json.loads(store.get_mock(s.mock_id).report_json)
    assert stored["pauses"] == [pytest.approx(600), pytest.approx(5)]
    assert "paused 2x" in report.to_markdown()


def test_a_resumed_interview_keeps_its_pause_setting(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=2, questions=3, allow_pause=True)
    again = MockSession.resume(balance_packs, store, s.mock_id, clock)
    assert again.allow_pause
    plain = create(balance_packs, store, clock, minutes=2, questions=3)
    assert not MockSession.resume(balance_packs, store, plain.mock_id, clock).allow_pause


def test_pauses_survive_a_kill_and_reach_the_report(balance_packs, store, clock):
    """A pause taken before the process died, and one running when it died (its length up to
    the last checkpoint), are in the resumed interview's report; the clock lost none of it."""
    s = create(balance_packs, store, clock, minutes=2, questions=3, allow_pause=True)
    clock.advance(10)
    s.pause()
    clock.advance(40)
    s.unpause()
    clock.advance(5)
    s.pause()
    for _ in range(4):  # the screen keeps ticking while the pause cover is up
        clock.advance(3)
        s.tick()
    del s  # killed while paused: nothing else is written

    again = MockSession.resume(balance_packs, store, create_id(store), clock)
    assert again.pauses == [pytest.approx(40), pytest.approx(12)]
    assert again.remaining() == pytest.approx(105)  # 15 s used; neither pause counts
    report = again.finish()
    assert report.pauses == [pytest.approx(40), pytest.approx(12)]
    assert "paused 2x, 0:52 in all" in report.to_markdown()


def create_id(store) -> int:
    row = store.unfinished_mock()
    assert row is not None
    return row.id


def test_a_pause_record_that_cannot_be_read_counts_as_none(balance_packs, store, clock):
    from qkv_drill.session import mock_drafts

    s = create(balance_packs, store, clock, minutes=2, questions=3, allow_pause=True)
    for junk in ("not json", '{"a": 1}', '[1, "x", -2, NaN, true, 3]'):
        store.save_mock_answer(s.mock_id, mock_drafts.PAUSES_SLOT, junk, 0, False)
        pauses = MockSession.resume(balance_packs, store, s.mock_id, clock).pauses
        assert pauses == ([1.0, 3.0] if junk.startswith("[") else [])


def test_review_rows_show_answered_flagged_and_time(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=5, questions=3)
    clock.advance(7)
    assert s.answer(right(s.current)) is None
    s.goto(2)
    s.toggle_flag()
    clock.advance(4)
    rows = s.review_rows()
    assert [(r.index, r.answered, r.flagged) for r in rows] == [
        (0, True, False),
        (1, False, False),
        (2, False, True),
    ]
    assert rows[0].answer == " ".join(right(s.instances[0]).split())
    assert rows[0].time_s == pytest.approx(7)
    assert rows[2].time_s == pytest.approx(4)
    assert rows[1].question_id == s.instances[1].question.id
