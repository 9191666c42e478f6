"""`qkv-drill backup` and `qkv-drill restore`: progress that moves between machines.

Backup uses SQLite's online backup API from a read-only connection: one read transaction copies
a single consistent snapshot while the app goes on writing (WAL readers never block writers).
The copy is a single self-contained file (journal mode DELETE), checked, then renamed into
place, so a half-written backup never carries the real name.

Restore checks the file first (SQLite header, integrity_check, a qkv-drill schema no newer than
this version), copies and migrates it beside the store, and only then swaps it in, with the
current store (and its -wal/-shm) kept aside. It refuses while qkv-drill has the store open.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from qkv_drill.store import schema
from qkv_drill.store.health import structure_problem
from qkv_drill.store.records import ANSWERED_SQL
from qkv_drill.store.recovery import move_aside
from qkv_drill.target_file import replaced_whole

BUSY_TIMEOUT_S = 5.0
TABLES = ("answers", "cards", "mocks", "mock_answers")  # what makes a file a progress store


class BackupError(Exception):
    """A sentence for the user: why the backup or restore did not happen (nothing was changed)."""


@dataclass(frozen=True, kw_only=True)
class StoreFacts:
    path: Path
    version: int
    answers: int  # counted as the stats count them (records.ANSWERED_SQL)
    skipped: int  # skips and unanswered mock questions: on record, not answers
    cards: int
    mocks: int
    size: int


def contents(facts: StoreFacts) -> str:
    """What a progress file holds, in the stats' terms: "8 answers (2 skipped), 3 cards, 1 mock
    interview" (backup, restore and doctor say it alike)."""
    skipped = f" ({facts.skipped} skipped)" if facts.skipped else ""
    return (
        f"{_count(facts.answers, 'answer')}{skipped}, {_count(facts.cards, 'card')}, "
        f"{_count(facts.mocks, 'mock interview')}"
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def default_backup_path(data_dir: Path) -> Path:
    return data_dir / "backups" / f"progress-{utc_stamp()}.db"


def _read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _facts(conn: sqlite3.Connection, path: Path) -> StoreFacts:
    """Integrity, schema version and row counts of an open store; BackupError when unusable."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        raise BackupError(f"{path} is damaged: {rows[0][0] if rows else 'integrity_check failed'}")
    version = schema.version(conn)
    if version > len(schema.MIGRATIONS):
        raise BackupError(
            f"{path} has schema version {version}, newer than this qkv-drill understands "
            f"({len(schema.MIGRATIONS)}): upgrade qkv-drill first"
        )
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in TABLES if t not in names]
    if version < 1 or missing:
        raise BackupError(f"{path} is an SQLite file but not qkv-drill progress")

    def count(table: str, where: str = "1") -> int:
        return int(conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])

    return StoreFacts(
        path=path,
        version=version,
        answers=count("answers", ANSWERED_SQL),
        skipped=count("answers", f"NOT ({ANSWERED_SQL})"),
        cards=count("cards"),
        mocks=count("mocks"),
        size=path.stat().st_size if path.exists() else 0,
    )


@contextlib.contextmanager
def _reading(path: Path, failure: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection, closed after; any database error becomes `failure (why)`."""
    try:
        conn = _read_only(path)
        try:
            yield conn
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{failure} ({e})") from None


def inspect(path: Path) -> StoreFacts:
    """Check a backup file without changing it."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    problem = structure_problem(path)
    if problem or path.stat().st_size == 0:
        raise BackupError(f"{path} is not a usable SQLite file ({problem or 'empty'})")
    with _reading(path, f"{path} cannot be read as a database") as conn:
        return _facts(conn, path)


def _copy(source: sqlite3.Connection, target: Path) -> StoreFacts:
    """Online-backup `source` into `target` (via a .partial file), checked, as one file."""
    with replaced_whole(target) as partial:
        dest = sqlite3.connect(str(partial), isolation_level=None)
        try:
            source.backup(dest)  # pages=-1: the whole file in one step, so one snapshot
            dest.execute("PRAGMA journal_mode = DELETE")  # no -wal beside the copy
            facts = _facts(dest, partial)
        finally:
            dest.close()
    return replace(facts, path=target, size=target.stat().st_size)


def backup(store_path: Path, target: Path) -> StoreFacts:
    """A consistent copy of the store at `store_path`, safe while the app is writing to it."""
    if not store_path.is_file():
        raise BackupError(f"there is no progress to back up yet ({store_path} does not exist)")
    if target.resolve() == store_path.resolve():
        raise BackupError("the backup file cannot be the progress file itself")
    with _reading(store_path, f"{store_path} could not be copied") as source:
        return _copy(source, target)


def ensure_not_in_use(path: Path) -> None:
    """BackupError when a running qkv-drill has the store open.

    An exclusive-mode transaction succeeds only when no other connection has the file open
    (even an idle one). Closing it checkpoints any -wal into the file, so what is kept aside
    afterwards is whole.
    """
    if not path.exists():
        return
    conn = sqlite3.connect(str(path), timeout=0.5, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise BackupError(
                f"{path} is in use: close qkv-drill (every window) before restoring"
            ) from None
    except sqlite3.DatabaseError:
        pass  # a damaged store: it is kept aside all the same
    finally:
        conn.close()


@dataclass(frozen=True, kw_only=True)
class Restored:
    facts: StoreFacts  # of the store now in place, after migrating
    from_version: int
    kept: Path | None  # where the previous store went


def restore(backup_file: Path, store_path: Path) -> Restored:
    """Put `backup_file` in place of the store, migrated forward; the old store is kept aside."""
    checked = inspect(backup_file)
    staged = store_path.with_name(store_path.name + ".restoring")
    try:
        source = _read_only(backup_file)
        try:
            _copy(source, staged)
        finally:
            source.close()
        conn = sqlite3.connect(str(staged), isolation_level=None)
        try:
            schema.migrate(conn)
            facts = _facts(conn, staged)
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        staged.unlink(missing_ok=True)
        raise BackupError(f"{backup_file} could not be restored ({e})") from None
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    try:
        ensure_not_in_use(store_path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    kept = move_aside(store_path, "before-restore") if store_path.exists() else None
    if store_path.exists():  # never replace a store that could not be kept aside
        staged.unlink(missing_ok=True)
        raise BackupError(f"{store_path} could not be kept aside: nothing was restored")
    staged.replace(store_path)
    return Restored(
        facts=replace(facts, path=store_path),
        from_version=checked.version,
        kept=kept,
    )
