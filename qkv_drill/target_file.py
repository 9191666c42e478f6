"""A file the user names on the command line (`backup -o`, `export-anki -o`): checked before
anything is written, then replaced whole.

Whatever is written goes to `<name>.partial` beside the target and is renamed over it only once
complete, so a failure leaves the old file as it was. A target that is not a regular file is
refused first: renaming over `/dev/null` or `/dev/full` would replace the device itself (as root,
for the whole machine), and a folder cannot take a file's place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from qkv_drill.packs.errors import file_kind
from qkv_drill.textsafe import printable


def refuse_unwritable(target: Path) -> None:
    """OSError naming why `target` cannot be replaced by a new file; nothing when it can."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder; name a file", str(target))
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, f"it is {file_kind(st.st_mode)}, not a file", str(target))
    if not os.access(target, os.W_OK) or not st.st_mode & stat.S_IWUSR:  # root ignores modes
        raise PermissionError(errno.EACCES, "it is read-only", str(target))


@contextlib.contextmanager
def replaced_whole(target: Path) -> Iterator[Path]:
    """The partial file to write; renamed over `target` when the block succeeds, removed when
    anything fails (the exception goes on)."""
    refuse_unwritable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def why_not_written(target: Path, e: OSError) -> str:
    """`cannot write TARGET: why`, one line, safe to print."""
    return printable(f"cannot write {target}: {e.strerror or e}")
