"""Schema versions: a v1 file with rows is upgraded in place by an appended migration."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from qkv_drill.store import AnswerRecord, Store, schema

CURRENT = len(schema.MIGRATIONS)


def rec(text):
    return AnswerRecord("q1", "core", "shapes", "easy", "numeric", "{}", 1, text, "correct")


def v1_answer(conn: sqlite3.Connection, text: str) -> int:
    """An answer row as the first release wrote it: only the columns it had."""
    cur = conn.execute(
        "INSERT INTO answers (ts_utc, question_id, pack_id, topic, difficulty, qtype, params_json,"
        " seed, answer_text, verdict, mode) VALUES ('2026-01-01T00:00:00.000000+00:00', 'q1',"
        " 'core', 'shapes', 'easy', 'numeric', '{}', 1, ?, 'correct', 'practice')",
        (text,),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def _v2_add_note(conn: sqlite3.Connection) -> None:
    """Test-only version 2: a column with a default, and a backfill from existing rows."""
    conn.execute("ALTER TABLE answers ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE answers SET note = 'from v1: ' || answer_text")


def test_a_v1_file_with_rows_is_migrated_to_v2(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    with Store.open(path) as s:
        s.record_answer(rec("64"))
        s.record_answer(rec("128"))
        s.put_card("q1", "{}", datetime.now(UTC))
        assert schema.version(s._conn) == CURRENT

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _v2_add_note])
    with Store.open(path) as s:
        assert s.persistent and s.warnings == []
        assert schema.version(s._conn) == CURRENT + 1
        notes = s._conn.execute("SELECT note FROM answers ORDER BY id").fetchall()
        assert notes == [("from v1: 64",), ("from v1: 128",)]
        # The old API still works on the new schema, and new rows get the default.
        s.record_answer(rec("256"))
        assert s.accuracy_by_topic() == {"shapes": (3, 3)}
        assert s.get_card("q1") == "{}"
        assert (
            s._conn.execute("SELECT note FROM answers WHERE answer_text = '256'").fetchone()[0]
            == ""
        )
    with Store.open(path) as s:  # applied once only
        assert schema.version(s._conn) == CURRENT + 1


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    with Store.open(path) as s:
        s.record_answer(rec("64"))

    def broken(conn):
        conn.execute("ALTER TABLE answers ADD COLUMN half_done TEXT")
        raise RuntimeError("boom")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT
    cols = [r[1] for r in conn.execute("PRAGMA table_info(answers)")]
    assert "half_done" not in cols
    assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 1
    conn.close()


def test_migrating_from_zero_builds_every_table(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    assert schema.migrate(conn) == len(schema.MIGRATIONS)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"answers", "cards", "mocks", "mock_answers"} <= tables
    assert schema.migrate(conn) == len(schema.MIGRATIONS)  # idempotent
    conn.close()


def test_stats_queries_use_indexes(tmp_path):
    with Store.open(tmp_path / "progress.db") as s:
        plan = s._conn.execute(
            "EXPLAIN QUERY PLAN SELECT date(ts_utc, '+0 minutes') AS day, COUNT(*) FROM answers"
            " WHERE ts_utc >= '2026' AND ts_utc < '2027' AND verdict != 'skipped' GROUP BY day"
        ).fetchall()
        assert "USING COVERING INDEX answers_ts" in " ".join(r[-1] for r in plan)
        plan = s._conn.execute(
            "EXPLAIN QUERY PLAN SELECT question_id FROM cards WHERE due_utc <= '2026'"
        ).fetchall()
        assert "cards_due" in " ".join(r[-1] for r in plan)


def test_a_v1_file_gets_card_flags_and_undo_keeps_the_topic_totals(tmp_path, monkeypatch):
    """The real version 2 on a file written by version 1: rows kept, suspend and undo work."""
    path = tmp_path / "progress.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    with Store.open(path) as s:  # rows as version 1 wrote them (its columns only)
        first = v1_answer(s._conn, "64")
        v1_answer(s._conn, "65")
        s.put_card("q1", "{}", datetime(2026, 1, 1, tzinfo=UTC))
        assert schema.version(s._conn) == 1
    monkeypatch.undo()
    with Store.open(path) as s:
        assert schema.version(s._conn) == len(schema.MIGRATIONS)
        assert s.accuracy_by_topic() == {"shapes": (2, 2)}
        assert s.delete_answer(first) and not s.delete_answer(first)
        assert s.accuracy_by_topic() == {"shapes": (1, 1)}
        assert [a.answer_text for a in s.iter_answers()] == ["65"]
        now = datetime(2026, 1, 2, tzinfo=UTC)
        assert [q for q, _ in s.due_cards(now)] == ["q1"]
        s.set_suspended("q1")
        assert s.due_cards(now) == [] and s.held_back(now) == {"q1"}
