"""Every write the store makes, each one committed transaction, and what happens when one fails.

- A storage failure (disk full, file turned read-only, damage) switches the session as
  store.py describes, keeping this session's answers.
- A lock another process holds past the busy timeout does not: the write is queued, a background
  retry with backoff writes the queue, in order, once the lock is released, and the store says so
  (`pending` counts what is not on disk yet, so nobody is told "saved" early).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from typing import TYPE_CHECKING, Any

from qkv_drill.store import records
from qkv_drill.store.health import error_code, is_storage_failure
from qkv_drill.store.records import MODES, VERDICTS, AnswerRecord, seed_in, to_iso

if TYPE_CHECKING:
    from collections.abc import Callable

LOCK_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds the lock
RETRY_DELAYS_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)  # then every 8 s until the lock is released
RETRY_BUSY_TIMEOUT_MS = 200  # while writes are queued, a try waits only this long
_INSERTS = {"record_answer": "answers", "create_mock": "mocks"}


def is_lock(e: BaseException) -> bool:
    return isinstance(e, sqlite3.OperationalError) and error_code(e) in LOCK_CODES


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made; sqlite3 types it Optional since other statements make none."""
    rowid = cur.lastrowid
    if rowid is None:
        raise TypeError("the statement inserted no row")
    return rowid


