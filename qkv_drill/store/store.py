"""The progress store: every answer, drill card and mock interview, in one SQLite file.

Durability: WAL journal with `synchronous=FULL`, and every write is its own committed
transaction, so an answer is on disk before `record_answer` returns. (A killed process would not
lose committed transactions even with NORMAL; FULL also survives a power cut or OS crash, at the
cost of one fsync per answer, which nobody typing answers can notice.)

Faults never cost earlier progress:
- a corrupt or truncated file is moved aside to `progress.db.corrupt-<UTC>` (with its -wal and
  -shm) and a fresh store is started. Opening checks the header (and, from it, truncation) at
  once; `PRAGMA quick_check` reads the whole file only when it is small or a -wal was left
  behind, so start-up stays fast for years of history. Damage met later in a large file moves it
  aside the same way, and this session's writes go to the fresh file;
- a file or folder that cannot be written (read-only, disk full, cannot open) is left untouched
  and the session continues in memory (`persistent` is False), seeded with a copy of what the file
  holds; a write that fails mid-session does the same switch, keeping this session's answers.
Each fault adds a human sentence to `warnings` for the UI to show.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qkv_drill.store import schema
from qkv_drill.store.cardflags import CardFlagsMixin
from qkv_drill.store.health import (
    CORRUPT_CODES,
    Corrupt,
    error_code,
    is_storage_failure,
    structure_problem,
    wants_full_check,
)
from qkv_drill.store.records import (
    MODES,
    VERDICTS,
    AnswerRecord,
    CardRow,
    MockAnswerRow,
    MockRow,
    from_iso,
    now_utc,
    seed_in,
    seed_out,
    to_iso,
)

__all__ = [
    "MODES",
    "VERDICTS",
    "AnswerRecord",
    "CardRow",
    "MockAnswerRow",
    "MockRow",
    "Store",
    "from_iso",
    "now_utc",
    "to_iso",
]

BUSY_TIMEOUT_S = 5.0


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made; sqlite3 types it Optional since other statements make none."""
    rowid = cur.lastrowid
    if rowid is None:
        raise TypeError("the statement inserted no row")
    return rowid


def _connect(path: Path) -> sqlite3.Connection:
    """The one place a file connection is made (tests substitute a read-only one)."""
    return sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )


def _memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)


def _local_offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _seconds(value: Any) -> float:
    """A stored time budget, made usable whatever an older version wrote (inf, NaN, negative)."""
    from qkv_drill.cliargs import MINUTES

    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(x):
        return 0.0
    return min(max(x, 0.0), MINUTES[1] * 60.0)


