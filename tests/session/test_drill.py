"""Drill: the FSRS queue moves with the answers; ratings from verdict and time; overrides."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from fsrs import Card, Rating, Scheduler

from qkv_drill.session.drill import DrillSession, schedule_misses, suggest_rating, weakest_topics
from qkv_drill.session.filters import Filter
from qkv_drill.session.records import make_record
from tests.helpers.answering import right, wrong

SCHED = Scheduler(enable_fuzzing=False)


def drill(packs, store, clock, **kw):
    kw.setdefault("scheduler", SCHED)
    return DrillSession(packs, store, kw.pop("filter", Filter()), seed=4, clock=clock, **kw)


@pytest.mark.parametrize(
    ("verdict", "seconds", "expected"),
    [
        ("wrong", 1, Rating.Again),
        ("skipped", 1, Rating.Again),
        ("correct", 19.9, Rating.Easy),  # under a third of 60 s
        ("correct", 20.1, Rating.Good),
        ("correct", 60, Rating.Good),  # on budget
        ("correct", 60.5, Rating.Hard),  # over budget
    ],
)
def test_suggested_rating_rules(verdict, seconds, expected):
    assert suggest_rating(verdict, seconds, 60) == expected


def test_a_hint_caps_a_right_answer_at_hard():
    assert suggest_rating("correct", 5, 60, hints=1) == Rating.Hard


def test_new_questions_fill_the_queue_up_to_the_daily_limit(mini_packs, store, clock):
    s = drill(mini_packs, store, clock, new_limit=3)
    assert s.due_count() == 0
    assert len(s.queue()) == 3
    for _ in range(3):
        inst = s.next()
        s.submit(wrong(inst))
    assert s.new_today() == 3
    assert [qid for qid, _ in s.queue()] == []  # limit reached, the misses not due yet
    clock.advance(61)  # Again on a new card: due one minute later
    assert s.due_count() == 3


def test_wrong_stays_close_right_is_pushed_out(mini_packs, store, clock):
    s = drill(mini_packs, store, clock)
    a = s.next()
    clock.advance(10)
    s.submit(wrong(a))
    assert s.suggested_rating == Rating.Again
    b = s.next()
    assert b.question.id != a.question.id
    clock.advance(5)  # quick and right: Easy
    s.submit(right(b))
    assert s.suggested_rating == Rating.Easy
    due_a, due_b = s.card_due(a.question.id), s.card_due(b.question.id)
    assert due_a - clock.now() <= timedelta(minutes=1)
    assert due_b - clock.now() >= timedelta(days=1)
    clock.advance(120)
    queue = [qid for qid, _ in s.queue()]
    assert queue[0] == a.question.id  # due first, before any new question
    assert b.question.id not in queue


def test_due_cards_come_back_soonest_first(mini_packs, store, clock):
    s = drill(mini_packs, store, clock, new_limit=2)
    first = s.next()
    s.submit(wrong(first))  # Again: due in 1 minute
    second = s.next()
    clock.advance(second.question.time_budget / 2)
    s.submit(right(second))  # Good: due in 10 minutes
    assert s.suggested_rating == Rating.Good
    clock.advance(15 * 60)
    assert [qid for qid, _ in s.queue()] == [first.question.id, second.question.id]
    assert s.next().question.id == first.question.id


def test_override_reschedules_from_the_card_before_the_review(mini_packs, store, clock):
    s = drill(mini_packs, store, clock)
    inst = s.next()
    clock.advance(5)
    s.submit(right(inst))
    assert s.suggested_rating == Rating.Easy
    s.rate(Rating.Good)
    s.rate(Rating.Again)  # the last word counts, and the card is reviewed once only
    reference, _ = SCHED.review_card(Card(due=clock.now()), Rating.Again, clock.now())
    qid = inst.question.id
    assert s.card_due(qid) == reference.due
    assert s.rating == Rating.Again
    stored = Card.from_dict(__import__("json").loads(store.get_card(qid)))
    assert stored.stability == reference.stability and stored.step == reference.step


def test_rate_needs_an_answer(mini_packs, store, clock):
    s = drill(mini_packs, store, clock)
    s.next()
    with pytest.raises(RuntimeError):
        s.rate(Rating.Good)


def _history(store, clock, topic, correct, total):
    q = SimpleNamespace(
        id=f"h.{topic}", pack_id="h", topic=topic, difficulty="easy", type="numeric", pack_version=1
    )
    inst = SimpleNamespace(question=q, params={}, seed=0, options=[], expected_display="1")
    for k in range(total):
        store.record_answer(
            make_record(
                inst,
                answer_text="1",
                verdict="correct" if k < correct else "wrong",
                misconception=None,
                response_ms=1000,
                mode="practice",
                ts=clock.now(),
            )
        )


def test_weakest_topics_from_recent_accuracy(mini_packs, store, clock):
    # mini has topics multihead, roles, scaling, shapes
    _history(store, clock, "scaling", 1, 10)
    _history(store, clock, "shapes", 9, 10)
    _history(store, clock, "roles", 5, 10)
    _history(store, clock, "multihead", 10, 10)
    s = drill(mini_packs, store, clock, weakest=True)
    assert s.topics == ["scaling", "roles", "shapes"]
    seen = set()
    for _ in range(12):
        inst = s.next()
        seen.add(inst.question.topic)
        s.submit(wrong(inst))
    assert seen <= {"scaling", "roles", "shapes"}
    assert "scaling" in seen


def test_weakest_without_history_uses_every_topic(mini_packs, store, clock):
    s = drill(mini_packs, store, clock, weakest=True)
    assert s.topics == ["multihead", "roles", "scaling", "shapes"]


def test_weakest_ranking_counts_an_unpractised_topic_as_middling():
    recent = {"a": (0, 4), "b": (4, 4), "c": (2, 4)}
    assert weakest_topics(recent, ["a", "b", "c", "d"], k=2) == ["a", "c"]
    assert weakest_topics(recent, ["b", "d"], k=1) == ["d"]


def test_schedule_misses_makes_cards_due_now(mini_packs, store, clock):
    s = drill(mini_packs, store, clock)
    inst = s.next()
    clock.advance(3)
    s.submit(right(inst))
    qid = inst.question.id
    assert qid not in [q for q, _ in store.due_cards(clock.now())]
    schedule_misses(store, [qid, "mini.never-seen"], clock.now())
    due = dict(store.due_cards(clock.now()))
    assert qid in due and "mini.never-seen" in due
    assert s.due_count() == 1  # the unknown id is not in this session's pool


def test_a_reviewed_card_is_not_answered_again_by_redrawing(mini_packs, store, clock):
    """A miss seen with its right answer, then redrawn and answered fast, must not reschedule
    the card as Easy (days away): a reviewed card is not redrawn until it comes back due."""
    s = drill(mini_packs, store, clock)
    a = s.next()
    s.submit(wrong(a))
    due_after_miss = s.card_due(a.question.id)
    again = s.redraw()
    assert again is a and s.answered
    assert s.submit(right(again)).status == "correct"  # shown, but not a second review
    assert s.card_due(a.question.id) == due_after_miss
    assert len(list(store.iter_answers())) == 1


def test_a_mock_miss_takes_none_of_the_days_new_places(mini_packs, store, clock):
    """A card made by a mock miss is due at once; neither making it nor drilling it uses one of
    the day's new questions (newness.took_a_new_place)."""
    s = drill(mini_packs, store, clock, new_limit=3)
    missed = next(q for q, question in sorted(s._by_id.items()) if question.type == "numeric")
    schedule_misses(store, [missed], clock.now())
    assert s.due_count() == 1 and s.new_today() == 0
    assert len(s.queue()) == 1 + 3
    inst = s.next()
    assert inst.question.id == missed
    s.submit(wrong(inst))
    assert s.new_today() == 0
    queue = [qid for qid, _ in s.queue()]
    assert missed not in queue and len(queue) == 3, queue  # the day's three new ones
    assert '"introduced_by": "mock"' in store.get_card(missed)