class Writes:
    """The write half of Store (mixed in): the operations, the session log and the lock queue."""

    _conn: sqlite3.Connection
    _lock: threading.RLock
    persistent: bool
    _log: list[tuple[str, tuple[Any, ...], Any]]
    _warn: Callable[[str], None]
    _switch: Callable[[sqlite3.DatabaseError, str], None]

    def _init_writes(self) -> None:
        self._pending: list[tuple[str, tuple[Any, ...], Any]] = []  # queued behind a lock
        self._retry: threading.Thread | None = None
        self._closing = threading.Event()
        self._next_ids: dict[str, int] = {}

    @property
    def pending(self) -> int:
        """Writes waiting for another process to release the file (not on disk yet)."""
        with self._lock:
            return len(self._pending)

    @property
    def saving(self) -> bool:
        """True when the last write is on disk: persistent and nothing queued."""
        return self.persistent and not self._pending

    # --- the write path -----------------------------------------------------------------------

    def _write(self, op: str, *args: Any) -> Any:
        with self._lock:
            if self._pending:  # keep the order: behind what is already queued
                return self._enqueue(op, args)
            try:
                result = self._apply(self._conn, op, args)
            except sqlite3.DatabaseError as e:
                if self.persistent and is_lock(e):
                    return self._enqueue(op, args, first=True)
                if not self.persistent or not is_storage_failure(e):
                    raise
                self._switch(e, "writing failed")
                result = self._apply(self._conn, op, args)
            self._log.append((op, args, result))
            return result

    def _enqueue(self, op: str, args: tuple[Any, ...], *, first: bool = False) -> Any:
        rowid = self._provisional_id(op) if op in _INSERTS else None
        self._pending.append((op, args, rowid))
        self._log.append((op, args, rowid))
        if first:
            self._warn(
                "the progress file is locked by another program; answers are kept and will be "
                "saved as soon as it is released (do not close qkv-drill until then)"
            )
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute(f"PRAGMA busy_timeout = {RETRY_BUSY_TIMEOUT_MS}")
            self._retry = threading.Thread(target=self._retry_loop, daemon=True)
            self._retry.start()
        return rowid

    def _provisional_id(self, op: str) -> int:
        """The id an insert will get once written (readers are not blocked by a writer in WAL)."""
        table = _INSERTS[op]
        try:
            (top,) = self._conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
        except sqlite3.Error:
            top = 0
        rowid = max(int(top) + 1, self._next_ids.get(table, 1))
        self._next_ids[table] = rowid + 1
        return rowid

    def _retry_loop(self) -> None:
        tries = 0
        while not self._closing.is_set():
            self._closing.wait(RETRY_DELAYS_S[min(tries, len(RETRY_DELAYS_S) - 1)])
            tries += 1
            if self.flush_pending():
                return

    def flush_pending(self) -> bool:
        """Write queued operations in order; True when none are left."""
        with self._lock:
            written = 0
            while self._pending:
                op, args, rowid = self._pending[0]
                try:
                    self._apply(self._conn, op, args, rowid)
                except sqlite3.IntegrityError:
                    if op != "record_answer":
                        raise
                    # Another program took this answer's id meanwhile: store it under a new one.
                    self._apply(self._conn, op, args)
                except sqlite3.DatabaseError as e:
                    if is_lock(e):
                        return False
                    self._pending.clear()
                    self._switch(e, "writing queued answers failed")
                    return True
                self._pending.pop(0)
                written += 1
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            if written:
                self._warn(
                    f"the progress file is free again: {written} queued write"
                    f"{'s' if written != 1 else ''} saved"
                )
            return True

    def _stop_retrying(self, wait_s: float) -> None:
        """At close: a last chance for the queue, then tell what could not be written."""
        self._closing.set()
        deadline = time.monotonic() + wait_s
        while self._pending and time.monotonic() < deadline:
            if self.flush_pending():
                break
            time.sleep(0.2)
        if self._pending:
            n = len(self._pending)
            self._warn(
                f"{n} write{'s' if n != 1 else ''} could not be saved: the progress file stayed "
                "locked by another program"
            )

    def _replay(self, conn: sqlite3.Connection) -> None:
        """Re-apply this session's writes (inserts keep their ids); skip what no longer fits,
        such as an answer to a mock interview that lived only in the damaged file."""
        for op, args, result in self._log:
            with contextlib.suppress(sqlite3.Error):
                self._apply(conn, op, args, result)

    def _apply(self, conn: sqlite3.Connection, op: str, args: tuple[Any, ...], rowid=None) -> Any:
        """One write as one transaction; `rowid` replays an insert with its original id."""
        fn = getattr(self, f"_w_{op}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn, *args, rowid=rowid) if op in _INSERTS else fn(conn, *args)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        return result

    # --- the operations ---------------------------------------------------------------------

    def record_answer(self, rec: AnswerRecord) -> int:
        """Store one answer; committed (fsynced) before this returns, unless another program
        holds the lock (then it is queued: see `pending`). Returns its id."""
        if rec.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {rec.verdict!r}")
        if rec.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {rec.mode!r}")
        rec.id = self._write("record_answer", rec)
        return rec.id

    @staticmethod
    def _w_record_answer(conn: sqlite3.Connection, rec: AnswerRecord, rowid=None) -> int:
        cur = conn.execute(
            "INSERT INTO answers (id, ts_utc, question_id, pack_id, topic, difficulty, qtype,"
            " params_json, seed, answer_text, verdict, misconception, response_ms, mode, mock_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rowid,
                to_iso(rec.ts_utc),
                rec.question_id,
                rec.pack_id,
                rec.topic,
                rec.difficulty,
                rec.qtype,
                rec.params_json,
                seed_in(rec.seed),
                rec.answer_text,
                rec.verdict,
                rec.misconception,
                rec.response_ms,
                rec.mode,
                rec.mock_id,
            ),
        )
        return _inserted_id(cur)

    def put_card(self, question_id: str, card_json: str, due: Any) -> None:
        """Insert or replace the drill card of one question."""
        self._write("put_card", question_id, card_json, to_iso(due), to_iso(records.now_utc()))

    @staticmethod
    def _w_put_card(conn: sqlite3.Connection, qid: str, card: str, due: str, now: str) -> None:
        conn.execute(
            "INSERT INTO cards (question_id, card_json, due_utc, updated_utc) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id) DO UPDATE SET card_json = excluded.card_json,"
            " due_utc = excluded.due_utc, updated_utc = excluded.updated_utc",
            (qid, card, due, now),
        )

    def create_mock(
        self, settings_json: str, seed: int | None, duration_s: float, plan_json: str
    ) -> int:
        """A new running mock interview; returns its id."""
        return self._write(
            "create_mock", to_iso(records.now_utc()), settings_json, seed, duration_s, plan_json
        )

    @staticmethod
    def _w_create_mock(
        conn: sqlite3.Connection,
        started: str,
        settings_json: str,
        seed: int | None,
        duration_s: float,
        plan_json: str,
        rowid=None,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO mocks (id, started_utc, settings_json, seed, duration_s, used_s, state,"
            " plan_json) VALUES (?, ?, ?, ?, ?, 0, 'running', ?)",
            (rowid, started, settings_json, seed_in(seed), float(duration_s), plan_json),
        )
        return _inserted_id(cur)

    def save_mock_answer(
        self, mock_id: int, idx: int, text: str | None, time_ms: int, flagged: bool
    ) -> None:
        self._write(
            "save_mock_answer",
            mock_id,
            idx,
            text,
            int(time_ms),
            bool(flagged),
            to_iso(records.now_utc()),
        )

    @staticmethod
    def _w_save_mock_answer(
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

    def checkpoint_mock(self, mock_id: int, used_s: float) -> None:
        """Remember how much of the time budget is spent, for resuming after a crash."""
        self._write("checkpoint_mock", mock_id, float(used_s))

    @staticmethod
    def _w_checkpoint_mock(conn: sqlite3.Connection, mock_id: int, used_s: float) -> None:
        conn.execute("UPDATE mocks SET used_s = ? WHERE id = ?", (used_s, mock_id))

    def finish_mock(self, mock_id: int, report_json: str) -> None:
        self._write("finish_mock", mock_id, report_json, to_iso(records.now_utc()))

    @staticmethod
    def _w_finish_mock(conn: sqlite3.Connection, mock_id: int, report: str, now: str) -> None:
        conn.execute(
            "UPDATE mocks SET state = 'finished', report_json = ?, finished_utc = ? WHERE id = ?",
            (report, now, mock_id),
        )

    def discard_mock(self, mock_id: int) -> bool:
        """Throw away an interrupted interview and its typed answers; finished ones are kept.
        Returns whether anything was discarded."""
        return bool(self._write("discard_mock", mock_id))

    @staticmethod
    def _w_discard_mock(conn: sqlite3.Connection, mock_id: int) -> bool:
        running = conn.execute(
            "SELECT 1 FROM mocks WHERE id = ? AND state = 'running'", (mock_id,)
        ).fetchone()
        if not running:
            return False
        conn.execute("DELETE FROM mock_answers WHERE mock_id = ?", (mock_id,))
        conn.execute("DELETE FROM mocks WHERE id = ?", (mock_id,))
        return True


BUSY_TIMEOUT_MS = 5000  # the normal wait for a lock (store.BUSY_TIMEOUT_S)
