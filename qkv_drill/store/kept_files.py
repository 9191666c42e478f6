"""Reading a progress file's bytes without dropping this process's locks on it.

SQLite locks `progress.db` (and, in WAL mode, its `-shm`) with POSIX advisory locks, which belong
to the process, not to a connection or a descriptor: closing *any* descriptor of the file releases
every lock the process holds on it. A plain open()/close() of the file (to read its header, or to
copy it aside before opening) while another connection of this same process holds a lock would
silently drop that lock, and another program could then write underneath it.

So every read of those files goes through a descriptor kept here, one per file (by device and
inode), re-used by later reads. A kept descriptor is closed only when this process holds no lock
on that file (Linux lists every lock in /proc/locks); where that cannot be known it stays open, one
per distinct file the process has read, which is a handful. Files are opened non-blocking and must
be regular files: a FIFO in place of `progress.db` is refused, never waited on.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

from qkv_drill.packs.errors import file_kind

KEEP_AT_MOST = 16  # past this many, kept descriptors of files nobody locks are closed
_CHUNK = 1 << 20

_kept: dict[int, tuple[int, int]] = {}  # descriptor -> (device, inode) of its file
_guard = threading.RLock()


class NotAFile(OSError):
    """The path is not a regular file (a FIFO, a device, a folder)."""


def _identity(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _descriptor(path: Path) -> int:
    """A kept descriptor of the regular file at `path`, opened once per file. Called with _guard
    held, which the caller keeps while it reads (so no other thread closes it meanwhile)."""
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        for fd, identity in list(_kept.items()):
            if identity == _identity(st):
                try:
                    if _identity(os.fstat(fd)) == identity:
                        return fd
                except OSError:
                    del _kept[fd]
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode):
        os.close(fd)  # not a file SQLite could have locked
        raise NotAFile(errno.EINVAL, f"{file_kind(opened.st_mode)} in place of a file")
    if len(_kept) >= KEEP_AT_MOST:
        _close_unlocked()  # before the new one joins: it is about to be read
    _kept[fd] = _identity(opened)  # even when another is kept for it (replaced meanwhile)
    return fd


def read_at(path: Path, offset: int, size: int) -> bytes:
    """Up to `size` bytes of `path` from `offset`."""
    with _guard:
        return os.pread(_descriptor(path), size, offset)


def read_all(path: Path) -> bytes:
    """Every byte of `path`."""
    with _guard:
        fd = _descriptor(path)
        chunks, offset = [], 0
        while chunk := os.pread(fd, _CHUNK, offset):
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks)


def copy(src: Path, dst: Path) -> None:
    """`src` copied byte for byte to a new file `dst`, fsynced (`dst` is ours: closed normally)."""
    with _guard:
        fd = _descriptor(src)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
        out = os.open(dst, flags, 0o600)
        try:
            offset = 0
            while chunk := os.pread(fd, _CHUNK, offset):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
                offset += len(chunk)
            os.fsync(out)
        finally:
            os.close(out)


def _locked_inodes() -> set[int] | None:
    """Inode numbers of the files this process holds a POSIX lock on; None when that cannot be
    read (then nothing is closed). Devices are not compared: some file systems report another
    device number to stat() than to /proc/locks, and a false match only keeps a descriptor."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    me = str(os.getpid())
    out = set()
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a waiter: "1: -> POSIX ..."
            fields.remove("->")
        try:
            kind, pid, where = fields[1], fields[4], fields[5]
            inode = int(where.rsplit(":", 1)[1])
            if kind == "POSIX" and pid == me:
                out.add(inode)
        except (IndexError, ValueError):
            return None  # a format not understood: assume every file is locked
    return out


def _close_unlocked() -> None:
    """Close kept descriptors of files this process holds no lock on (called under _guard).

    Only when more than KEEP_AT_MOST are kept (a long test run; the app reads one or two files),
    and only from what /proc/locks says at that moment."""
    locked = _locked_inodes()
    if locked is None:
        return
    for fd in list(_kept):
        try:
            st = os.fstat(fd)
        except OSError:
            del _kept[fd]
            continue
        if st.st_ino not in locked:
            del _kept[fd]
            os.close(fd)


def kept_count() -> int:
    """How many descriptors are kept (tests)."""
    with _guard:
        return len(_kept)
