"""The mock interview with a fake clock: countdown, per-question time, balance, resume, report."""

from __future__ import annotations

import json
import random
from collections import Counter
from types import SimpleNamespace

import pytest

from qkv_drill.session.clock import FakeClock
from qkv_drill.session.mock import (
    CHECKPOINT_EVERY_S,
    MockSession,
    MockSettings,
    plan_questions,
    unfinished,
)
from tests.helpers.answering import right, wrong


def create(packs, store, clock, **kw):
    kw.setdefault("seed", 7)
    return MockSession.create(packs, store, MockSettings(**kw), clock)


def test_time_runs_out_and_tick_says_so(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=1, questions=4)
    assert s.remaining() == 60
    clock.advance(30)
    assert s.tick() is False
    assert s.remaining() == pytest.approx(30)
    clock.advance(31)
    assert s.tick() is True
    assert s.remaining() == 0
    assert s.answer(right(s.current)) is not None  # too late: not saved
    assert all(a.answer_text is None for a in store.mock_answers(s.mock_id).values())
    assert s.times[0] == pytest.approx(60)
    report = s.finish()
    assert report.correct == 0 and report.total == 4
    assert {i.status for i in report.items} == {"unanswered"}
    assert store.get_mock(s.mock_id).state == "finished"
    assert unfinished(store) is None


def test_remaining_is_deadline_minus_clock_not_ticks(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=2, questions=3)
    clock.advance(100)  # no tick at all in between
    assert s.remaining() == pytest.approx(20)
    for _ in range(50):
        s.tick()  # ticking does not use time up
    assert s.remaining() == pytest.approx(20)


def test_time_per_question_follows_goto(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=5, questions=4)
    clock.advance(5)
    s.goto(1)
    clock.advance(7)
    s.goto(0)
    clock.advance(3)
    s.next()
    clock.advance(2)
    s.prev()
    assert s.times[0] == pytest.approx(8)
    assert s.times[1] == pytest.approx(9)
    assert s.times[2:] == [0, 0]
    with pytest.raises(IndexError):
        s.goto(4)


def test_time_after_the_deadline_is_not_counted(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=1, questions=2)
    clock.advance(90)
    s.goto(1)
    assert s.times == [pytest.approx(60), 0]


def test_balanced_draw_over_topics_and_difficulties(balance_packs, store, clock):
    for seed in range(6):
        s = create(balance_packs, store, clock, questions=8, seed=seed)
        qs = [i.question for i in s.instances]
        assert len({q.id for q in qs}) == 8
        topics = Counter(q.topic for q in qs)
        assert sorted(topics) == ["cost", "masking", "scaling", "shapes"]
        assert max(topics.values()) - min(topics.values()) <= 1
        diffs = Counter(q.difficulty for q in qs)
        assert max(diffs.values()) - min(diffs.values()) <= 1, diffs
        assert sum(q.type == "text" for q in qs) == 1  # an open question when there is one
        s.finish()


def test_plan_without_text_questions_in_the_pool():
    pool = [
        SimpleNamespace(id=f"q{t}{d}", topic=t, difficulty=d, type="numeric")
        for t in "abc"
        for d in ("easy", "medium", "hard")
    ]
    chosen = plan_questions(pool, 6, random.Random(1))
    assert Counter(q.topic for q in chosen) == {"a": 2, "b": 2, "c": 2}
    assert Counter(q.difficulty for q in chosen) == {"easy": 2, "medium": 2, "hard": 2}
    assert len(plan_questions(pool, 50, random.Random(1))) == len(pool)  # never repeats


def test_one_open_question_however_many_the_pool_holds():
    """Half the pool is open "say it out loud" questions: the interview still asks one (as the
    README says), not one plus whatever the round-robin draws; the rest fill the other slots."""
    pool = [
        SimpleNamespace(id=f"q{t}{d}{k}", topic=t, difficulty=d, type=k)
        for t in "abc"
        for d in ("easy", "medium", "hard")
        for k in ("numeric", "text")
    ]
    for seed in range(20):
        chosen = plan_questions(pool, 6, random.Random(seed))
        assert len(chosen) == 6
        assert [q.type for q in chosen].count("text") == 1, [q.id for q in chosen]
        assert chosen[-1].type == "text"  # and it closes the interview
    only_text = [q for q in pool if q.type == "text"]
    assert len(plan_questions(only_text, 4, random.Random(1))) == 4  # nothing else to ask


def test_same_seed_same_interview(balance_packs, mini_packs, store, clock):
    def plan(seed, packs=mini_packs):
        s = create(packs, store, clock, questions=5, seed=seed)
        out = [(i.question.id, i.seed, json.dumps(i.params)) for i in s.instances]
        s.finish()
        return out

    assert plan(3) == plan(3)
    assert plan(3) != plan(4)


def test_filters_apply(balance_packs, store, clock):
    s = create(balance_packs, store, clock, questions=10, topics=("cost",), difficulties=("hard",))
    assert {(i.question.topic, i.question.difficulty) for i in s.instances} == {("cost", "hard")}
    assert len(s.instances) == 2
    with pytest.raises(ValueError, match="no questions"):
        create(balance_packs, store, clock, topics=("nope",))


