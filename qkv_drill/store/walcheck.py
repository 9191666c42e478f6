"""Does a -wal left beside a progress file belong to it? Decided from copies, never the file.

SQLite replays any intact -wal it finds, whichever database wrote it. A foreign one (from another
progress.db, or from this one before an older backup was restored over it) silently replaces
pages. Two checks catch it:

- before opening, from bytes alone: the -wal's header must be a WAL header whose page size is
  the file's page size;
- after opening, from the store's identity row (`store_meta`: a random `db_id` made once, and
  `seq`, bumped by every write transaction): the replayed file must have the same `db_id` as the
  main file read alone, and its write sequence must continue the main file's: the first
  transaction in the -wal has `seq` at most one past the main file's (it was written on top of
  it, or was already copied into it), and the last is not behind it. The first transaction's
  `seq` is read from a scratch copy: the main file plus the -wal cut after its first commit.

Files from before the identity row existed fall back to comparing answer counts.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from qkv_drill.store import kept_files
from qkv_drill.store.recovery import read_alone

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_HEADER = 32
FRAME_HEADER = 24


def _page_size(db_head: bytes) -> int:
    size = int.from_bytes(db_head[16:18], "big")
    return 65536 if size == 1 else size


def header_problem(db: Path, wal: Path) -> str | None:
    """Why `wal` cannot be `db`'s journal, judged from the two headers; None when it may be."""
    try:  # through kept descriptors: closing one would drop this process's locks
        db_head = kept_files.read_at(db, 0, 100)
        wal_head = kept_files.read_at(wal, 0, WAL_HEADER)
    except OSError:
        return None
    if len(wal_head) < WAL_HEADER or len(db_head) < 100:
        return None  # an empty -wal holds nothing SQLite would replay
    if int.from_bytes(wal_head[0:4], "big") not in WAL_MAGIC:
        return None  # SQLite ignores a -wal without the magic number
    wal_page = int.from_bytes(wal_head[8:12], "big")
    if wal_page != _page_size(db_head):
        return (
            f"the leftover -wal has {wal_page}-byte pages and the file {_page_size(db_head)}-byte "
            "ones: it belongs to another database"
        )
    return None


def identity(conn: sqlite3.Connection) -> tuple[str, int] | None:
    """(db_id, seq) of an open progress file; None before the identity row existed."""
    try:
        row = conn.execute("SELECT db_id, seq FROM store_meta").fetchone()
    except sqlite3.Error:
        return None
    return (str(row[0]), int(row[1])) if row else None


def identity_of_main(main_file: Path) -> tuple[str, int] | None:
    """The identity of a main file read on its own (any journal beside it ignored)."""
    return read_alone(main_file, identity)


def _first_commit_end(wal: bytes) -> int | None:
    """Byte offset just past the first commit frame of a WAL image (frames whose salts match
    the header's), or None when it holds no committed transaction."""
    if len(wal) < WAL_HEADER:
        return None
    page = int.from_bytes(wal[8:12], "big")
    salts = wal[16:24]
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page <= len(wal):
        frame = wal[offset : offset + FRAME_HEADER]
        if frame[8:16] != salts:
            return None
        offset += FRAME_HEADER + page
        if int.from_bytes(frame[4:8], "big"):  # "database size after commit": a commit frame
            return offset
    return None


def first_transaction_seq(main_file: Path, wal_file: Path) -> int | None:
    """`seq` after the -wal's first transaction is applied to the main file (in a scratch copy)."""
    try:
        wal = wal_file.read_bytes()
    except OSError:
        return None
    end = _first_commit_end(wal)
    if end is None:
        return None
    with tempfile.TemporaryDirectory(prefix="qkv-walcheck-") as tmp:
        scratch = Path(tmp) / "first.db"
        shutil.copyfile(main_file, scratch)
        scratch.with_name("first.db-wal").write_bytes(wal[:end])
        try:
            conn = sqlite3.connect(scratch)
        except sqlite3.Error:
            return None
        try:
            found = identity(conn)
        finally:
            conn.close()
    return None if found is None else found[1]


def foreign_reason(copy: Path, conn: sqlite3.Connection) -> str | None:
    """Why the -wal just replayed into `conn` did not belong to the file, judged against the
    byte-for-byte `copy` taken before opening; None when it did (or cannot be told: then the
    answer counts decide, as before the identity row existed)."""
    before = identity_of_main(copy)
    after = identity(conn)
    if before is None:
        return None  # written before the identity row existed: the answer counts decide
    if after is None:
        return "the leftover -wal removed the file's identity"
    if after[0] != before[0]:
        return "the leftover -wal came from another progress file"
    if after[1] < before[1]:
        return f"the leftover -wal is older than the file (write {after[1]} < {before[1]})"
    if after[1] > before[1]:
        wal = copy.with_name(copy.name + "-wal")
        first = first_transaction_seq(copy, wal) if wal.exists() else None
        if first is not None and first > before[1] + 1:
            return (
                f"the leftover -wal continues a later state of the file (its first write is "
                f"{first}, the file's last {before[1]})"
            )
    return None
