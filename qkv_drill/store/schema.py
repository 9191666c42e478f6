"""The progress database schema, as an ordered list of migrations.

`PRAGMA user_version` is the number of migrations applied. Version N+1 is added by appending one
function to `MIGRATIONS`; each runs in its own transaction together with the version bump, so a
crash mid-upgrade leaves the previous version intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]


def _v1(conn: sqlite3.Connection) -> None:
    """First release: answers, drill cards, mock interviews."""
    conn.execute(
        """
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            ts_utc TEXT NOT NULL,
            question_id TEXT NOT NULL,
            pack_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            difficulty TEXT NOT NULL,
            qtype TEXT NOT NULL,
            params_json TEXT NOT NULL,
            seed,                                   -- int; text when beyond 64 bits
            answer_text TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong', 'skipped')),
            misconception TEXT,
            response_ms INTEGER,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'drill', 'mock')),
            mock_id INTEGER
        )
        """
    )
    # Covering indexes: daily counts, streak and accuracy-since read only the index.
    conn.execute("CREATE INDEX answers_ts ON answers (ts_utc, verdict, topic)")
    conn.execute("CREATE INDEX answers_topic_ts ON answers (topic, ts_utc, verdict)")
    conn.execute("CREATE INDEX answers_mode_ts ON answers (mode, ts_utc)")
    conn.execute("CREATE INDEX answers_question_ts ON answers (question_id, ts_utc)")
    # All-time accuracy per topic is kept as running totals so it costs O(topics), not O(rows).
    conn.execute(
        """
        CREATE TABLE topic_totals (
            topic TEXT PRIMARY KEY,
            correct INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    conn.execute(
        """
        CREATE TRIGGER answers_count AFTER INSERT ON answers
        WHEN NEW.verdict != 'skipped'
        BEGIN
            INSERT INTO topic_totals (topic, correct, total)
            VALUES (NEW.topic, NEW.verdict = 'correct', 1)
            ON CONFLICT (topic) DO UPDATE SET
                correct = correct + (NEW.verdict = 'correct'),
                total = total + 1;
        END
        """
    )
    conn.execute(
        """
        CREATE TABLE cards (
            question_id TEXT PRIMARY KEY,
            card_json TEXT NOT NULL,
            due_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX cards_due ON cards (due_utc)")
    conn.execute(
        """
        CREATE TABLE mocks (
            id INTEGER PRIMARY KEY,
            started_utc TEXT NOT NULL,
            settings_json TEXT NOT NULL,
            seed,
            duration_s REAL NOT NULL,
            used_s REAL NOT NULL DEFAULT 0,
            state TEXT NOT NULL CHECK (state IN ('running', 'finished')),
            plan_json TEXT NOT NULL,
            finished_utc TEXT,
            report_json TEXT
        )
        """
    )
    conn.execute("CREATE INDEX mocks_state ON mocks (state, started_utc)")
    conn.execute(
        """
        CREATE TABLE mock_answers (
            mock_id INTEGER NOT NULL REFERENCES mocks (id),
            idx INTEGER NOT NULL,
            answer_text TEXT,
            time_ms INTEGER NOT NULL DEFAULT 0,
            flagged INTEGER NOT NULL DEFAULT 0,
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (mock_id, idx)
        )
        """
    )


def _v2(conn: sqlite3.Connection) -> None:
    """Suspend and bury (kept apart from the FSRS card, so a new question can be held back too),
    and undo: deleting an answer takes it out of the running per-topic totals."""
    conn.execute(
        """
        CREATE TABLE card_flags (
            question_id TEXT PRIMARY KEY,
            suspended INTEGER NOT NULL DEFAULT 0,
            buried_until TEXT                       -- UTC instant the bury ends (local midnight)
        )
        """
    )
    conn.execute(
        """
        CREATE TRIGGER answers_uncount AFTER DELETE ON answers
        WHEN OLD.verdict != 'skipped'
        BEGIN
            UPDATE topic_totals SET
                correct = correct - (OLD.verdict = 'correct'),
                total = total - 1
            WHERE topic = OLD.topic;
        END
        """
    )


def _v3(conn: sqlite3.Connection) -> None:
    """Identity and write sequence (every write transaction bumps `seq`, so a -wal left beside
    the file can be told to belong to it), and the journal uids already applied (a write queued
    behind another program's lock is replayed exactly once)."""
    # db_id: random, made once; seq: write transactions committed so far.
    conn.execute("CREATE TABLE store_meta (db_id TEXT NOT NULL, seq INTEGER NOT NULL)")
    conn.execute("INSERT INTO store_meta (db_id, seq) VALUES (lower(hex(randomblob(16))), 0)")
    # uid: a journal entry (store/journal.py); row_id: the id its insert got.
    conn.execute("CREATE TABLE applied_writes (uid TEXT PRIMARY KEY, row_id INTEGER) WITHOUT ROWID")


def _v4(conn: sqlite3.Connection) -> None:
    """What each answer was drawn as: its pack's version and a digest of the draw (numbers,
    options, right answer), so a question redrawn later from its id and seed can be told apart
    from the one answered. Rows from before stay as they were (NULL: not known)."""
    conn.execute("ALTER TABLE answers ADD COLUMN pack_version INTEGER")
    conn.execute("ALTER TABLE answers ADD COLUMN drawn TEXT")


MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4]


class SchemaTooNew(Exception):
    """The file was written by a newer qkv-drill; it is left alone."""


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] | None = None) -> int:
    """Apply the missing migrations in order; returns the final version.

    `conn` must be in autocommit mode (isolation_level=None) so each step is one transaction.
    """
    steps = MIGRATIONS if migrations is None else migrations
    current = version(conn)
    if current > len(steps):
        raise SchemaTooNew(
            f"schema version {current} is newer than this qkv-drill understands ({len(steps)})"
        )
    while current < len(steps):
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = version(conn)  # another process may have upgraded while we waited
            if current < len(steps):
                steps[current](conn)
                current += 1
                conn.execute(f"PRAGMA user_version = {current:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current
