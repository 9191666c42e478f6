"""Telling a damaged file from an unwritable one, cheaply, before and while using it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qkv_drill.store import kept_files

QUICK_CHECK_MAX_BYTES = 8_000_000  # about 15,000 answers; quick_check takes ~40 ms at 5 MB

# Primary SQLite result codes meaning "this storage cannot be used", not "this is a bug":
# PERM, BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB.
STORAGE_CODES = {3, 5, 6, 8, 10, 11, 13, 14, 26}
CORRUPT_CODES = {11, 26}  # CORRUPT, NOTADB


class Corrupt(Exception):
    """The file is not a usable database (found by our checks rather than by SQLite)."""


def error_code(e: BaseException) -> int | None:
    code = getattr(e, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_storage_failure(e: BaseException) -> bool:
    return isinstance(e, sqlite3.DatabaseError) and error_code(e) in STORAGE_CODES


def structure_problem(path: Path) -> str | None:
    """What is wrong with the file's header, read without SQLite touching it (O(1)).

    SQLite is kept away on purpose: closing a connection to a file it cannot use deletes the
    -wal beside it, and that file belongs in the copy kept aside.
    """
    try:
        size = path.stat().st_size
        head = kept_files.read_at(path, 0, 100)  # closing a descriptor would drop our locks
    except kept_files.NotAFile as e:
        if path.is_dir():
            return None  # SQLite cannot open it: progress goes on in memory, the folder untouched
        return e.strerror  # a FIFO would block SQLite's open: moved aside like a damaged file
    except OSError:
        return None  # missing or unreadable: SQLite reports that itself
    if not head:
        return None  # an empty file is a valid new database
    if len(head) < 100 or head[:16] != b"SQLite format 3\x00":
        return "not an SQLite database"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    counter_ok = head[24:28] == head[92:96]  # the in-header size is trusted only then
    wal = path.with_name(path.name + "-wal")
    if counter_ok and pages and size < pages * page_size and not wal.exists():
        return f"truncated: {size:,} bytes of {pages * page_size:,}"
    return None


def wants_full_check(path: Path) -> bool:
    """quick_check reads the whole file (several ms per MB): always for small files, and after an
    unclean exit (a -wal left behind); large clean files rely on the header checks above and on
    SQLite reporting damage when a page is read."""
    try:
        size = path.stat().st_size
    except OSError:
        return True
    return size <= QUICK_CHECK_MAX_BYTES or path.with_name(path.name + "-wal").exists()
