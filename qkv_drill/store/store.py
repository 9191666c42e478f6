"""The progress store: every answer, drill card and mock interview, in one SQLite file.

Durability: WAL journal with `synchronous=FULL`, and every write is its own committed
transaction, so an answer is on disk before `record_answer` returns. (A killed process would not
lose committed transactions even with NORMAL; FULL also survives a power cut or OS crash, at the
cost of one fsync per answer, which nobody typing answers can notice.)

Faults never cost earlier progress:
- a file left in an unclean state (a -wal, -shm or -journal beside it, or zero bytes long) is
  first copied aside byte for byte (store/recovery.py), because opening it replays that journal;
- a corrupt or truncated file is moved aside to `progress.db.corrupt-<UTC>` (with its -wal and
  -shm) and a fresh store is started. Opening checks the header (and, from it, truncation) at
  once; `PRAGMA quick_check` reads the whole file only when it is small or a -wal was left
  behind, so start-up stays fast for years of history. Damage met later in a large file moves it
  aside the same way, and this session's writes go to the fresh file;
- a file or folder that cannot be written (read-only, disk full, cannot open) is left untouched
  and the session continues in memory (`persistent` is False), seeded with a copy of what the file
  holds; a write that fails mid-session does the same switch, keeping this session's answers;
- a -wal that does not belong to the file is refused (store/walcheck.py) and the file as it was
  is put back;
- a lock another program holds queues writes until it is released, kept in a journal that the
  next start writes if this session ends first (store/writes.py, store/journal.py).
Each fault is one human sentence, given to `on_warning` (the app notifies, plain mode prints) the
moment it happens; `warnings` keeps them all.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qkv_drill.store import recovery, schema, walcheck
from qkv_drill.store.cardflags import CardFlagsMixin
from qkv_drill.store.health import (
    CORRUPT_CODES,
    Corrupt,
    error_code,
    is_storage_failure,
    structure_problem,
    wants_full_check,
)
from qkv_drill.store.operations import WriteOp
from qkv_drill.store.queries import Queries
from qkv_drill.store.records import (
    MODES,
    VERDICTS,
    AnswerRecord,
    CardRow,
    MockAnswerRow,
    MockRow,
    from_iso,
    now_utc,
    to_iso,
)
from qkv_drill.store.writes import Writes, is_lock

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
CLOSE_WAIT_S = 5.0  # at close, how long queued writes may still wait for a lock


def _connect(path: Path) -> sqlite3.Connection:
    """The one place a file connection is made (tests substitute a read-only one)."""
    return sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )


def _memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)


class Store(CardFlagsMixin, Queries, Writes):
    """Progress on disk (or, after a fault, in memory); see the module docstring."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        tz: tzinfo | None = None,
        memory: bool = False,
        on_warning: Callable[[str], None] | None = None,
        now: Callable[[], datetime] = now_utc,
    ) -> None:
        self._now = now  # the clock every stored timestamp reads (tests pass a fake one)
        self.warnings: list[str] = []
        self._on_warning = on_warning
        self._told = 0
        self.persistent = False
        self.tz = tz  # the zone its days are counted in (days.py); None: the machine's, as it is
        self._lock = threading.RLock()
        self._log: list[tuple[WriteOp, tuple[Any, ...], Any]] = []  # this session's writes
        self._init_writes()
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
        self.replay_journals()  # writes an earlier session queued behind a lock and kept

    @classmethod
    def open(cls, path: Path | str | None = None, **kwargs: Any) -> Store:
        """The store at `path` (default: the user data folder), created if missing."""
        return cls(path, **kwargs)

    @classmethod
    def in_memory(cls, **kwargs: Any) -> Store:
        """A throwaway store (tests, `--no-save` style runs)."""
        return cls(memory=True, **kwargs)

    def close(self) -> None:
        self.settle()  # writes issued to the writer thread first: they are answers too
        if self._pending:
            self._stop_retrying(CLOSE_WAIT_S)
        self._closing.set()
        with self._issued_cv:
            self._issued_cv.notify_all()  # the writer thread, idle now, ends
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- telling the user ------------------------------------------------------------

    @property
    def on_warning(self) -> Callable[[str], None] | None:
        return self._on_warning

    @on_warning.setter
    def on_warning(self, callback: Callable[[str], None] | None) -> None:
        """Set once by the app or plain mode; warnings from before (opening) are told at once."""
        with self._lock:
            self._on_warning = callback
            if callback is not None:
                for text in self.warnings[self._told :]:
                    callback(text)
                self._told = len(self.warnings)

    def _warn(self, text: str) -> None:
        """One fault, told the moment it happens (from whatever thread found it)."""
        with self._lock:
            self.warnings.append(text)
            if self._on_warning is not None:
                self._told = len(self.warnings)
                self._on_warning(text)

    # --- opening and faults ----------------------------------------------------------

    def _open_file(self, path: Path, *, retry: bool = True) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            return self._fallback(f"cannot create the folder {path.parent} ({e.strerror or e})")
        problem = structure_problem(path) if retry else None
        if problem:  # found without SQLite: the file is renamed aside exactly as it is
            return self._damaged(path, Corrupt(problem), None)
        copy: Path | None = None
        if retry and recovery.needs_safety_copy(path):
            if path.stat().st_size == 0 and not recovery.side_files(path):
                moved = recovery.move_aside(path, "empty")
                if moved is None:
                    return self._fallback(f"{path} is empty and cannot be moved aside")
                self._warn(
                    f"{path.name} was empty (0 bytes), so it held no progress to read; it was "
                    f"kept as {moved.name} and a fresh progress file was started"
                )
            else:
                try:
                    copy = recovery.safety_copy(path)
                except OSError as e:
                    return self._fallback(
                        f"{path} needs recovery, but a safety copy could not be made first "
                        f"({e.strerror or e})",
                        source=path,
                    )
        wal = path.with_name(path.name + "-wal")
        mismatch = walcheck.header_problem(path, wal) if copy and wal.exists() else None
        if mismatch is not None:  # foreign from its header alone: SQLite never replays it
            return self._damaged(path, Corrupt(mismatch), copy)
        conn: sqlite3.Connection | None = None
        try:
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
                return self._damaged(path, e, copy)
            if copy is not None:
                recovery.discard_copy(copy)
            if is_storage_failure(e) or corrupt:
                return self._fallback(f"{path} cannot be written ({e})", source=path)
            raise
        except schema.SchemaTooNew as e:
            if conn is not None:
                conn.close()
            if copy is not None:
                recovery.discard_copy(copy)
            return self._fallback(f"{path} was written by a newer qkv-drill ({e})")
        except OSError as e:
            if conn is not None:
                conn.close()
            if copy is not None:
                recovery.discard_copy(copy)
            return self._fallback(f"{path} cannot be opened ({e})")
        if copy is not None:
            foreign = walcheck.foreign_reason(copy, conn)
            if foreign is None and walcheck.identity_of_main(copy) is None:
                before = recovery.answers_in(copy)  # a file from before the identity row
                (after,) = conn.execute("SELECT COUNT(*) FROM answers").fetchone()
                if before is not None and after < before:
                    foreign = f"a leftover -wal replaced {before - after} answers"
            if foreign is not None:
                conn.close()
                return self._damaged(path, Corrupt(foreign), copy)
            recovery.discard_copy(copy)  # the replay belonged to the file: not needed
        self.persistent = True
        return conn

    def _damaged(self, path: Path, e: BaseException, copy: Path | None) -> sqlite3.Connection:
        """Move the damaged file aside; put back the main file as it was before opening when
        that alone is sound (the journal was the damage), else start a fresh file."""
        moved = recovery.move_aside(path)
        if moved is None:
            return self._fallback(f"{path} is damaged and cannot be moved aside")
        if copy is not None and recovery.answers_in(copy) is not None:
            try:
                recovery.put_back(copy, path)
            except OSError as err:
                return self._fallback(f"{path} could not be restored ({err.strerror or err})")
            self._warn(
                f"{path.name} was damaged by a leftover journal ({e}); it was moved to "
                f"{moved.name}, and the file as it was before opening was put back (the exact "
                f"files from before are kept as {copy.name})"
            )
            return self._open_file(path, retry=False)
        kept = f"; the files from before opening are kept as {copy.name}" if copy else ""
        self._warn(
            f"{path.name} was damaged ({e}); it was moved to {moved.name}{kept}, and a fresh "
            "progress file was started"
        )
        return self._open_file(path, retry=False)

    @staticmethod
    def _probe_write(conn: sqlite3.Connection) -> None:
        """Fail now, not at the first answer, when the file is read-only (a lock held by another
        program is not a failure: writes queue behind it)."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if is_lock(e):
                return
            raise
        try:
            conn.execute(f"PRAGMA user_version = {schema.version(conn):d}")
        finally:
            conn.execute("ROLLBACK")

    @staticmethod
    def _move_aside(path: Path) -> Path | None:
        return recovery.move_aside(path)

    def _fallback(
        self,
        reason: str,
        *,
        source: Path | None = None,
        live: sqlite3.Connection | None = None,
    ) -> sqlite3.Connection:
        """Continue in memory, seeded with what the file holds (never writing to it)."""
        self.persistent = False
        self._warn(f"progress is not being saved: {reason}; your earlier progress is untouched")
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

    def _switch(self, error: sqlite3.DatabaseError, what: str) -> None:
        """After a storage failure mid-session: a damaged file is moved aside and a fresh one
        gets this session's writes; anything else continues in memory."""
        old = self._conn
        if error_code(error) in CORRUPT_CODES and self.path is not None:
            with contextlib.suppress(sqlite3.Error):
                old.close()
            moved = recovery.move_aside(self.path)
            if moved is not None:
                self._warn(
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

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.settle()  # a read sees every write issued before it
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as e:
                # Damage found mid-session (a large file is not fully checked at open).
                if not self.persistent or error_code(e) not in CORRUPT_CODES:
                    raise
                self._switch(e, "reading failed")
                return self._conn.execute(sql, params).fetchall()