def test_unparseable_answers_are_refused_not_saved(mini_packs, store, clock):
    s = create(mini_packs, store, clock, questions=7)
    s.goto(next(i for i, x in enumerate(s.instances) if x.question.type == "shape"))
    message = s.answer("(2, 10")
    assert message and isinstance(message, str)
    assert s.answers[s.index] is None
    assert store.mock_answers(s.mock_id) == {}


def test_a_matrix_of_another_shape_is_refused_with_the_shape_it_needs(mini_packs, store, clock):
    """As in practice: the wrong shape is unreadable input, never saved, so it can never be
    graded 'unanswered' while the review showed it answered. A transposed matrix is an
    answer (a named mistake), and is saved."""
    s = create(mini_packs, store, clock, questions=7)
    s.goto(next(i for i, x in enumerate(s.instances) if x.question.type == "matrix"))
    rows = [list(r) for r in s.current.expected]
    assert len(rows) != len(rows[0]), "the fixture's matrix should not be square"
    one_row_more = "; ".join(" ".join(str(v) for v in r) for r in [*rows, rows[0]])
    message = s.answer(one_row_more)
    assert message is not None and "This needs a" in message
    assert s.answers[s.index] is None and store.mock_answers(s.mock_id) == {}
    transposed = "; ".join(" ".join(str(r[j]) for r in rows) for j in range(len(rows[0])))
    assert s.answer(transposed) is None
    assert s.answers[s.index] == transposed


def test_answers_and_flags_are_saved_at_once(balance_packs, store, clock):
    s = create(balance_packs, store, clock, questions=4)
    clock.advance(4)
    assert s.answer(right(s.current)) is None
    s.toggle_flag()
    s.goto(2)
    s.toggle_flag()
    s.toggle_flag()  # flag off again
    saved = store.mock_answers(s.mock_id)
    assert saved[0].answer_text == right(s.instances[0]) and saved[0].flagged
    assert saved[0].time_ms == 4000
    assert not saved[2].flagged and saved[2].answer_text is None
    assert s.flagged == {0}


def test_resume_opens_the_question_being_typed_at_the_kill(balance_packs, store):
    """The user was typing question 4 (a draft) with question 2 still unanswered: the resumed
    interview opens on question 4, where the restored draft is, not on question 2."""
    clock = FakeClock()
    s = create(balance_packs, store, clock, minutes=10, questions=6)
    s.answer(right(s.current))
    s.goto(3)
    s.save_draft("12")
    resumed = MockSession.resume(balance_packs, store, s.mock_id, FakeClock())
    assert resumed.drafts == {3: "12"}
    assert resumed.index == 3
    s.save_draft("")  # no draft left: the first unanswered question, as before
    assert MockSession.resume(balance_packs, store, s.mock_id, FakeClock()).index == 1


def test_resume_after_interruption(balance_packs, store):
    clock = FakeClock()
    s = create(balance_packs, store, clock, minutes=10, questions=6)
    clock.advance(20)
    s.answer(right(s.current))
    s.goto(3)
    s.toggle_flag()
    clock.advance(15)
    s.answer(wrong(s.current))
    clock.advance(CHECKPOINT_EVERY_S + 1)
    s.tick()  # checkpoint
    used_at_checkpoint = 600 - s.remaining()
    clock.advance(CHECKPOINT_EVERY_S / 2)  # lost with the process: after the last checkpoint
    # the process dies here; a new one opens the same store with its own clock
    later = FakeClock(monotonic_start=5.0)
    row = unfinished(store)
    assert row.id == s.mock_id
    r = MockSession.resume(balance_packs, store, row.id, later)
    assert [(i.question.id, i.seed, i.params, i.prompt) for i in r.instances] == [
        (i.question.id, i.seed, i.params, i.prompt) for i in s.instances
    ]
    assert r.answers == s.answers
    assert r.flagged == {3}
    assert r.remaining() == pytest.approx(600 - used_at_checkpoint)
    assert r.index == 1  # the first unanswered question
    assert r.times[0] == pytest.approx(20)
    later.advance(10)
    assert r.remaining() == pytest.approx(600 - used_at_checkpoint - 10)


