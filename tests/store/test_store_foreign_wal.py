"""A -wal left beside progress.db that does not belong to it is found by more than answer counts:
the file's identity, its write sequence and the -wal header's page size (issue 9)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qkv_drill.store import Store, walcheck
from tests.helpers.records import answer_record

answer = answer_record


def crashed(db: Path, texts: list[str], *, undo_first: bool = False) -> tuple[bytes, bytes]:
    """Write `texts` with checkpoints off and return (main file, -wal) as a killed process would
    leave them (the close below checkpoints, so the caller puts these bytes back)."""
    s = Store.open(db)
    s._conn.execute("PRAGMA wal_autocheckpoint = 0")
    if undo_first:
        (first,) = [a.id for a in s.iter_answers()][:1]
        assert first is not None
        s.delete_answer(first)
    for t in texts:
        s.record_answer(answer(t))
    main, wal = db.read_bytes(), db.with_name(db.name + "-wal").read_bytes()
    s.close()
    return main, wal


def put(db: Path, main: bytes, wal: bytes) -> None:
    db.write_bytes(main)
    db.with_name(db.name + "-wal").write_bytes(wal)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)


def filled(db: Path, texts: list[str]) -> None:
    with Store.open(db) as s:
        for t in texts:
            s.record_answer(answer(t))


def texts_in(db: Path) -> list[str]:
    with Store.open(db) as s:
        return [a.answer_text for a in s.iter_answers()]


def test_a_wal_from_another_progress_file_with_as_many_answers_is_refused(tmp_path):
    """Counting answers saw 50 before and 50 after, and kept the other file's answers."""
    db = tmp_path / "progress.db"
    mine = [f"mine {i}" for i in range(50)]
    filled(db, mine)
    original = db.read_bytes()
    other = tmp_path / "other" / "progress.db"
    other.parent.mkdir()
    _, their_wal = crashed(other, [f"theirs {i}" for i in range(50)])
    db.with_name("progress.db-wal").write_bytes(their_wal)

    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert [a.answer_text for a in s.iter_answers()] == mine
    assert len(told) == 1 and "another progress file" in told[0] and "put back" in told[0]
    copies = tmp_path.glob("progress.db.before-open-*")
    (kept,) = [p for p in copies if not p.name.endswith(("-wal", "-shm"))]
    assert kept.read_bytes() == original
    assert kept.with_name(kept.name + "-wal").read_bytes() == their_wal  # byte for byte


def test_a_later_wal_of_the_same_file_left_beside_an_older_backup_is_refused(tmp_path):
    db = tmp_path / "progress.db"
    filled(db, [f"a{i}" for i in range(10)])
    backup = db.read_bytes()  # a clean copy, as `cp` or a backup tool makes it
    filled(db, [f"b{i}" for i in range(10)])  # later answers, checkpointed into the file
    _, later_wal = crashed(db, ["c0", "c1"])
    put(db, backup, later_wal)  # the backup restored, the -wal of the later state left behind

    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert [a.answer_text for a in s.iter_answers()] == [f"a{i}" for i in range(10)]
    assert len(told) == 1 and "later state" in told[0]


def test_an_older_wal_of_the_same_file_is_refused(tmp_path):
    db = tmp_path / "progress.db"
    filled(db, ["a"])
    _, old_wal = crashed(db, ["b"])
    filled(db, ["c", "d"])  # the file moved on (checkpointed) since that -wal
    newer = db.read_bytes()
    put(db, newer, old_wal)
    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert [a.answer_text for a in s.iter_answers()] == ["a", "b", "c", "d"]
    assert len(told) == 1 and "older than the file" in told[0]


def test_a_wal_with_another_page_size_never_reaches_sqlite(tmp_path):
    db = tmp_path / "progress.db"
    filled(db, ["mine"])
    other = tmp_path / "small-pages.db"
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (randomblob(500))")
    wal = other.with_name(other.name + "-wal").read_bytes()
    conn.close()
    db.with_name("progress.db-wal").write_bytes(wal)
    assert "1024-byte pages" in (walcheck.header_problem(db, db.with_name("progress.db-wal")) or "")
    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert [a.answer_text for a in s.iter_answers()] == ["mine"]
    assert len(told) == 1 and "1024-byte pages" in told[0]


def test_a_crash_left_wal_holding_an_undo_is_replayed_not_refused(tmp_path):
    """Fewer answers after the replay is the user's own undo, not a foreign journal."""
    db = tmp_path / "progress.db"
    filled(db, ["a", "b", "c"])
    main, wal = crashed(db, [], undo_first=True)
    put(db, main, wal)
    told: list[str] = []
    with Store.open(db, on_warning=told.append) as s:
        assert [a.answer_text for a in s.iter_answers()] == ["b", "c"]
    assert told == []
    assert not list(tmp_path.glob("progress.db.*"))  # no copy left behind