class Store(CardFlagsMixin):
    """Progress on disk (or, after a fault, in memory); see the module docstring."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        utc_offset_minutes: int | None = None,
        memory: bool = False,
    ) -> None:
        self.warnings: list[str] = []
        self._warnings_taken = 0
        self.persistent = False
        self.utc_offset_minutes = (
            _local_offset_minutes() if utc_offset_minutes is None else utc_offset_minutes
        )
        self._lock = threading.RLock()
        self._log: list[tuple[str, tuple[Any, ...], Any]] = []  # this session's writes
        if memory:
            self.path: Path | None = None
            self._conn = _memory()
            schema.migrate(self._conn)
            return
        if path is None:
            from qkv_drill.paths import progress_db_path

            path = progress_db_path()
        self.path = Path(path)
        self._conn = self._open_file(self.path)

    @classmethod
    def open(cls, path: Path | str | None = None, **kwargs: Any) -> Store:
        """The store at `path` (default: the user data folder), created if missing."""
        return cls(path, **kwargs)

    @classmethod
    def in_memory(cls, **kwargs: Any) -> Store:
        """A throwaway store (tests, `--no-save` style runs)."""
        return cls(memory=True, **kwargs)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- opening and faults ----------------------------------------------------------

    def _open_file(self, path: Path, *, retry: bool = True) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            return self._fallback(f"cannot create the folder {path.parent} ({e.strerror or e})")
        conn: sqlite3.Connection | None = None
        try:
            problem = structure_problem(path) if retry else None
            if problem:
                raise Corrupt(problem)
            conn = _connect(path)
            if wants_full_check(path):
                rows = conn.execute("PRAGMA quick_check").fetchall()
                if rows != [("ok",)]:
                    raise Corrupt(str(rows[0][0]) if rows else "quick_check failed")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            schema.migrate(conn)
            self._probe_write(conn)
        except (Corrupt, sqlite3.DatabaseError) as e:
            if conn is not None:
                conn.close()
            corrupt = isinstance(e, Corrupt) or error_code(e) in CORRUPT_CODES
            if corrupt and retry:
                moved = self._move_aside(path)
                if moved is None:
                    return self._fallback(f"{path} is damaged and cannot be moved aside")
                self.warnings.append(
                    f"{path.name} was damaged ({e}); it was moved to {moved.name} and a fresh "
                    "progress file was started"
                )
                return self._open_file(path, retry=False)
            if is_storage_failure(e) or corrupt:
                return self._fallback(f"{path} cannot be written ({e})", source=path)
            raise
        except schema.SchemaTooNew as e:
            if conn is not None:
                conn.close()
            return self._fallback(f"{path} was written by a newer qkv-drill ({e})")
        except OSError as e:
            if conn is not None:
                conn.close()
            return self._fallback(f"{path} cannot be opened ({e})")
        self.persistent = True
        return conn

    @staticmethod
    def _probe_write(conn: sqlite3.Connection) -> None:
        """Fail now, not at the first answer, when the file is read-only."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"PRAGMA user_version = {schema.version(conn):d}")
        finally:
            conn.execute("ROLLBACK")

    @staticmethod
    def _move_aside(path: Path) -> Path | None:
        stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            path.rename(target)
        except OSError:
            return None
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                with contextlib.suppress(OSError):
                    side.rename(target.with_name(target.name + suffix))
        return target

    def _fallback(
        self,
        reason: str,
        *,
        source: Path | None = None,
        live: sqlite3.Connection | None = None,
    ) -> sqlite3.Connection:
        """Continue in memory, seeded with what the file holds (never writing to it)."""
        self.persistent = False
        self.warnings.append(
            f"progress is not being saved: {reason}; your earlier progress is untouched"
        )
        mem = _memory()
        if self._copy_into(mem, live, source):
            return mem
        mem.close()
        mem = _memory()
        schema.migrate(mem)
        self._replay(mem)
        return mem

    @staticmethod
    def _copy_into(
        mem: sqlite3.Connection, live: sqlite3.Connection | None, source: Path | None
    ) -> bool:
        sources: list[Callable[[], sqlite3.Connection]] = []
        if live is not None:
            sources.append(lambda: live)
        if source is not None and source.exists():
            uri = quote(str(source.resolve()))
            for flags in ("mode=ro", "immutable=1"):
                sources.append(partial(sqlite3.connect, f"file:{uri}?{flags}", uri=True))
        for make in sources:
            try:
                src = make()
                try:
                    src.backup(mem)
                    schema.migrate(mem)
                    return True
                finally:
                    if src is not live:
                        src.close()
            except (sqlite3.Error, schema.SchemaTooNew):
                continue
        return False

    # --- writes ----------------------------------------------------------------------

    def _write(self, op: str, *args: Any) -> Any:
        with self._lock:
            try:
                result = self._apply(self._conn, op, args)
            except sqlite3.DatabaseError as e:
                if not self.persistent or not is_storage_failure(e):
                    raise
                self._switch(e, "writing failed")
                result = self._apply(self._conn, op, args)
            self._log.append((op, args, result))
            return result

    def _switch(self, error: sqlite3.DatabaseError, what: str) -> None:
        """After a storage failure mid-session: a damaged file is moved aside and a fresh one
        gets this session's writes; anything else continues in memory."""
        old = self._conn
        if error_code(error) in CORRUPT_CODES and self.path is not None:
            with contextlib.suppress(sqlite3.Error):
                old.close()
            moved = self._move_aside(self.path)
            if moved is not None:
                self.warnings.append(
                    f"{self.path.name} turned out to be damaged ({error}); it was moved to "
                    f"{moved.name} and this session's answers were saved in a fresh file"
                )
                self._conn = self._open_file(self.path, retry=False)
                if self.persistent:
                    self._replay(self._conn)
                return
            self._conn = self._fallback(f"{what} ({error})")
            return
        self._conn = self._fallback(f"{what} ({error})", source=self.path, live=old)
        with contextlib.suppress(sqlite3.Error):
            old.close()

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

    def take_warnings(self) -> list[str]:
        """Warnings not taken before. Callers poll this after writes, so a failure found
        mid-session (disk full, file turned read-only) is told the moment it happens."""
        new = self.warnings[self._warnings_taken :]
        self._warnings_taken = len(self.warnings)
        return new

    def record_answer(self, rec: AnswerRecord) -> int:
        """Store one answer; committed (fsynced) before this returns. Returns its id."""
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

    def put_card(self, question_id: str, card_json: str, due: datetime) -> None:
        """Insert or replace the drill card of one question."""
        self._write("put_card", question_id, card_json, to_iso(due), to_iso(now_utc()))

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
            "create_mock", to_iso(now_utc()), settings_json, seed, duration_s, plan_json
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
            "save_mock_answer", mock_id, idx, text, int(time_ms), bool(flagged), to_iso(now_utc())
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
        self._write("finish_mock", mock_id, report_json, to_iso(now_utc()))

    @staticmethod
    def _w_finish_mock(conn: sqlite3.Connection, mock_id: int, report: str, now: str) -> None:
        conn.execute(
            "UPDATE mocks SET state = 'finished', report_json = ?, finished_utc = ? WHERE id = ?",
            (report, now, mock_id),
        )

    def discard_mock(self, mock_id: int) -> bool:
        """Throw away an interrupted interview and its typed answers; finished ones are kept.
        Returns whether anything was discarded."""
        return self._write("discard_mock", mock_id)

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

    # --- reads: answers and stats ----------------------------------------------------

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as e:
                # Damage found mid-session (a large file is not fully checked at open).
                if not self.persistent or error_code(e) not in CORRUPT_CODES:
                    raise
                self._switch(e, "reading failed")
                return self._conn.execute(sql, params).fetchall()

    def _shift(self) -> str:
        """SQLite date modifier turning a UTC timestamp into the local day."""
        return f"{self.utc_offset_minutes:+d} minutes"

    def _day_start(self, day: date) -> str:
        """The UTC instant the local day begins, as stored text."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return to_iso(midnight - timedelta(minutes=self.utc_offset_minutes))

    def local_today(self, now: datetime | None = None) -> date:
        now = now or now_utc()
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return (now.astimezone(UTC) + timedelta(minutes=self.utc_offset_minutes)).date()

    def iter_answers(
        self,
        mode: str | None = None,
        since: datetime | None = None,
        question_id: str | None = None,
    ) -> Iterator[AnswerRecord]:
        """Answers oldest first, optionally one mode or one question only and from `since` on."""
        where, params = [], []
        if question_id is not None:
            where.append("question_id = ?")
            params.append(question_id)
        if mode is not None:
            where.append("mode = ?")
            params.append(mode)
        if since is not None:
            where.append("ts_utc >= ?")
            params.append(to_iso(since))
        sql = (
            "SELECT id, ts_utc, question_id, pack_id, topic, difficulty, qtype, params_json,"
            " seed, answer_text, verdict, misconception, response_ms, mode, mock_id FROM answers"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY ts_utc, id"
        )
        for r in self._rows(sql, tuple(params)):
            yield AnswerRecord(
                question_id=r[2],
                pack_id=r[3],
                topic=r[4],
                difficulty=r[5],
                qtype=r[6],
                params_json=r[7],
                seed=seed_out(r[8]),
                answer_text=r[9],
                verdict=r[10],
                misconception=r[11],
                response_ms=r[12],
                mode=r[13],
                mock_id=r[14],
                ts_utc=from_iso(r[1]),
                id=r[0],
            )

    def attempts(
        self, question_id: str, limit: int = 10
    ) -> list[tuple[datetime, str, str | None, str]]:
        """(time, verdict, misconception, answer text) of a question's answers, newest first.

        Skipped answers are left out: a code exercise pre-fills the last code actually submitted.
        """
        rows = self._rows(
            "SELECT ts_utc, verdict, misconception, answer_text FROM answers"
            " WHERE question_id = ? AND verdict != 'skipped' ORDER BY ts_utc DESC, id DESC LIMIT ?",
            (question_id, int(limit)),
        )
        return [(from_iso(r[0]), r[1], r[2], r[3]) for r in rows]

    def accuracy_by_topic(self, since: datetime | None = None) -> dict[str, tuple[int, int]]:
        """topic -> (correct, answered); skipped answers count nowhere in the stats."""
        if since is None:
            rows = self._rows("SELECT topic, correct, total FROM topic_totals WHERE total > 0")
        else:
            rows = self._rows(
                "SELECT topic, SUM(verdict = 'correct'), COUNT(*) FROM answers"
                " WHERE ts_utc >= ? AND verdict != 'skipped' GROUP BY topic",
                (to_iso(since),),
            )
        return {t: (int(c), int(n)) for t, c, n in sorted(rows)}

    def recent_accuracy_by_topic(self, last_n: int = 20) -> dict[str, tuple[int, int]]:
        """topic -> (correct, answered) over each topic's last `last_n` answers."""
        out: dict[str, tuple[int, int]] = {}
        for (topic,) in self._rows("SELECT topic FROM topic_totals WHERE total > 0"):
            rows = self._rows(
                "SELECT verdict = 'correct' FROM answers WHERE topic = ?"
                " AND verdict != 'skipped' ORDER BY ts_utc DESC LIMIT ?",
                (topic, int(last_n)),
            )
            out[topic] = (sum(r[0] for r in rows), len(rows))
        return dict(sorted(out.items()))

    def daily_counts(
        self, days: int = 30, today: date | None = None
    ) -> list[tuple[date, int, int]]:
        """(local day, correct, answered) for the last `days` days, oldest first, zeros kept."""
        today = today or self.local_today()
        first = today - timedelta(days=days - 1)
        rows = self._rows(
            "SELECT date(ts_utc, ?) AS day, SUM(verdict = 'correct'), COUNT(*) FROM answers"
            " WHERE ts_utc >= ? AND ts_utc < ? AND verdict != 'skipped' GROUP BY day",
            (self._shift(), self._day_start(first), self._day_start(today + timedelta(days=1))),
        )
        found = {date.fromisoformat(d): (int(c), int(n)) for d, c, n in rows}
        out = []
        for i in range(days):
            day = first + timedelta(days=i)
            c, n = found.get(day, (0, 0))
            out.append((day, c, n))
        return out

    def _active(self, day: date) -> bool:
        (hit,) = self._rows(
            "SELECT EXISTS (SELECT 1 FROM answers WHERE ts_utc >= ? AND ts_utc < ?"
            " AND verdict != 'skipped')",
            (self._day_start(day), self._day_start(day + timedelta(days=1))),
        )[0]
        return bool(hit)

    def streak(self, today: date | None = None) -> int:
        """Consecutive days with an answer, ending today (or yesterday, if today has none yet)."""
        day = today or self.local_today()
        if not self._active(day):
            day -= timedelta(days=1)
        count = 0
        while self._active(day):  # one index seek per day: cost grows with the streak only
            count += 1
            day -= timedelta(days=1)
        return count

    # --- reads: drill cards ----------------------------------------------------------

    def get_card(self, question_id: str) -> str | None:
        rows = self._rows("SELECT card_json FROM cards WHERE question_id = ?", (question_id,))
        return rows[0][0] if rows else None

    def due_cards(self, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """(question id, due) of cards due by `now`, soonest first; suspended and buried cards
        are held back (see `cardflags`)."""
        # A suspended card never comes due; a buried one comes due when its bury ends.
        until = to_iso(now or now_utc())
        rows = self._rows(
            "SELECT question_id, MAX(due_utc, COALESCE(buried_until, '')) AS due FROM cards"
            " LEFT JOIN card_flags USING (question_id)"
            " WHERE due_utc <= ? AND due <= ? AND COALESCE(suspended, 0) = 0"
            " ORDER BY due, question_id",
            (until, until),
        )
        return [(q, from_iso(d)) for q, d in rows]

    def due_forecast(self, now: datetime | None = None, days: int = 14) -> list[tuple[date, int]]:
        """Cards falling due on each local day from today; overdue ones count as today."""
        today = self.local_today(now)
        rows = self._rows(
            "SELECT date(MAX(due_utc, COALESCE(buried_until, '')), ?) AS day, COUNT(*) FROM cards"
            " LEFT JOIN card_flags USING (question_id)"
            " WHERE due_utc < ? AND COALESCE(suspended, 0) = 0 GROUP BY day",
            (self._shift(), self._day_start(today + timedelta(days=days))),
        )
        counts = {day: 0 for day in (today + timedelta(days=i) for i in range(days))}
        for d, n in rows:
            day = max(date.fromisoformat(d), today)
            if day in counts:  # a bury can push a card just past the window
                counts[day] += int(n)
        return list(counts.items())

    def all_cards(self) -> list[CardRow]:
        rows = self._rows(
            "SELECT question_id, card_json, due_utc, updated_utc FROM cards ORDER BY question_id"
        )
        return [CardRow(q, c, from_iso(d), from_iso(u)) for q, c, d, u in rows]

    # --- reads: mock interviews ------------------------------------------------------

    _MOCK_COLS = (
        "id, started_utc, settings_json, seed, duration_s, used_s, state, plan_json,"
        " finished_utc, report_json"
    )

    @staticmethod
    def _mock(r: tuple[Any, ...]) -> MockRow:
        return MockRow(
            id=r[0],
            started_utc=from_iso(r[1]),
            settings_json=r[2],
            seed=seed_out(r[3]),
            duration_s=_seconds(r[4]),
            used_s=_seconds(r[5]),
            state=r[6],
            plan_json=r[7],
            finished_utc=from_iso(r[8]) if r[8] else None,
            report_json=r[9],
        )

    def get_mock(self, mock_id: int) -> MockRow | None:
        rows = self._rows(f"SELECT {self._MOCK_COLS} FROM mocks WHERE id = ?", (mock_id,))
        return self._mock(rows[0]) if rows else None

    def unfinished_mock(self) -> MockRow | None:
        """The latest interview still running (interrupted), if any."""
        rows = self._rows(
            f"SELECT {self._MOCK_COLS} FROM mocks WHERE state = 'running'"
            " ORDER BY started_utc DESC, id DESC LIMIT 1"
        )
        return self._mock(rows[0]) if rows else None

    def mock_history(self) -> list[MockRow]:
        """Finished interviews, oldest first."""
        rows = self._rows(
            f"SELECT {self._MOCK_COLS} FROM mocks WHERE state = 'finished' ORDER BY started_utc, id"
        )
        return [self._mock(r) for r in rows]

    def recorded_for_mock(self, mock_id: int) -> set[str]:
        """Question ids already in `answers` for this interview (a hand-in cut short by a kill)."""
        rows = self._rows("SELECT question_id FROM answers WHERE mock_id = ?", (mock_id,))
        return {r[0] for r in rows}

    def mock_answers(self, mock_id: int) -> dict[int, MockAnswerRow]:
        rows = self._rows(
            "SELECT mock_id, idx, answer_text, time_ms, flagged, updated_utc FROM mock_answers"
            " WHERE mock_id = ? ORDER BY idx",
            (mock_id,),
        )
        return {
            r[1]: MockAnswerRow(r[0], r[1], r[2], int(r[3]), bool(r[4]), from_iso(r[5]))
            for r in rows
        }


_INSERTS = {"record_answer", "create_mock"}
