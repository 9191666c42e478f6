"""Writes queued behind another program's lock, kept on disk until they reach the database.

A write that cannot reach `progress.db` because another process holds its lock is appended, as
one JSON line, to this session's journal `progress.db.queued-<token>` beside it and fsynced
before the app says it is kept. Each line carries a unique id (`uid`); the database remembers the
uids it has applied (table `applied_writes`, written in the same transaction as the write), so
replaying a journal twice, or after a crash between the commit and the journal's removal,
writes each answer exactly once.

A session holds an exclusive `flock` on its own journal while it lives; whoever opens the store
next replays the journals nobody holds (a previous session's, left when it exited with the lock
still taken) and removes them. Nothing read from a journal is evaluated: each line names one of
the store's write operations and gives its JSON arguments.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from qkv_drill.store.records import AnswerRecord, from_iso, to_iso

try:  # POSIX; elsewhere every journal is taken as left behind (uids keep replays exact)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".queued-"


@dataclass(frozen=True)
class Entry:
    """One queued write: operation name, arguments, provisional id (inserts), unique id."""

    uid: str
    op: str
    args: tuple[Any, ...]
    rowid: int | None


def _encode(value: Any) -> Any:
    if isinstance(value, AnswerRecord):
        fields = asdict(value)
        fields["ts_utc"] = to_iso(value.ts_utc)
        return {"answer": fields}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        fields = dict(value["answer"])
        fields["ts_utc"] = from_iso(fields["ts_utc"])
        return AnswerRecord(**fields)
    return value


def encode(entry: Entry) -> str:
    return json.dumps(
        {
            "uid": entry.uid,
            "op": entry.op,
            "args": [_encode(a) for a in entry.args],
            "id": entry.rowid,
        },
        separators=(",", ":"),
    )


def decode(line: str) -> Entry:
    """One line back as an Entry; ValueError/KeyError/TypeError when it is not one."""
    raw = json.loads(line)
    rowid = raw["id"]
    if rowid is not None and not isinstance(rowid, int):
        raise ValueError("id is not an integer")
    return Entry(str(raw["uid"]), str(raw["op"]), tuple(_decode(a) for a in raw["args"]), rowid)


def journals(db: Path) -> list[Path]:
    """Every journal beside `db` (not one kept aside after a failed replay), by name."""
    found = db.parent.glob(db.name + SUFFIX + "*")
    return sorted(p for p in found if "." not in p.name[len(db.name + SUFFIX) :])


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Journal:
    """This session's journal: created at the first queued write, removed once all are written."""

    def __init__(self, db: Path) -> None:
        self.token = secrets.token_hex(8)
        self.path = db.with_name(db.name + SUFFIX + self.token)
        self._file: IO[str] | None = None
        self._count = 0

    def next_uid(self) -> str:
        self._count += 1
        return f"{self.token}:{self._count}"

    def append(self, entry: Entry) -> None:
        """Write and fsync one entry; OSError when it cannot be kept."""
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
            if fcntl is not None:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            _fsync_dir(self.path.parent)
        self._file.write(encode(entry) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def remove(self) -> None:
        """Every entry is in the database: the journal goes."""
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._file.close()
        self._file = None

    def release(self) -> None:
        """At exit with entries still queued: the file stays for the next start."""
        if self._file is not None:
            self._file.close()
            self._file = None


def claim(path: Path) -> IO[str] | None:
    """Open a journal left behind, locked so no other process replays it at the same time;
    None while its session is alive (or another process is replaying it)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO of that name must not stall the start
    except OSError:
        return None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        regular = False
    if not regular:
        os.close(fd)
        return None  # nothing this program wrote: left where it is
    f = open(fd, encoding="utf-8")  # noqa: SIM115 (returned open)
    if fcntl is not None:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return None
    return f


def read(f: IO[str]) -> tuple[list[Entry], int]:
    """The entries of a claimed journal, and how many lines could not be read (a line torn by
    a crash while it was written was never reported as kept)."""
    entries: list[Entry] = []
    bad = 0
    for line in f.read().splitlines():
        if not line.strip():
            continue
        try:
            entries.append(decode(line))
        except (ValueError, KeyError, TypeError):
            bad += 1
    return entries, bad
