"""`qkv-drill backup` and `restore`, end to end from the CLI on a temporary data folder.

The backup is taken while another process keeps recording answers: every copy must be one
consistent snapshot (integrity ok, no gap in answer ids, running totals equal to the rows).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from qkv_drill import paths
from qkv_drill.cli import main
from qkv_drill.store import AnswerRecord, Store, schema

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

WRITER = textwrap.dedent(
    """
    import sys
    from qkv_drill.store import AnswerRecord, Store

    store = Store.open(sys.argv[1])
    assert store.persistent, store.warnings
    verdicts = ("correct", "wrong", "skipped")
    topics = ("shapes", "roles", "scaling")
    for i in range(1_000_000):
        store.record_answer(
            AnswerRecord("q", "core", topics[i % 3], "easy", "numeric", "{}", i, str(i),
                         verdicts[i % 5 % 3])
        )
        print(i + 1, flush=True)
    """
)


def record(store: Store, n: int, topic: str = "shapes") -> None:
    for i in range(n):
        verdict = "correct" if i % 2 else "wrong"
        store.record_answer(
            AnswerRecord("q", "core", topic, "easy", "numeric", "{}", i, str(i), verdict)
        )


def answers_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])
    finally:
        conn.close()


def snapshot_is_consistent(path: Path) -> int:
    """The answer count of a backup that passes every consistency check."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        count, top = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM answers").fetchone()
        assert count == top, "a gap in answer ids: not one snapshot"
        counted = conn.execute("SELECT count(*) FROM answers WHERE verdict != 'skipped'")
        totals = conn.execute("SELECT coalesce(sum(total), 0) FROM topic_totals")
        assert counted.fetchone()[0] == totals.fetchone()[0], "running totals disagree with rows"
    finally:
        conn.close()
    assert not path.with_name(path.name + "-wal").exists()
    return int(count)


def test_backup_while_another_process_keeps_writing(tmp_path, capsys):
    db = paths.progress_db_path()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    counts = []
    try:
        assert writer.stdout is not None
        for line in writer.stdout:  # let it get going first
            if int(line) >= 200:
                break
        for k in range(4):
            target = tmp_path / f"backup-{k}.db"
            assert main(["backup", "-o", str(target)]) == 0
            assert "wrote" in capsys.readouterr().out
            counts.append(snapshot_is_consistent(target))
            time.sleep(0.2)
        assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
    finally:
        writer.kill()
        writer.wait(timeout=10)
    assert counts == sorted(counts) and counts[0] >= 200
    assert counts[-1] > counts[0], "the writer made no progress during the backups"
    assert not list(tmp_path.glob("*.partial"))


def test_backup_defaults_to_the_backups_folder(capsys):
    with Store.open(paths.progress_db_path()) as store:
        record(store, 3)
    assert main(["backup"]) == 0
    (written,) = (paths.data_dir() / "backups").glob("progress-*.db")
    assert str(written) in capsys.readouterr().out
    assert snapshot_is_consistent(written) == 3


def test_backup_with_no_progress_yet_says_so(tmp_path, capsys):
    assert main(["backup", "-o", str(tmp_path / "b.db")]) == 1
    assert "no progress to back up yet" in capsys.readouterr().err
    assert not (tmp_path / "b.db").exists()


def test_restore_puts_the_backup_back_and_keeps_the_current_store_aside(tmp_path, capsys):
    db = paths.progress_db_path()
    with Store.open(db) as store:
        record(store, 3)
    assert main(["backup", "-o", str(tmp_path / "b.db")]) == 0
    with Store.open(db) as store:
        record(store, 2, topic="roles")
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "b.db")]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "3 answers" in out
    (kept,) = db.parent.glob("progress.db.before-restore-*")
    assert str(kept) in out
    assert answers_in(kept) == 5  # nothing lost: the later answers are in the kept file
    with Store.open(db) as store:
        assert store.persistent and not store.warnings
        assert store.accuracy_by_topic() == {"shapes": (1, 3)}
        record(store, 1)  # the restored store takes new answers
    assert answers_in(db) == 4
    assert not list(db.parent.glob("*.restoring*"))


def test_restore_into_an_empty_data_folder(tmp_path, capsys):
    source = tmp_path / "elsewhere" / "progress.db"
    with Store.open(source) as store:
        record(store, 2)
    assert main(["restore", str(source)]) == 0
    assert "kept" not in capsys.readouterr().out
    assert answers_in(paths.progress_db_path()) == 2


