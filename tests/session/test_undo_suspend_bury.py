"""Undo the last answer (and its drill rating); suspend and bury questions so drill skips them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Scheduler

from qkv_drill.session.drill import DrillSession
from qkv_drill.session.filters import Filter
from qkv_drill.session.practice import PracticeSession
from tests.helpers.answering import right, wrong

SCHED = Scheduler(enable_fuzzing=False)
TYPED = Filter(topics=frozenset({"scaling", "multihead", "shapes"}))  # no self-graded questions


def drill(packs, store, clock, **kw):
    return DrillSession(packs, store, TYPED, seed=4, clock=clock, scheduler=SCHED, **kw)


def test_undo_in_practice_deletes_the_answer_and_asks_the_same_numbers_again(
    mini_packs, store, clock
):
    s = PracticeSession(mini_packs, store, TYPED, seed=3, clock=clock)
    first = s.next()
    s.submit(right(first))
    second = s.next()
    s.submit(wrong(second))
    assert s.tally["wrong"] == 1
    assert store.accuracy_by_topic()[second.question.topic][1] >= 1

    back = s.undo()
    assert back is second and s.current is second
    assert not s.answered
    assert [a.question_id for a in store.iter_answers()] == [first.question.id]
    assert s.tally == {"correct": 1, "wrong": 0, "skipped": 0}
    # The per-topic running totals follow the deletion.
    totals = store.accuracy_by_topic()
    assert sum(n for _, n in totals.values()) == 1
    # Answered again, it is recorded again.
    s.submit(right(second))
    assert [a.verdict for a in store.iter_answers()] == ["correct", "correct"]


def test_undo_after_moving_on_returns_to_the_answered_question_and_keeps_the_new_one(
    mini_packs, store, clock
):
    s = PracticeSession(mini_packs, store, TYPED, seed=3, clock=clock)
    first = s.next()
    s.submit(right(first))
    pending = s.next()  # shown, never answered
    assert s.undo() is first
    assert list(store.iter_answers()) == []
    assert s.next().question.id == pending.question.id  # not lost from the pass
    with pytest.raises(RuntimeError):
        s.undo()


def test_undo_of_a_skip_takes_the_skip_back(mini_packs, store, clock):
    s = PracticeSession(mini_packs, store, TYPED, seed=3, clock=clock)
    first = s.next()
    s.skip()
    assert [a.verdict for a in store.iter_answers()] == ["skipped"]
    assert s.undo() is first
    assert list(store.iter_answers()) == []


def test_undo_in_drill_puts_the_card_back(mini_packs, store, clock):
    s = drill(mini_packs, store, clock)
    inst = s.next()
    qid = inst.question.id
    s.submit(right(inst))
    clock.advance(5)
    second = s.next()
    s.submit(wrong(second))
    before_second = store.get_card(second.question.id)
    assert before_second is not None  # a new question got its card
    s.undo()
    assert store.get_card(second.question.id) is None  # new again, as before the answer
    # Review the first one again later, then undo: the card is exactly as it was.
    s.next()
    clock.advance(86400 * 400)  # long after the first card's due
    card_json = store.get_card(qid)
    again = DrillSession(
        mini_packs, store, Filter(ids=frozenset({qid})), seed=1, clock=clock, scheduler=SCHED
    )
    inst = again.next()
    assert inst.question.id == qid
    again.submit(right(inst))
    assert store.get_card(qid) != card_json
    again.undo()
    assert store.get_card(qid) == card_json
    assert again.rating is None and again.suggested_rating is None
    with pytest.raises(RuntimeError):
        again.rate(3)


def test_undo_also_takes_back_an_overridden_rating(mini_packs, store, clock):
    s = drill(mini_packs, store, clock)
    inst = s.next()
    s.submit(right(inst))
    s.rate(1)
    assert json.loads(store.get_card(inst.question.id))["due"]
    s.undo()
    assert store.get_card(inst.question.id) is None
    assert list(store.iter_answers()) == []


def test_suspended_questions_leave_drill_until_unsuspended(mini_packs, store, clock):
    s = drill(mini_packs, store, clock, new_limit=100)
    everything = {qid for qid, _ in s.queue()}
    inst = s.next()
    qid = inst.question.id
    nxt = s.suspend()
    assert nxt is None or nxt.question.id != qid
    assert qid not in {q for q, _ in s.queue()}
    assert store.card_flags()[qid].suspended
    # A due card, suspended, is not due either (and not in the stats' due count).
    other = sorted(everything - {qid})[0]
    store.put_card(other, '{"due": "x"}', clock.now() - timedelta(hours=1))
    assert other in {q for q, _ in store.due_cards(clock.now())}
    store.set_suspended(other, True)
    assert other not in {q for q, _ in store.due_cards(clock.now())}
    assert sum(n for _, n in store.due_forecast(clock.now(), 3)) == 0
    clock.advance(86400 * 30)  # suspension does not wear off
    assert qid not in {q for q, _ in s.queue()}
    store.set_suspended(qid, False)
    assert qid in {q for q, _ in s.queue()}


def test_a_buried_question_comes_back_at_the_next_local_midnight(mini_packs, store, clock):
    # The fixture clock starts 2026-01-05 09:00 UTC; the store's day is local (offset below).
    store.tz = timezone(timedelta(hours=2))  # 11:00 local, so midnight is 22:00 UTC
    s = drill(mini_packs, store, clock, new_limit=100)
    inst = s.next()
    qid = inst.question.id
    s.submit(wrong(inst))  # Again: due a minute later
    s.bury()
    until = store.card_flags()[qid].buried_until
    assert until == datetime(2026, 1, 5, 22, 0, tzinfo=UTC)
    clock.advance(3600)
    assert qid not in {q for q, _ in s.queue()}
    assert store.held_back(clock.now()) == {qid}
    forecast = dict(store.due_forecast(clock.now(), 3))
    assert forecast[datetime(2026, 1, 6).date()] == 1  # due again tomorrow, not today
    clock.advance(12 * 3600)  # 22:00 UTC passed
    assert store.held_back(clock.now()) == set()
    assert qid in {q for q, _ in s.queue()}


def test_a_buried_new_question_is_not_served_as_new(mini_packs, store, clock):
    s = drill(mini_packs, store, clock, new_limit=100)
    first = s.queue()[0][0]
    store.bury(first, clock.now())
    assert first not in {q for q, _ in s.queue()}


def test_undo_keeps_the_hints_already_seen_for_the_rating(mini_packs, store, clock):
    """A hint read before the undone answer was still read: answered again at once, the
    suggestion stays Hard (after a hint), not Easy as for a card never hinted."""
    from fsrs import Rating

    s = DrillSession(
        mini_packs,
        store,
        Filter(topics=frozenset({"multihead"})),
        seed=4,
        clock=clock,
        scheduler=SCHED,
    )
    inst = s.next()
    while inst.question.id != "mini.head-dim":
        inst = s.skip()
    assert s.hint() is not None
    s.submit(right(inst))
    assert s.suggested_rating == Rating.Hard
    assert s.undo() is inst
    s.submit(right(inst))
    assert s.suggested_rating == Rating.Hard
    assert s.hint() == inst.question.hints[1]  # the next hint is the second, not the first again
