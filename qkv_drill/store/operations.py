"""The store's write operations: each one function of (connection, arguments), run by
`Writes._apply` inside one transaction.

The store passes these functions themselves; a queued write is kept in the journal under the
function's name, and `BY_NAME` is the one table a name read back from a journal may call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from qkv_drill.store.records import ANSWER_COLUMNS, AnswerRecord, seed_in, to_iso

WriteOp = Callable[..., Any]


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made; sqlite3 types it Optional since other statements make none."""
    rowid = cur.lastrowid
    if rowid is None:
        raise TypeError("the statement inserted no row")
    return rowid


# --- answers ------------------------------------------------------------------------------------


def record_answer(conn: sqlite3.Connection, rec: AnswerRecord, rowid: int | None = None) -> int:
    row = asdict(rec) | {"id": rowid, "ts_utc": to_iso(rec.ts_utc), "seed": seed_in(rec.seed)}
    cur = conn.execute(
        f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)})"
        f" VALUES ({', '.join('?' for _ in ANSWER_COLUMNS)})",
        tuple(row[c] for c in ANSWER_COLUMNS),
    )
    return inserted_id(cur)


def delete_answer(conn: sqlite3.Connection, answer_id: int) -> bool:
    return conn.execute("DELETE FROM answers WHERE id = ?", (answer_id,)).rowcount > 0


# --- drill cards --------------------------------------------------------------------------------


def put_card(conn: sqlite3.Connection, qid: str, card: str, due: str, now: str) -> None:
    conn.execute(
        "INSERT INTO cards (question_id, card_json, due_utc, updated_utc) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (question_id) DO UPDATE SET card_json = excluded.card_json,"
        " due_utc = excluded.due_utc, updated_utc = excluded.updated_utc",
        (qid, card, due, now),
    )


def restore_card(
    conn: sqlite3.Connection, qid: str, card: str | None, due: str | None, now: str
) -> None:
    """A card put back as it was (undo); None removes it (the question was new)."""
    if card is None or due is None:
        conn.execute("DELETE FROM cards WHERE question_id = ?", (qid,))
        return
    put_card(conn, qid, card, due, now)


def set_suspended(conn: sqlite3.Connection, qid: str, suspended: bool) -> None:
    conn.execute(
        "INSERT INTO card_flags (question_id, suspended) VALUES (?, ?)"
        " ON CONFLICT (question_id) DO UPDATE SET suspended = excluded.suspended",
        (qid, int(suspended)),
    )


def set_buried(conn: sqlite3.Connection, qid: str, until: str | None) -> None:
    conn.execute(
        "INSERT INTO card_flags (question_id, buried_until) VALUES (?, ?)"
        " ON CONFLICT (question_id) DO UPDATE SET buried_until = excluded.buried_until",
        (qid, until),
    )


# --- mock interviews ----------------------------------------------------------------------------


def create_mock(
    conn: sqlite3.Connection,
    started: str,
    settings_json: str,
    seed: int | None,
    duration_s: float,
    plan_json: str,
    rowid: int | None = None,
) -> int:
    cur = conn.execute(
        "INSERT INTO mocks (id, started_utc, settings_json, seed, duration_s, used_s, state,"
        " plan_json) VALUES (?, ?, ?, ?, ?, 0, 'running', ?)",
        (rowid, started, settings_json, seed_in(seed), float(duration_s), plan_json),
    )
    return inserted_id(cur)


def save_mock_answer(
    conn: sqlite3.Connection,
    mock_id: int,
    idx: int,
    text: str | None,
    time_ms: int,
    flagged: bool,
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO mock_answers (mock_id, idx, answer_text, time_ms, flagged, updated_utc)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (mock_id, idx) DO UPDATE SET"
        " answer_text = excluded.answer_text, time_ms = excluded.time_ms,"
        " flagged = excluded.flagged, updated_utc = excluded.updated_utc",
        (mock_id, idx, text, time_ms, int(flagged), now),
    )


def checkpoint_mock(conn: sqlite3.Connection, mock_id: int, used_s: float) -> None:
    conn.execute("UPDATE mocks SET used_s = ? WHERE id = ?", (used_s, mock_id))


def set_mock_plan(conn: sqlite3.Connection, mock_id: int, plan_json: str) -> None:
    """A running interview's plan, rewritten when a resume found questions changed."""
    conn.execute(
        "UPDATE mocks SET plan_json = ? WHERE id = ? AND state = 'running'", (plan_json, mock_id)
    )


def finish_mock(conn: sqlite3.Connection, mock_id: int, report: str, now: str) -> None:
    conn.execute(
        "UPDATE mocks SET state = 'finished', report_json = ?, finished_utc = ? WHERE id = ?",
        (report, now, mock_id),
    )


def discard_mock(conn: sqlite3.Connection, mock_id: int) -> bool:
    running = conn.execute(
        "SELECT 1 FROM mocks WHERE id = ? AND state = 'running'", (mock_id,)
    ).fetchone()
    if not running:
        return False
    conn.execute("DELETE FROM mock_answers WHERE mock_id = ?", (mock_id,))
    conn.execute("DELETE FROM mocks WHERE id = ?", (mock_id,))
    return True


# --- the tables ---------------------------------------------------------------------------------

INSERTS: dict[WriteOp, str] = {record_answer: "answers", create_mock: "mocks"}
"""Operations that insert a row, and its table (a queued one hands out a provisional id)."""

ID_ARGS: dict[WriteOp, str] = {
    save_mock_answer: "mocks",
    checkpoint_mock: "mocks",
    set_mock_plan: "mocks",
    finish_mock: "mocks",
    discard_mock: "mocks",
    delete_answer: "answers",
}
"""Operations whose first argument is the id of a row an insert made, and its table."""

_OTHERS: tuple[WriteOp, ...] = (put_card, restore_card, set_suspended, set_buried)
BY_NAME: dict[str, WriteOp] = {op.__name__: op for op in (*INSERTS, *ID_ARGS, *_OTHERS)}
"""Every operation a journal line may name; nothing else read from a journal is called."""
