"""Every write the store makes, each one committed transaction, and what happens when one fails.

- A storage failure (disk full, file turned read-only, damage) switches the session as
  store.py describes, keeping this session's answers.
- A lock another process holds past the busy timeout does not: the write is queued and kept in
  an fsynced journal beside the file (store/journal.py); a background retry with backoff writes
  the queue, in order, once the lock is released, and the store says so (`pending` counts what is
  not on disk yet, so nobody is told "saved" early). Still queued at exit, the journal stays and
  the next start writes it, each entry exactly once.
- A queued insert cannot know the id the database will give it (another process may take any
  id meanwhile), so it hands out a negative provisional id, which no row ever has; once written,
  every later write and read naming that id is mapped to the real one (`real_id`).
- A write issued with `wait=False` (the running mock interview's saves, made on the UI thread)
  goes to the store's one writer thread, which applies such writes in the order they were issued,
  through the same path as any other write (so a lock queues it, a failure switches the session).
  Every other write and every read first waits for the issued ones (`settle`), so nothing
  overtakes a write issued before it and every read sees it. A fault in an issued write is told
  through `on_warning`, like any other. An issued write is on disk only once `settle` returns:
  whoever acknowledges it to the user waits for that first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qkv_drill.store import journal
from qkv_drill.store import operations as ops
from qkv_drill.store.health import error_code, is_storage_failure
from qkv_drill.store.operations import WriteOp
from qkv_drill.store.records import MODES, VERDICTS, AnswerRecord, to_iso

if TYPE_CHECKING:
    from collections.abc import Callable

LOCK_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds the lock
RETRY_DELAYS_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)  # then every 8 s until the lock is released
RETRY_BUSY_TIMEOUT_MS = 200  # while writes are queued, a try waits only this long
Aliases = dict[tuple[str, int], int]  # (table, provisional id) -> the id it was written under


def is_lock(e: BaseException) -> bool:
    return isinstance(e, sqlite3.OperationalError) and error_code(e) in LOCK_CODES


def _resolved(op: WriteOp, args: tuple[Any, ...], aliases: Aliases) -> tuple[Any, ...]:
    """`args` with provisional ids (negative) replaced by the ids their rows were written under."""
    table = ops.ID_ARGS.get(op)
    if table is not None and args and isinstance(args[0], int) and args[0] < 0:
        real = aliases.get((table, args[0]))
        if real is not None:
            return (real, *args[1:])
    if op is ops.record_answer and args:
        rec = args[0]
        if rec.mock_id is not None and rec.mock_id < 0:
            real = aliases.get(("mocks", rec.mock_id))
            if real is not None:
                return (dataclasses.replace(rec, mock_id=real), *args[1:])
    return args


def _bump_seq(conn: sqlite3.Connection) -> None:
    """Count this write transaction in the file's identity row (store/walcheck.py reads it)."""
    try:
        conn.execute("UPDATE store_meta SET seq = seq + 1")
    except sqlite3.OperationalError as e:
        if "no such table" not in str(e):  # a file at an older schema version has no row
            raise


