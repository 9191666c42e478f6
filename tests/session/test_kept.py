"""After a failed hand-in the user is told where the answers are, true for the store's state."""

from __future__ import annotations

import sqlite3

import pytest

from qkv_drill.session.kept import where_answers_are
from qkv_drill.store import Store, writes
from qkv_drill.store import store as store_mod
from tests.helpers.records import answer_record


def test_a_store_writing_its_file_has_every_answer_saved(tmp_path):
    with Store.open(tmp_path / "progress.db") as s:
        s.record_answer(answer_record(1))
        said = where_answers_are(s)
    assert said.startswith("Every answer is saved.") and "resume screen" in said


def test_a_store_in_memory_never_says_saved_or_restart(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with Store.open(blocker / "progress.db") as s:
        assert not s.persistent
        said = where_answers_are(s)
    assert "saved" not in said.replace("not being saved", "")
    assert "memory only" in said and "resume screen" not in said


@pytest.fixture
def quick_lock(monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(writes, "RETRY_DELAYS_S", (0.05, 0.1))


def test_writes_behind_a_lock_are_said_to_wait_and_where_they_are_kept(tmp_path, quick_lock):
    db = tmp_path / "progress.db"
    Store.open(db).close()
    s = Store.open(db)
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        s.record_answer(answer_record(1))
        s.record_answer(answer_record(2))
        assert s.pending == 2
        said = where_answers_are(s)
        assert said.startswith("2 writes wait for another program")
        assert s.journal_path is not None and str(s.journal_path) in said
        assert "Every answer is saved" not in said
    finally:
        other.execute("ROLLBACK")
        other.close()
        s.close()
