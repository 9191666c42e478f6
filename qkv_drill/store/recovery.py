"""Keeping a progress file's bytes safe before SQLite touches them.

Opening a database replays any `-wal` beside it, and closing checkpoints that into the main file
and deletes it. When the `-wal` is stale or foreign (a backup restored while an old `-wal` was left
behind), that replay is what ruins the file, so a file that is about to be opened in an unclean
state is first copied aside byte for byte, together with its `-wal`, `-shm` and `-journal`.

After opening, the replayed file is judged against the copy (store/walcheck.py: identity, write
sequence, and answer counts for files from before the identity row): if the -wal did not belong
to the file, or left a damaged file, the replayed file is moved aside, the main file as it was is
put back and the copy is kept (and named in the warning); otherwise the copy is removed, so an
ordinary unclean exit leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from qkv_drill.store import kept_files
from qkv_drill.store.records import now_utc

T = TypeVar("T")

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
COPY_LABEL = "before-open"


def side_files(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files present beside `path`."""
    return [p for p in (path.with_name(path.name + s) for s in SIDE_SUFFIXES) if p.exists()]


def needs_safety_copy(path: Path) -> bool:
    """True when opening could change the file's bytes: a journal or WAL is waiting to be
    replayed, or the file is empty (which SQLite would silently treat as a new database)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size == 0 or bool(side_files(path))


def _free_name(path: Path, label: str) -> Path:
    stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while target.exists() or any(target.with_name(target.name + s).exists() for s in SIDE_SUFFIXES):
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    return target


def safety_copy(path: Path, label: str = COPY_LABEL) -> Path:
    """Copy `path` and its side files byte for byte to `<name>.<label>-<UTC>`; returns the copy
    of the main file. Raises OSError (nothing half-made is left) when the copy cannot be made."""
    target = _free_name(path, label)
    made: list[Path] = []
    try:
        for src in [path, *side_files(path)]:
            dst = target.with_name(target.name + src.name[len(path.name) :])
            try:
                kept_files.copy(src, dst)  # read through a kept descriptor: see kept_files
            except FileNotFoundError:
                if src == path:
                    raise
                continue  # another process closed the file meanwhile and removed its -wal
            made.append(dst)
    except OSError:
        for p in made:
            with contextlib.suppress(OSError):
                p.unlink()
        raise
    return target


def discard_copy(copy: Path) -> None:
    """Remove a safety copy (and its side files) that turned out not to be needed."""
    for p in [copy, *side_files(copy)]:
        with contextlib.suppress(OSError):
            p.unlink()


def move_aside(path: Path, label: str = "corrupt") -> Path | None:
    """Rename `path` and its side files to `<name>.<label>-<UTC>`; None when it cannot be moved.

    A rename keeps every byte as it is (and costs nothing), so nothing is lost by moving aside.
    """
    target = _free_name(path, label)
    try:
        path.rename(target)
    except OSError:
        return None
    for side in side_files(path):
        with contextlib.suppress(OSError):
            side.rename(target.with_name(target.name + side.name[len(path.name) :]))
    return target


def read_alone(main_file: Path, read: Callable[[sqlite3.Connection], T | None]) -> T | None:
    """`read` on `main_file` opened on its own (immutable: any journal beside it ignored,
    nothing written); None when the file cannot be opened or read."""
    uri = f"file:{quote(str(main_file.resolve()))}?immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        return read(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _answer_count(conn: sqlite3.Connection) -> int | None:
    if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
        return None
    (n,) = conn.execute("SELECT COUNT(*) FROM answers").fetchone()
    return int(n)


def answers_in(main_file: Path) -> int | None:
    """Answers in `main_file` read on its own; None when it is not a sound progress file."""
    return read_alone(main_file, _answer_count)


def put_back(copy: Path, path: Path) -> None:
    """Replace `path` (already moved aside) with the main file of a safety copy, journal-free."""
    tmp = path.with_name(path.name + ".restoring")
    shutil.copyfile(copy, tmp)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
