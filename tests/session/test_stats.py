"""The stats snapshot reads what practice and drill stored."""

from __future__ import annotations

from datetime import timedelta

from qkv_drill.session.drill import DrillSession
from qkv_drill.session.practice import PracticeSession
from qkv_drill.session.stats import StatsSnapshot
from tests.helpers.answering import right, wrong


def test_snapshot_counts_answers_topics_days_and_due_cards(mini_packs, store, clock):
    s = PracticeSession(mini_packs, store, seed=2, clock=clock)
    expected: dict[str, list[int]] = {}
    for k in range(6):
        inst = s.next()
        if inst.question.type == "text":
            s.skip()  # skipped answers count nowhere
            continue
        ok = k % 2 == 0
        s.submit(right(inst) if ok else wrong(inst))
        cell = expected.setdefault(inst.question.topic, [0, 0])
        cell[0] += ok
        cell[1] += 1
    d = DrillSession(mini_packs, store, seed=2, clock=clock)
    inst = d.next()
    d.submit(wrong(inst))
    cell = expected.setdefault(inst.question.topic, [0, 0])
    cell[1] += 1

    snap = StatsSnapshot.build(store, clock)
    assert snap.by_topic == {t: tuple(v) for t, v in sorted(expected.items())}
    assert snap.total_answers == sum(v[1] for v in expected.values())
    assert snap.total_correct == sum(v[0] for v in expected.values())
    assert snap.cards == 1 and snap.due_now == 0
    assert len(snap.due_forecast) == 14
    assert sum(n for _, n in snap.due_forecast) == 1
    assert len(snap.daily) == 30
    assert snap.daily[-1][2] == snap.total_answers  # all of them today
    assert snap.streak == 1
    assert "answers:" in snap.to_text()


def test_streak_over_consecutive_days(mini_packs, store, clock):
    s = PracticeSession(mini_packs, store, seed=2, clock=clock)
    for _ in range(3):
        inst = s.next()
        s.submit(wrong(inst) if inst.question.type != "text" else "x")
        if s.awaiting_self_grade:
            s.self_grade([])
        clock.advance(timedelta(days=1).total_seconds())
    snap = StatsSnapshot.build(store, clock)  # today has none yet: the streak ends yesterday
    assert snap.streak == 3
    clock.advance(timedelta(days=1).total_seconds())
    assert StatsSnapshot.build(store, clock).streak == 0
