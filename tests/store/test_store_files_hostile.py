"""Hostile data-folder states (issue 9): what sits where progress.db should be, and locks held by
this very process. Each ends with progress saved and nothing lost, never a wait.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from qkv_drill.store import Store, kept_files
from tests.helpers.records import answer_record

T = TypeVar("T")

TRY_TO_WRITE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    conn.execute("BEGIN IMMEDIATE")
    print("took the lock")
except sqlite3.OperationalError as e:
    print(e)
"""


def another_process_writes(db: Path) -> str:
    """What another process gets when it tries to take the write lock at once."""
    out = subprocess.run(
        [sys.executable, "-c", TRY_TO_WRITE, str(db)], capture_output=True, text=True, timeout=60
    )
    return out.stdout.strip()


def within(seconds: float, fn: Callable[[], T]) -> T:
    out: list[T] = []
    worker = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "opening the store blocked"
    return out[0]


# --- a lock held by another connection of this process ---------------------------------------


def held_by_this_process(db: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    assert another_process_writes(db) == "database is locked"
    return holder


def test_opening_the_store_keeps_a_lock_this_process_holds(tmp_path):
    db = tmp_path / "progress.db"
    with Store.open(db) as s:
        s.record_answer(answer_record(1))
    holder = held_by_this_process(db)  # a -wal and -shm are there: the open copies them aside
    opened = Store.open(db)
    assert another_process_writes(db) == "database is locked"
    holder.execute("ROLLBACK")
    holder.close()
    opened.close()


def test_a_damaged_file_check_keeps_a_lock_this_process_holds(tmp_path):
    db = tmp_path / "progress.db"
    with Store.open(db) as s:
        s.record_answer(answer_record(1))
    holder = held_by_this_process(db)
    from qkv_drill.store import health, recovery, walcheck

    assert health.structure_problem(db) is None
    copy = recovery.safety_copy(db)
    walcheck.header_problem(db, db.with_name(db.name + "-wal"))
    assert another_process_writes(db) == "database is locked"
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00"
    holder.execute("ROLLBACK")
    holder.close()


def test_kept_descriptors_stay_few_when_many_files_are_read(tmp_path):
    for i in range(3 * kept_files.KEEP_AT_MOST):
        with Store.open(tmp_path / f"p{i}.db") as s:
            s.record_answer(answer_record(1))
        (tmp_path / f"p{i}.db-wal").write_bytes(b"")  # makes the next open copy it aside
        Store.open(tmp_path / f"p{i}.db").close()
    if Path("/proc/locks").exists():
        assert kept_files.kept_count() <= kept_files.KEEP_AT_MOST + 1


# --- what sits where progress.db should be --------------------------------------------------


def test_a_fifo_in_place_of_progress_db_is_moved_aside_not_waited_on(tmp_path):
    db = tmp_path / "progress.db"
    os.mkfifo(db)
    told: list[str] = []
    s = within(60, lambda: Store.open(db, on_warning=told.append))
    assert s.persistent
    s.record_answer(answer_record(1))
    s.close()
    assert "a FIFO in place of a file" in told[0]
    (aside,) = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert aside.is_fifo()


def test_a_link_to_dev_zero_in_place_of_progress_db_is_moved_aside_and_kept(tmp_path):
    db = tmp_path / "progress.db"
    db.symlink_to("/dev/zero")
    told: list[str] = []
    s = within(60, lambda: Store.open(db, on_warning=told.append))
    assert s.persistent and "character device in place of a file" in told[0]
    s.record_answer(answer_record(1))
    s.close()
    (aside,) = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert os.readlink(aside) == "/dev/zero"
