"""Writes queued behind another process's lock: ids that never collide, and a journal that keeps
them across exit until they are in the database exactly once (issue 9)."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qkv_drill.store import AnswerRecord, Store, journal, writes
from qkv_drill.store import store as store_mod
from tests.helpers.records import answer_record

ROOT = Path(__file__).resolve().parents[2]
MINI_PACK = ROOT / "tests" / "session" / "fixtures" / "mini.yaml"


def answer(i: int) -> AnswerRecord:
    return answer_record(i, text=f"answer {i}")


@pytest.fixture
def quick_lock(monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(store_mod, "CLOSE_WAIT_S", 0.3)
    monkeypatch.setattr(writes, "RETRY_DELAYS_S", (0.05, 0.1))


def wait_for(cond, limit_s: float = 30.0) -> None:
    end = time.monotonic() + limit_s
    while not cond():
        assert time.monotonic() < end, "gave up waiting"
        time.sleep(0.05)


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def child(script: str, *args: str) -> subprocess.Popen[str]:
    """Another process, with the store's waits made short."""
    prelude = textwrap.dedent(
        """
        import json, sys, time
        from qkv_drill.store import Store, writes
        from qkv_drill.store import store as store_mod
        store_mod.BUSY_TIMEOUT_S = 0.2
        writes.RETRY_DELAYS_S = (0.05, 0.1)
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", prelude + textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


HOLDER = """
    import sqlite3
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO mocks (started_utc, settings_json, seed, duration_s, used_s, state,"
        " plan_json) VALUES ('2026-01-01T00:00:00.000000+00:00', '{\\"who\\": \\"holder\\"}',"
        " 1, 60, 0, 'running', '[]')"
    )
    print("holding", flush=True)
    sys.stdin.readline()
    conn.execute("COMMIT")
    print("released", flush=True)
"""


def test_a_mock_created_behind_a_lock_never_takes_another_process_s_id(tmp_path, quick_lock):
    """The old provisional id was MAX(id) + 1, which the lock holder takes first: the queued
    interview then failed to write, or its answers landed in the other process's interview."""
    db = tmp_path / "progress.db"
    Store.open(db).close()
    s = Store.open(db)
    holder = child(HOLDER, str(db))
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "holding"
    mid = s.create_mock('{"who": "me"}', 7, 60.0, "[]")
    s.save_mock_answer(mid, 0, "my answer", 1200, False)
    s.checkpoint_mock(mid, 12.5)
    assert s.pending == 3
    holder.stdin.write("go\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "released"
    holder.wait(30)
    wait_for(lambda: s.pending == 0)

    mine = s.get_mock(mid)
    assert mine is not None and json.loads(mine.settings_json) == {"who": "me"}
    assert mine.used_s == 12.5
    assert s.mock_answers(mid)[0].answer_text == "my answer"
    by_who = {json.loads(w)["who"]: i for i, w in rows(db, "SELECT id, settings_json FROM mocks")}
    assert set(by_who) == {"me", "holder"} and by_who["me"] != by_who["holder"]
    assert rows(db, "SELECT mock_id, answer_text FROM mock_answers") == [
        (by_who["me"], "my answer")
    ]
    assert s.warnings and not any("could not" in w for w in s.warnings)
    s.close()


QUEUED_CHILD = """
    s = Store.open(sys.argv[1])
    mid = s.create_mock('{"who": "child"}', 1, 60.0, "[]")
    s.save_mock_answer(mid, 0, "child answer", 10, False)
    print(s.pending, flush=True)
    end = time.monotonic() + 30
    while s.pending and time.monotonic() < end:
        time.sleep(0.05)
    print(s.real_id("mocks", mid), flush=True)
    s.close()
"""


def test_two_processes_queued_behind_the_same_lock_get_their_own_interviews(tmp_path, quick_lock):
    db = tmp_path / "progress.db"
    s = Store.open(db)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    other = child(QUEUED_CHILD, str(db))
    assert other.stdout is not None
    assert other.stdout.readline().strip() == "2"  # queued in the other process
    mid = s.create_mock('{"who": "parent"}', 2, 60.0, "[]")
    s.save_mock_answer(mid, 0, "parent answer", 10, False)
    assert s.pending == 2
    holder.execute("ROLLBACK")
    holder.close()
    their_id = int(other.stdout.readline())
    other.wait(30)
    wait_for(lambda: s.pending == 0)
    mine = s.real_id("mocks", mid)
    assert mine > 0 and their_id > 0 and mine != their_id
    assert sorted(rows(db, "SELECT mock_id, answer_text FROM mock_answers")) == sorted(
        [(mine, "parent answer"), (their_id, "child answer")]
    )
    s.close()


def test_undo_of_an_answer_queued_behind_a_lock_removes_that_answer(tmp_path, quick_lock):
    db = tmp_path / "progress.db"
    s = Store.open(db)
    s.record_answer(answer(1))
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    queued = s.record_answer(answer(2))
    assert queued < 0  # provisional: no row has a negative id
    s.delete_answer(queued)  # queued behind it, naming the provisional id
    holder.execute("ROLLBACK")
    holder.close()
    wait_for(lambda: s.pending == 0)
    assert [a.answer_text for a in s.iter_answers()] == ["answer 1"]
    s.close()


# --- kept across exit ----------------------------------------------------------------------


def test_answers_queued_at_exit_are_kept_and_written_exactly_once_at_the_next_start(
    tmp_path, quick_lock
):
    db = tmp_path / "progress.db"
    Store.open(db).close()
    holder = child(HOLDER, str(db))
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "holding"
    told: list[str] = []
    s = Store.open(db, on_warning=told.append)
    ids = [s.record_answer(answer(i)) for i in range(3)]
    s.put_card("q.1", "{}", datetime(2026, 1, 2, tzinfo=UTC))
    s.close()  # exits with the lock still held
    (kept,) = journal.journals(db)
    assert f"kept in {kept}" in told[0]
    assert "4 writes could not be saved yet" in told[-1] and str(kept) in told[-1]
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(0,)]
    holder.stdin.write("go\n")
    holder.stdin.flush()
    holder.wait(30)

    spare = tmp_path / "journal-copy"
    shutil.copyfile(kept, spare)
    told.clear()
    with Store.open(db, on_warning=told.append) as again:
        texts = [a.answer_text for a in again.iter_answers()]
        assert texts == ["answer 0", "answer 1", "answer 2"]
        assert again.card_due("q.1") == datetime(2026, 1, 2, tzinfo=UTC)
    assert told == [
        "4 writes queued by an earlier session (it ended while the file was locked) saved now"
    ]
    assert journal.journals(db) == []
    assert all(i < 0 for i in ids)

    # A crash between the commit and the journal's removal: replaying again writes nothing.
    shutil.copyfile(spare, kept)
    with Store.open(db) as third:
        assert third.warnings == []
        assert len(list(third.iter_answers())) == 3
    assert journal.journals(db) == []


def test_a_mock_and_its_answers_kept_at_exit_stay_together(tmp_path, quick_lock):
    db = tmp_path / "progress.db"
    with Store.open(db) as s:
        s.create_mock('{"who": "earlier"}', 1, 60.0, "[]")
    s = Store.open(db)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    mid = s.create_mock('{"who": "queued"}', 2, 60.0, "[]")
    s.save_mock_answer(mid, 0, "typed", 10, True)
    rec = answer(9)
    rec.mode, rec.mock_id = "mock", mid
    s.record_answer(rec)
    s.finish_mock(mid, '{"score": 1}')
    s.close()
    holder.execute("ROLLBACK")
    holder.close()
    with Store.open(db) as again:
        (row,) = [m for m in again.mock_history() if json.loads(m.settings_json)["who"] == "queued"]
        assert row.id > 1 and row.report_json == '{"score": 1}'
        assert again.mock_answers(row.id)[0].answer_text == "typed"
        assert [a.mock_id for a in again.iter_answers()] == [row.id]


def test_a_journal_held_by_a_live_session_is_left_to_it(tmp_path, quick_lock):
    db = tmp_path / "progress.db"
    live = Store.open(db)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    live.record_answer(answer(1))
    holder.execute("ROLLBACK")
    holder.close()
    live._closing.set()  # its retry stops: only a second start could write the entry now
    if live._retry is not None:
        live._retry.join(5)
    if live.pending:
        with Store.open(db) as second:
            assert len(list(second.iter_answers())) == 0  # not replayed behind its back
        assert journal.journals(db)
    live.close()  # the live session writes its own queue
    assert rows(db, "SELECT answer_text FROM answers") == [("answer 1",)]
    assert journal.journals(db) == []


def test_a_torn_or_hostile_journal_loses_nothing_else_and_is_kept_aside(tmp_path):
    db = tmp_path / "progress.db"
    Store.open(db).close()
    good = journal.Entry("t:1", "record_answer", (answer(5),), -1)
    lines = [
        journal.encode(good),
        json.dumps({"uid": "t:2", "op": "__class__", "args": [], "id": None}),
        json.dumps({"uid": "t:3", "op": "set_suspended", "args": [1, 2, 3], "id": None}),
        '{"uid": "t:4", "op": "record_ans',  # torn by a crash mid-write
    ]
    db.with_name(db.name + journal.SUFFIX + "t").write_text("\n".join(lines), encoding="utf-8")
    with Store.open(db) as s:
        assert [a.answer_text for a in s.iter_answers()] == ["answer 5"]
        assert "1 write(s) queued by an earlier session were saved now" in s.warnings[0]
    assert journal.journals(db) == []
    assert len(list(tmp_path.glob("progress.db.queued-t.unreplayed-*"))) == 1


def test_plain_mode_says_where_answers_kept_at_exit_are(tmp_path, quick_lock, monkeypatch):
    from types import SimpleNamespace

    from qkv_drill import paths
    from qkv_drill.cli_options import session_options
    from qkv_drill.plain import run_plain

    monkeypatch.setenv("QKV_DRILL_HOME", str(tmp_path / "home"))
    db = paths.progress_db_path()
    Store.open(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    args = SimpleNamespace(
        command="practice",
        pack=[MINI_PACK],
        seed=1,
        count=2,
        topic=[],
        pack_id=[],
        difficulty=[],
        weakest=False,
    )
    out, err = io.StringIO(), io.StringIO()
    run_plain(session_options(args), io.StringIO(":skip\n:skip\n"), out, err)
    (kept,) = journal.journals(db)
    assert str(kept) in err.getvalue() and "could not be saved yet" in err.getvalue()
    assert "saved:" not in out.getvalue()
    holder.execute("ROLLBACK")
    holder.close()
    with Store.open(db) as s:
        assert [a.verdict for a in s.iter_answers()] == ["skipped", "skipped"]
    assert journal.journals(db) == []
