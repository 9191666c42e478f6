"""Code questions go through the sessions like any other: drill schedules them, the mock leaves
them out unless asked (--code), and the stored code is capped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from qkv_drill.packs.loader import load_packs
from qkv_drill.session.clock import FakeClock
from qkv_drill.session.filters import Filter
from qkv_drill.store import Store
from tests.helpers.code_fixture import FIXTURE, MINI, RIGHT, UNSCALED


def packset(*paths: Path):
    return load_packs(extra=list(paths), include_shipped=False, include_user=False)


def test_drill_schedules_a_code_question_from_its_verdict():
    from qkv_drill.session.drill import DrillSession

    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    store = Store.in_memory()
    session = DrillSession(packset(FIXTURE), store, Filter(), seed=1, clock=clock)
    inst = session.next()
    assert inst.question.type == "code"
    verdict = session.submit(UNSCALED)
    assert verdict.status == "wrong" and verdict.misconception.name == "no_scaling"
    assert session.suggested_rating.name == "Again"
    due = session.card_due("tui-code.sdpa")
    assert due is not None and due <= clock.now() + __import__("datetime").timedelta(days=1)
    (row,) = list(store.iter_answers())
    assert row.qtype == "code" and row.misconception == "no_scaling" and row.mode == "drill"


def test_stored_code_is_capped():
    from qkv_drill.exercises.instance import MAX_STORED_CODE
    from qkv_drill.session.practice import PracticeSession

    store = Store.in_memory()
    session = PracticeSession(packset(FIXTURE), store, Filter(), seed=1)
    session.next()
    long_code = RIGHT + "# padding\n" * 5000
    assert session.submit(long_code).status == "correct"
    (row,) = list(store.iter_answers())
    assert len(row.answer_text) < MAX_STORED_CODE + 100
    assert row.answer_text.startswith(RIGHT) and "cut" in row.answer_text


def test_mock_leaves_code_out_unless_asked_and_adds_its_time_with_code():
    from qkv_drill.session.mock import MockSession, MockSettings

    both = packset(FIXTURE, MINI)
    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    plain = MockSession.create(
        both, Store.in_memory(), MockSettings(minutes=10, questions=3, seed=2), clock
    )
    assert all(i.question.type != "code" for i in plain.instances)
    with_code = MockSession.create(
        both, Store.in_memory(), MockSettings(minutes=10, questions=3, seed=2, code=True), clock
    )
    kinds = [i.question.type for i in with_code.instances]
    assert kinds.count("code") == 1 and len(kinds) == 3
    budget = next(i.question.time_budget for i in with_code.instances if i.question.type == "code")
    assert with_code.duration_s == 600 + budget