def test_report_scores_follow_the_answers_given(balance_packs, store, clock):
    s = create(balance_packs, store, clock, questions=8, seed=2)
    plan = []
    for idx, inst in enumerate(s.instances):
        s.goto(idx)
        clock.advance(10 + idx)
        if inst.question.type == "text":
            text = "The variance of q.k is d_k, so scale by sqrt(d_k)."
            choice = "pending"
        elif idx % 3 == 0:
            text, choice = right(inst), "correct"
        elif idx % 3 == 1:
            text, choice = wrong(inst), "wrong"
        else:
            text, choice = None, "unanswered"
        if text is not None:
            assert s.answer(text) is None
        plan.append((inst.question, choice))
    report = s.finish()
    assert [i.status for i in report.items] == [c for _, c in plan]
    want_topic: dict[str, list[int]] = {}
    want_diff: dict[str, list[int]] = {}
    for q, c in plan:
        for key, table in ((q.topic, want_topic), (q.difficulty, want_diff)):
            cell = table.setdefault(key, [0, 0, 0])
            cell[0] += c == "correct"
            cell[1] += c != "pending"  # an open answer not yet graded is not a wrong one
            cell[2] += c == "pending"
    assert report.by_topic == {k: tuple(v) for k, v in want_topic.items()}
    assert report.by_difficulty == {k: tuple(v) for k, v in want_diff.items()}
    assert report.correct == sum(c == "correct" for _, c in plan)
    assert [i.time_s for i in report.items] == [pytest.approx(10 + i) for i in range(8)]
    # recorded in the answers table (text waits for its self-grade), misses due in the drill
    recorded = list(store.iter_answers(mode="mock"))
    assert len(recorded) == sum(c != "pending" for _, c in plan)
    assert {r.mock_id for r in recorded} == {s.mock_id}
    assert Counter(r.verdict for r in recorded) == Counter(
        {"correct": report.correct}
        | {"wrong": sum(c == "wrong" for _, c in plan)}
        | {"skipped": sum(c == "unanswered" for _, c in plan)}
    )
    due = {qid for qid, _ in store.due_cards(clock.now())}
    assert due == {q.id for q, c in plan if c in ("wrong", "unanswered")}
    # open answer graded afterwards: 2 of 3 points is a pass, stored in the report
    (pending,) = report.pending
    before = report.correct
    clock.advance(120)  # graded two minutes after the hand-in: stamped with the session's clock
    s.grade_open_answers({pending.idx: [0, 1]})
    graded = [r for r in store.iter_answers(mode="mock") if r.question_id == pending.question_id]
    assert [(r.verdict, r.ts_utc) for r in graded] == [("correct", clock.now())]
    # the record keeps exactly what the item says was asked (the same seven fields, one type)
    from qkv_drill.session.records import asked_of
    from qkv_drill.store.records import asked_fields

    asked = asked_fields(asked_of(s.instances[pending.idx]))
    assert asked_fields(graded[0]) == asked_fields(pending) == asked
    assert report.correct == before + 1 and report.pending == []
    stored = json.loads(store.get_mock(s.mock_id).report_json)
    assert stored["summary"]["correct"] == before + 1
    assert len(list(store.iter_answers(mode="mock"))) == len(recorded) + 1
    assert s.finish() is report  # finishing twice changes nothing


def test_misconceptions_are_collected(mini_packs, store, clock):
    s = create(mini_packs, store, clock, questions=7, seed=1)
    idx = next(i for i, x in enumerate(s.instances) if x.question.id == "mini.head-dim")
    s.goto(idx)
    s.answer(str(s.current.params["d_model"]))
    report = s.finish()
    ((name, count, title, feedback),) = report.misconceptions()
    assert (name, count) == ("no_head_split", 1)
    assert title and feedback
    assert "no_head_split" in report.to_markdown()


def test_history_and_trend(balance_packs, store, clock):
    first = create(balance_packs, store, clock, questions=3, seed=1)
    first.answer(right(first.current))
    r1 = first.finish()
    second = create(balance_packs, store, clock, questions=3, seed=2)
    r2 = second.finish()
    assert [(p.mock_id, p.correct, p.total) for p in r2.history] == [(first.mock_id, r1.correct, 3)]
    assert r2.trend() == [pytest.approx(r1.score), 0.0]


def test_report_json_round_trip(mini_packs, store, clock):
    s = create(mini_packs, store, clock, questions=4, seed=9)
    s.answer(wrong(s.current))
    s.toggle_flag()
    report = s.finish()
    from qkv_drill.session.report import MockReport

    again = MockReport.from_json(report.to_json())
    assert again.to_markdown() == report.to_markdown()
    assert again.by_topic == report.by_topic and again.flagged == [0]


def test_grade_an_interrupted_interview_as_it_stands(balance_packs, store, clock):
    from qkv_drill.session.mock import grade_as_it_stands

    s = create(balance_packs, store, clock, minutes=10, questions=3)
    clock.advance(42)
    s.answer(right(s.current))
    report = grade_as_it_stands(balance_packs, store, s.mock_id, FakeClock())
    assert [i.status for i in report.items] == ["correct", "unanswered", "unanswered"]
    assert report.used_s == pytest.approx(42)
    assert unfinished(store) is None


def test_time_on_unanswered_questions_survives_a_resume(balance_packs, store, clock):
    s = create(balance_packs, store, clock, minutes=10, questions=4)
    clock.advance(6)
    s.goto(2)
    clock.advance(CHECKPOINT_EVERY_S)
    assert s.tick() is False  # checkpoint: both visited questions keep their time
    r = MockSession.resume(balance_packs, store, s.mock_id, FakeClock())
    assert r.times == [pytest.approx(6), 0, pytest.approx(CHECKPOINT_EVERY_S), 0]
    assert r.answers == [None] * 4 and r.flagged == set()