def _refused(tmp_path: Path, backup_file: Path, capsys, why: str) -> None:
    db = paths.progress_db_path()
    before = db.read_bytes() if db.exists() else None
    assert main(["restore", str(backup_file)]) == 1
    err = capsys.readouterr().err
    assert "nothing changed" in err and why in err, err
    assert (db.read_bytes() if db.exists() else None) == before
    assert not list(db.parent.glob("progress.db.*")), "something was moved or left behind"


@pytest.fixture
def current_store() -> Path:
    db = paths.progress_db_path()
    with Store.open(db) as store:
        record(store, 4)
    return db


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path, capsys, current_store):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"definitely not SQLite" * 50)
    _refused(tmp_path, bad, capsys, "not a usable SQLite file")


def test_restore_refuses_a_truncated_backup(tmp_path, capsys, current_store):
    src = tmp_path / "src.db"
    with Store.open(src) as store:
        record(store, 400)
    raw = src.read_bytes()  # closed, so the -wal is folded into the file
    cut = tmp_path / "cut.db"
    cut.write_bytes(raw[: len(raw) // 2])
    _refused(tmp_path, cut, capsys, "truncated")


def test_restore_refuses_a_damaged_page(tmp_path, capsys, current_store):
    src = tmp_path / "src.db"
    with Store.open(src) as store:
        record(store, 2000)
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    raw = bytearray(src.read_bytes())
    page = 4096
    assert len(raw) > 8 * page
    raw[5 * page : 6 * page] = bytes([0xFF]) * page  # a b-tree page turned to garbage
    src.write_bytes(bytes(raw))
    _refused(tmp_path, src, capsys, "damaged")


def test_restore_refuses_an_sqlite_file_that_is_not_progress(tmp_path, capsys, current_store):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    _refused(tmp_path, other, capsys, "not qkv-drill progress")


def test_restore_refuses_a_newer_schema(tmp_path, capsys, current_store):
    newer = tmp_path / "newer.db"
    with Store.open(newer) as store:
        record(store, 1)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(schema.MIGRATIONS) + 1}")
    conn.close()
    _refused(tmp_path, newer, capsys, "newer than this qkv-drill understands")


def test_restore_refuses_while_the_app_has_the_store_open(tmp_path, capsys, current_store):
    good = tmp_path / "good.db"
    assert main(["backup", "-o", str(good)]) == 0
    capsys.readouterr()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from qkv_drill.store import Store; s = Store.open(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.read()",
            str(current_store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        _refused(tmp_path, good, capsys, "is in use: close qkv-drill")
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert main(["restore", str(good)]) == 0  # and once it is closed, it works


def test_restore_migrates_an_older_backup_forward(tmp_path, capsys, monkeypatch, current_store):
    old = tmp_path / "old.db"
    with Store.open(old) as store:
        record(store, 2)

    def v2(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, v2])
    assert main(["restore", str(old)]) == 0
    out = capsys.readouterr().out
    assert f"migrated from schema v{len(schema.MIGRATIONS) - 1}" in out
    conn = sqlite3.connect(paths.progress_db_path())
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 2
    finally:
        conn.close()
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) - 1
    conn.close()  # the backup file itself is never changed


def test_backup_counts_answers_as_the_stats_screen_does(tmp_path, capsys):
    """Skips and a mock's unanswered questions are stored (as skipped) but are not answers: the
    backup said 10 answers where the stats said 8."""
    from qkv_drill.doctor import store_line
    from qkv_drill.session.stats import StatsSnapshot

    with Store.open(paths.progress_db_path()) as store:
        record(store, 8)
        for i in range(2):
            store.record_answer(
                AnswerRecord("q", "core", "shapes", "easy", "numeric", "{}", i, "", "skipped")
            )
        stats = StatsSnapshot.build(store)
    assert stats.total_answers == 8
    assert main(["backup", "-o", str(tmp_path / "b.db")]) == 0
    assert ": 8 answers (2 skipped), 0 cards, 0 mock interviews," in capsys.readouterr().out
    assert "8 answers (2 skipped)" in store_line(paths.progress_db_path()).value
    assert main(["restore", str(tmp_path / "b.db")]) == 0
    assert ": 8 answers (2 skipped), 0 cards" in capsys.readouterr().out
