"""Hostile disk states (issue 9): a foreign -wal, an empty file, a lock held by another program.
Nothing recorded is lost or hidden, and nothing unsaved is called saved."""

from __future__ import annotations

import io
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from qkv_drill.store import Store, writes
from qkv_drill.store import store as store_mod
from tests.helpers.records import answer_record

answer = answer_record


def fill(path: Path, n: int) -> None:
    with Store.open(path) as s:
        for i in range(n):
            s.record_answer(answer(i))


def foreign_wal(tmp_path: Path) -> bytes:
    """The -wal of another database, with committed frames never checkpointed."""
    other = tmp_path / "other" / "other.db"
    other.parent.mkdir()
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE junk (x BLOB)")
    for _ in range(20):
        conn.execute("INSERT INTO junk VALUES (randomblob(3000))")
    data = other.with_name("other.db-wal").read_bytes()
    conn.close()
    assert data, "no frames captured"
    return data


def test_a_foreign_wal_beside_a_restored_file_loses_nothing(tmp_path):
    """Restoring a backup while an old -wal is left behind: the replay replaced every answer
    and 0 of 50 survived anywhere. Now the file is copied aside first and put back."""
    db = tmp_path / "progress.db"
    fill(db, 50)
    original = db.read_bytes()
    db.with_name("progress.db-wal").write_bytes(foreign_wal(tmp_path))

    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert s.persistent
        assert len(list(s.iter_answers())) == 50
    assert len(told) == 1 and "put back" in told[0], told
    copies = sorted(tmp_path.glob("progress.db.before-open-*"))
    main_copies = [p for p in copies if not p.name.endswith(("-wal", "-shm"))]
    assert [p.read_bytes() == original for p in main_copies] == [True]  # byte for byte
    assert any(p.name.endswith("-wal") for p in copies)  # the foreign -wal is kept too


def test_a_crash_left_wal_is_replayed_and_kept_answers_grow(tmp_path):
    """The ordinary unclean exit: the -wal holds the newest answers and they are kept."""
    db = tmp_path / "progress.db"
    fill(db, 3)
    s = Store.open(db)
    s._conn.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(3, 6):
        s.record_answer(answer(i))
    wal = db.with_name("progress.db-wal").read_bytes()
    main = db.read_bytes()
    s._conn.close()  # (this checkpoints; put the crashed state back by hand)
    db.write_bytes(main)
    db.with_name("progress.db-wal").write_bytes(wal)
    told: list[str] = []
    with Store.open(db, on_warning=told.append) as again:
        assert len(list(again.iter_answers())) == 6 and told == []


def test_an_empty_progress_file_is_not_silently_new(tmp_path):
    db = tmp_path / "progress.db"
    db.write_bytes(b"")
    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert s.persistent
    assert len(told) == 1 and "was empty (0 bytes)" in told[0]
    (kept,) = tmp_path.glob("progress.db.empty-*")
    assert kept.stat().st_size == 0


def test_an_ordinary_unclean_exit_leaves_no_copy_behind(tmp_path):
    db = tmp_path / "progress.db"
    fill(db, 1)
    db.with_name("progress.db-shm").write_bytes(b"\0" * 10)  # as a killed process leaves it
    with Store.open(db) as s:
        assert s.warnings == [] and len(list(s.iter_answers())) == 1
    assert not list(tmp_path.glob("progress.db.*"))


# --- a lock held by another program --------------------------------------------------------


@pytest.fixture
def quick_lock(monkeypatch):
    """The busy timeout made short so the test does not sit through 5 s per write."""
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(writes, "RETRY_DELAYS_S", (0.05, 0.1))


def hold_lock(db: Path) -> sqlite3.Connection:
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def wait_for(cond, limit_s: float = 30.0) -> None:
    end = time.monotonic() + limit_s
    while not cond():
        assert time.monotonic() < end, "gave up waiting"
        time.sleep(0.05)


def on_disk(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


def test_answers_written_while_another_program_holds_the_lock_are_queued_then_saved(
    tmp_path, quick_lock
):
    db = tmp_path / "progress.db"
    fill(db, 2)
    told: list[str] = []
    s = Store.open(db, on_warning=told.append)
    other = hold_lock(db)
    ids = [s.record_answer(answer(10 + i)) for i in range(7)]
    assert s.persistent, "switched to memory for good"
    assert s.pending == 7 and not s.saving
    assert len(told) == 1 and "locked by another program" in told[0]
    assert on_disk(db) == 2
    other.execute("COMMIT")
    other.close()
    wait_for(lambda: s.pending == 0)
    assert s.saving and on_disk(db) == 9
    assert "free again: 7 queued writes saved" in told[-1]
    # The provisional ids handed out map to the rows written, in order.
    assert [s.real_id("answers", i) for i in ids] == sorted(r.id for r in s.iter_answers())[-7:]
    s.close()


def test_the_lock_held_at_start_queues_too(tmp_path, quick_lock):
    db = tmp_path / "progress.db"
    fill(db, 1)
    other = hold_lock(db)
    s = Store.open(db)
    assert s.persistent and s.warnings == [], s.warnings
    s.record_answer(answer(5))
    assert s.pending == 1
    other.execute("ROLLBACK")
    other.close()
    wait_for(lambda: s.pending == 0)
    assert on_disk(db) == 2
    s.close()


def test_close_waits_for_the_lock_and_says_what_is_left(tmp_path, quick_lock, monkeypatch):
    monkeypatch.setattr(store_mod, "CLOSE_WAIT_S", 0.3)
    db = tmp_path / "progress.db"
    fill(db, 1)
    told: list[str] = []
    s = Store.open(db, on_warning=told.append)
    other = hold_lock(db)
    s.record_answer(answer(3))
    s.close()
    assert "1 write could not be saved" in told[-1]
    other.execute("ROLLBACK")
    other.close()


def test_plain_mode_never_says_saved_for_a_queued_answer(tmp_path, quick_lock, monkeypatch):
    from qkv_drill import paths
    from qkv_drill.cli_options import session_options
    from qkv_drill.plain import run_plain

    monkeypatch.setenv("QKV_DRILL_HOME", str(tmp_path / "home"))
    db = paths.progress_db_path()
    fill(db, 1)
    other = hold_lock(db)

    class Out(io.StringIO):
        """Releases the lock once both answers have been acknowledged."""

        def write(self, text: str) -> int:
            n = super().write(text)
            if self.getvalue().count("queued (") == 2 and other is not None:
                release()
            return n

    def release() -> None:
        nonlocal other
        if other is not None:
            other.execute("COMMIT")
            other.close()
            other = None

    pack = Path(__file__).parents[1] / "session" / "fixtures" / "mini.yaml"
    args = SimpleNamespace(
        command="practice",
        pack=[pack],
        seed=1,
        count=2,
        topic=[],
        pack_id=[],
        difficulty=[],
        weakest=False,
    )
    out, err = Out(), io.StringIO()
    run_plain(session_options(args), io.StringIO(":skip\n:skip\n"), out, err)
    release()
    text = out.getvalue()
    assert "saved:" not in text
    assert text.count("queued (not on disk yet, the file is locked): skipped") == 2
    assert "locked by another program" in err.getvalue()
    assert on_disk(db) == 3  # written once released, before run_plain returned