class Writes:
    """The write half of Store (mixed in): the operations, the session log and the lock queue."""

    _conn: sqlite3.Connection
    _lock: threading.RLock
    persistent: bool
    path: Path | None
    _log: list[tuple[WriteOp, tuple[Any, ...], Any]]
    _warn: Callable[[str], None]
    _now: Callable[[], datetime]
    _switch: Callable[[sqlite3.DatabaseError, str], None]

    def _init_writes(self) -> None:
        self._pending: list[journal.Entry] = []  # queued behind a lock, in order
        self._retry: threading.Thread | None = None
        self._closing = threading.Event()
        self._next_provisional = -1
        self._aliases: Aliases = {}
        self._journal: journal.Journal | None = None
        self._issued: deque[tuple[WriteOp, tuple[Any, ...]]] = deque()  # not yet applied
        self._issued_cv = threading.Condition()  # guards _issued; never held while writing
        self._writer: threading.Thread | None = None

    @property
    def pending(self) -> int:
        """Writes waiting for another process to release the file (not on disk yet)."""
        with self._lock:
            return len(self._pending)

    @property
    def journal_path(self) -> Path | None:
        """Where this session's queued writes are kept on disk, while that file exists."""
        with self._lock:
            j = self._journal
        return j.path if j is not None and j.path.exists() else None

    @property
    def saving(self) -> bool:
        """True when the last write is on disk: persistent and nothing queued."""
        return self.persistent and not self._pending

    def real_id(self, table: str, rowid: int) -> int:
        """The id a row has in the database, for an id handed out while its insert was queued
        (unchanged while it is still queued, and for every id that was never provisional)."""
        return self._aliases.get((table, rowid), rowid) if rowid < 0 else rowid

    # --- the write path -----------------------------------------------------------------------

    def _write(self, op: WriteOp, *args: Any) -> Any:
        self.settle()  # behind every write issued before it
        return self._write_now(op, args)

    def _write_now(self, op: WriteOp, args: tuple[Any, ...]) -> Any:
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

    # --- issued writes: applied in order on the store's one writer thread ----------------------

    def _issue(self, op: WriteOp, *args: Any) -> None:
        """Hand one write to the writer thread and return at once (see the module docstring)."""
        if self._closing.is_set():  # no writer after close: fails as any write would
            self._write_now(op, args)
            return
        with self._issued_cv:
            self._issued.append((op, args))
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._writer_loop, name="qkv-drill-store-writer", daemon=True
                )
                self._writer.start()
            self._issued_cv.notify_all()

    def _writer_loop(self) -> None:
        while True:
            with self._issued_cv:
                while not self._issued:
                    if self._closing.is_set():
                        return
                    self._issued_cv.wait()
                op, args = self._issued[0]  # stays listed until applied: settle() waits for it
            try:
                self._write_now(op, args)
            except Exception as e:  # told, never swallowed; the writes after it still go on
                self._warn(f"a save could not be written ({type(e).__name__}: {e})")
            finally:
                with self._issued_cv:
                    self._issued.popleft()
                    self._issued_cv.notify_all()

    @property
    def issued(self) -> int:
        """Writes issued with wait=False and not yet applied."""
        with self._issued_cv:
            return len(self._issued)

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until every issued write is applied (on disk, or queued behind a lock as
        `pending` says); True when none is left. On the writer thread itself: returns at once."""
        if threading.current_thread() is self._writer:
            return not self._issued
        with self._issued_cv:
            return self._issued_cv.wait_for(lambda: not self._issued, timeout)

    def _enqueue(self, op: WriteOp, args: tuple[Any, ...], *, first: bool = False) -> Any:
        rowid = None
        if op in ops.INSERTS:
            rowid = self._next_provisional
            self._next_provisional -= 1
        kept = self._keep(op, args, rowid)
        self._log.append((op, args, rowid))
        if first:
            where = f"kept in {kept}" if kept else "kept in memory only"
            self._warn(
                f"the progress file is locked by another program; answers are {where} and will "
                "be saved as soon as it is released"
            )
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute(f"PRAGMA busy_timeout = {RETRY_BUSY_TIMEOUT_MS}")
            self._retry = threading.Thread(target=self._retry_loop, daemon=True)
            self._retry.start()
        return rowid

    def _keep(self, op: WriteOp, args: tuple[Any, ...], rowid: int | None) -> Path | None:
        """Queue one write and append it to the journal; the journal's path, or None when it
        could not be written (the write then waits in memory only, and the user is told)."""
        if self._journal is None and self.path is not None:
            self._journal = journal.Journal(self.path)
        uid = self._journal.next_uid() if self._journal is not None else None
        entry = journal.Entry(uid or f"memory:{len(self._log)}", op.__name__, args, rowid)
        self._pending.append(entry)
        if self._journal is None:
            return None
        try:
            self._journal.append(entry)
        except OSError as e:
            self._warn(f"a queued write could not be kept on disk ({e.strerror or e})")
            return None
        return self._journal.path

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
                entry = self._pending[0]
                try:
                    op = ops.BY_NAME[entry.op]  # queued by this session: always a known name
                    self._apply(self._conn, op, entry.args, entry.rowid, uid=entry.uid)
                except sqlite3.DatabaseError as e:
                    if is_lock(e):
                        return False
                    self._pending.clear()
                    self._switch(e, "writing queued answers failed")
                    return True
                self._pending.pop(0)
                written += 1
            if self._journal is not None and self.persistent:
                self._journal.remove()  # every entry is in the database now
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            if written:
                self._warn(
                    f"the progress file is free again: {written} queued write"
                    f"{'s' if written != 1 else ''} saved"
                )
            return True

    def _stop_retrying(self, wait_s: float) -> None:
        """At close: a last chance for the queue, then tell what could not be written and where
        it is kept."""
        self._closing.set()
        deadline = time.monotonic() + wait_s
        while self._pending and time.monotonic() < deadline:
            if self.flush_pending():
                break
            time.sleep(0.2)
        if self._pending:
            n = len(self._pending)
            kept = self._journal.path if self._journal is not None else None
            if self._journal is not None:
                self._journal.release()
            where = (
                f"they are kept in {kept} and will be written the next time qkv-drill starts"
                if kept is not None and kept.exists()
                else "they were kept in memory only and are lost"
            )
            self._warn(
                f"{n} write{'s' if n != 1 else ''} could not be saved yet: the progress file "
                f"stayed locked by another program; {where}"
            )

    # --- journals left by earlier sessions ------------------------------------------------------

    def replay_journals(self) -> None:
        """Write what earlier sessions queued and kept (they ended while another program held
        the lock), each entry exactly once, and remove their journals. A journal held by a live
        session, or met while the lock is taken, stays for later."""
        if self.path is None or not self.persistent:
            return
        for path in journal.journals(self.path):
            if self._journal is not None and path == self._journal.path:
                continue
            f = journal.claim(path)
            if f is None:
                continue
            try:
                entries, torn = journal.read(f)
                done, failed = self._replay_entries(entries)
                if done is None:
                    continue  # the lock was taken again: the journal stays
                if failed or torn:
                    from qkv_drill.store import recovery

                    moved = recovery.move_aside(path, "unreplayed")
                    self._warn(
                        f"{done} write(s) queued by an earlier session were saved now; "
                        f"{failed + torn} could not be read or written and are kept in "
                        f"{(moved or path).name}"
                    )
                    continue
                with contextlib.suppress(OSError):
                    path.unlink()
                if done:
                    self._warn(
                        f"{done} write{'s' if done != 1 else ''} queued by an earlier session "
                        "(it ended while the file was locked) saved now"
                    )
            finally:
                f.close()

    def _replay_entries(self, entries: list[journal.Entry]) -> tuple[int | None, int]:
        """(written now, failed); written is None when the lock was taken meanwhile."""
        aliases: Aliases = {}
        done = failed = 0
        with self._lock:
            for entry in entries:
                op = ops.BY_NAME.get(entry.op)
                if op is None:
                    failed += 1
                    continue
                try:
                    already = self._applied(entry.uid)
                    self._apply(
                        self._conn,
                        op,
                        entry.args,
                        entry.rowid,
                        uid=entry.uid,
                        aliases=aliases,
                    )
                except sqlite3.OperationalError as e:
                    if is_lock(e):
                        return None, failed
                    failed += 1
                except (sqlite3.Error, TypeError, ValueError, AttributeError, KeyError):
                    failed += 1
                else:
                    done += not already
        return done, failed

    def _applied(self, uid: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM applied_writes WHERE uid = ?", (uid,)).fetchone()
        return row is not None

    # --- one write ------------------------------------------------------------------------------

    def _replay(self, conn: sqlite3.Connection) -> None:
        """Re-apply this session's writes (inserts keep their ids); skip what no longer fits,
        such as an answer to a mock interview that lived only in the damaged file."""
        for op, args, result in self._log:
            with contextlib.suppress(sqlite3.Error):
                self._apply(conn, op, args, result)

    def _apply(
        self,
        conn: sqlite3.Connection,
        op: WriteOp,
        args: tuple[Any, ...],
        rowid: int | None = None,
        *,
        uid: str | None = None,
        aliases: Aliases | None = None,
    ) -> Any:
        """One write as one transaction; `rowid` replays an insert with its original id (a
        provisional one gets a fresh id, remembered in `aliases`); a journal entry's `uid` is
        recorded with it, and an entry already applied is not applied again."""
        aliases = self._aliases if aliases is None else aliases
        args = _resolved(op, args, aliases)
        key = rowid if rowid is not None and rowid < 0 else None  # a provisional id
        table = ops.INSERTS.get(op)
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = None
            if uid is not None:
                done = conn.execute(
                    "SELECT row_id FROM applied_writes WHERE uid = ?", (uid,)
                ).fetchone()
            if done is not None:
                result = done[0]
            else:
                if key is not None and table is not None:
                    rowid = aliases.get((table, key))
                result = op(conn, *args, rowid=rowid) if table else op(conn, *args)
                if uid is not None:
                    conn.execute(
                        "INSERT INTO applied_writes (uid, row_id) VALUES (?, ?)",
                        (uid, result if table else None),
                    )
                _bump_seq(conn)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        if key is not None and table is not None and result is not None:
            aliases[(table, key)] = int(result)
        return result

    # --- the operations ---------------------------------------------------------------------

    def record_answer(self, rec: AnswerRecord) -> int:
        """Store one answer; committed (fsynced) before this returns, unless another program
        holds the lock (then it is queued: see `pending`). Returns its id."""
        if rec.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {rec.verdict!r}")
        if rec.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {rec.mode!r}")
        rec.id = self._write(ops.record_answer, rec)
        return rec.id

    def put_card(self, question_id: str, card_json: str, due: datetime) -> None:
        """Insert or replace the drill card of one question."""
        self._write(ops.put_card, question_id, card_json, to_iso(due), to_iso(self._now()))

    def create_mock(
        self, settings_json: str, seed: int | None, duration_s: float, plan_json: str
    ) -> int:
        """A new running mock interview; returns its id."""
        started = to_iso(self._now())
        return int(
            self._write(ops.create_mock, started, settings_json, seed, duration_s, plan_json)
        )

    def save_mock_answer(
        self,
        mock_id: int,
        idx: int,
        text: str | None,
        time_ms: int,
        flagged: bool,
        *,
        wait: bool = True,
    ) -> None:
        """One slot of a running interview (answer, flag, time; drafts and pauses too); with
        wait=False it is issued to the writer thread (see the module docstring)."""
        now = to_iso(self._now())
        args = (mock_id, idx, text, int(time_ms), bool(flagged), now)
        if wait:
            self._write(ops.save_mock_answer, *args)
        else:
            self._issue(ops.save_mock_answer, *args)

    def checkpoint_mock(self, mock_id: int, used_s: float, *, wait: bool = True) -> None:
        """Remember how much of the time budget is spent, for resuming after a crash (wait=False:
        issued to the writer thread)."""
        if wait:
            self._write(ops.checkpoint_mock, mock_id, float(used_s))
        else:
            self._issue(ops.checkpoint_mock, mock_id, float(used_s))

    def set_mock_plan(self, mock_id: int, plan_json: str) -> None:
        """Rewrite a running interview's plan (a resume that found questions changed)."""
        self._write(ops.set_mock_plan, mock_id, plan_json)

    def finish_mock(self, mock_id: int, report_json: str) -> None:
        self._write(ops.finish_mock, mock_id, report_json, to_iso(self._now()))

    def discard_mock(self, mock_id: int) -> bool:
        """Throw away an interrupted interview and its typed answers; finished ones are kept.
        Returns whether anything was discarded."""
        return bool(self._write(ops.discard_mock, mock_id))


BUSY_TIMEOUT_MS = 5000  # the normal wait for a lock (store.BUSY_TIMEOUT_S)
