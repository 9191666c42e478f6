"""The store's one writer thread: writes issued with wait=False return at once, are applied in
the order they were issued (behind a slow disk too), every later write and read waits for them,
close writes them, and a failing one is told, never swallowed."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
import threading
import time

import pytest

from qkv_drill.store import Store
from qkv_drill.store import operations as ops
from qkv_drill.store.writes import Writes
from tests.helpers.records import answer_record


def _mock(store: Store) -> int:
    return store.create_mock("{}", 1, 600.0, "[]")


def _slowed(monkeypatch, *, gate: threading.Event | None = None, seed: int = 0):
    """Every write waits (for `gate`, or a random few milliseconds) before it is applied; returns
    the list of (op name, first slot argument, thread) in the order they were applied."""
    applied: list[tuple[str, object, str]] = []
    real = Writes._write_now
    rng = random.Random(seed)

    def slow(self, op, args):
        if gate is not None:
            assert gate.wait(10), "the gate was never opened"
        else:
            time.sleep(rng.uniform(0, 0.01))
        applied.append(
            (op.__name__, args[1] if len(args) > 1 else None, threading.current_thread().name)
        )
        return real(self, op, args)

    monkeypatch.setattr(Writes, "_write_now", slow)
    return applied


def test_issued_writes_return_at_once_and_are_applied_in_order(tmp_path, monkeypatch):
    store = Store(tmp_path / "progress.db")
    mock_id = _mock(store)
    gate = threading.Event()
    applied = _slowed(monkeypatch, gate=gate)
    # Three saves of the same slot, then a draft: while the disk is stuck, none is applied, and
    # issuing them did not wait for it.
    for text in ("first", "second", "third"):
        store.save_mock_answer(mock_id, 0, text, 1000, False, wait=False)
    store.save_mock_answer(mock_id, -1, "draft typed after", 0, False, wait=False)
    assert store.issued == 4 and applied == []
    gate.set()
    assert store.settle(10)
    assert [a[:2] for a in applied] == [("save_mock_answer", 0)] * 3 + [("save_mock_answer", -1)]
    assert {a[2] for a in applied} == {"qkv-drill-store-writer"}
    rows = store.mock_answers(mock_id)
    assert rows[0].answer_text == "third"  # the last one issued wins, never an earlier one
    assert rows[-1].answer_text == "draft typed after"
    store.close()


def test_a_write_or_read_after_issued_ones_waits_for_them(tmp_path, monkeypatch):
    store = Store(tmp_path / "progress.db")
    mock_id = _mock(store)
    applied = _slowed(monkeypatch, seed=3)
    for i in range(20):  # random delays on every write: a slow, uneven disk
        store.save_mock_answer(mock_id, i, f"answer {i}", 10 * i, i % 3 == 0, wait=False)
        store.checkpoint_mock(mock_id, float(i), wait=False)
    store.record_answer(
        dataclasses.replace(answer_record(1), mode="mock", mock_id=mock_id)
    )  # waits: applied after all of them
    assert [a[0] for a in applied][-1] == "record_answer"
    assert len(applied) == 41 and store.issued == 0
    rows = store.mock_answers(mock_id)  # a read sees every issued write
    assert {i: r.answer_text for i, r in rows.items()} == {i: f"answer {i}" for i in range(20)}
    assert {i for i, r in rows.items() if r.flagged} == {0, 3, 6, 9, 12, 15, 18}
    assert store.get_mock(mock_id).used_s == 19.0
    store.close()


def test_close_writes_what_was_issued(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    store = Store(path)
    mock_id = _mock(store)
    _slowed(monkeypatch, seed=5)
    for i in range(5):
        store.save_mock_answer(mock_id, i, f"answer {i}", 0, False, wait=False)
    store.close()  # the app's exit: nothing issued is left behind
    monkeypatch.undo()
    with Store(path) as again:
        assert {i: r.answer_text for i, r in again.mock_answers(mock_id).items()} == {
            i: f"answer {i}" for i in range(5)
        }


def test_a_failing_issued_write_is_told_and_the_later_ones_still_apply(tmp_path, monkeypatch):
    told: list[str] = []
    store = Store(tmp_path / "progress.db", on_warning=told.append)
    mock_id = _mock(store)
    real = ops.save_mock_answer

    def fails_on_slot_1(conn, mock_id, idx, *rest):
        if idx == 1:
            raise sqlite3.IntegrityError("constraint failed")
        return real(conn, mock_id, idx, *rest)

    monkeypatch.setattr(ops, "save_mock_answer", fails_on_slot_1)
    for i in range(3):
        store.save_mock_answer(mock_id, i, f"answer {i}", 0, False, wait=False)
    assert store.settle(10)
    assert told == ["a save could not be written (IntegrityError: constraint failed)"]
    assert store.warnings[-1] == told[-1]
    assert sorted(store.mock_answers(mock_id)) == [0, 2]
    store.close()


def test_an_issued_write_behind_another_programs_lock_is_queued_in_order(tmp_path):
    """The writer thread goes through the same path as every write: a lock held elsewhere
    queues it (journal and retry), in order with what was queued before."""
    path = tmp_path / "progress.db"
    store = Store(path)
    mock_id = _mock(store)
    store._conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for text in ("a", "b"):
            store.save_mock_answer(mock_id, 0, text, 0, False, wait=False)
        assert store.settle(10)
        assert store.pending == 2 and not store.saving
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.flush_pending()
    assert store.mock_answers(mock_id)[0].answer_text == "b"
    store.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_hand_in_sees_every_answer_behind_a_slow_writer(tmp_path, monkeypatch, seed):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings
    from tests.helpers.answering import right
    from tests.helpers.kill import PACK, PACK_ID
    from tests.helpers.tui import START

    packset = load_packs(extra=[PACK], include_shipped=False, include_user=False)
    store = Store(tmp_path / "progress.db")
    clock = FakeClock(START)
    settings = MockSettings(minutes=30, questions=6, seed=seed, packs=(PACK_ID,))
    session = MockSession.create(packset, store, settings, clock)
    applied = _slowed(monkeypatch, seed=seed)
    given = {}
    for i, inst in enumerate(session.instances):
        session.goto(i)
        clock.advance(5)
        session.save_draft("typed first")
        assert session.answer(right(inst)) is None
        given[i] = right(inst)
        session.toggle_flag()
    report = session.finish()  # at once: the last answers are still on their way to the disk
    assert {item.idx: item.user_answer for item in report.items} == given
    assert all(item.status != "unanswered" for item in report.items)
    graded = [r for r in store.iter_answers(mode="mock") if r.mock_id == session.mock_id]
    recorded = [i.user_answer for i in report.items if i.status != "pending"]  # text: self-graded
    assert sorted(r.answer_text for r in graded) == sorted(recorded)
    assert store.get_mock(session.mock_id).state == "finished"
    saved = store.mock_answers(session.mock_id)
    assert {i: saved[i].answer_text for i in given} == given
    assert all(saved[i].flagged for i in given)
    names = [a[0] for a in applied]
    first_graded = names.index("record_answer")  # hand-in's writes come after every save
    assert set(names[:first_graded]) == {"save_mock_answer", "checkpoint_mock"}
    assert "save_mock_answer" not in names[first_graded:]
    store.close()
