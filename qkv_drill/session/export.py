"""`qkv-drill export [MOCK_ID] [--format md|json] [-o FILE]`: a finished interview's report."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from qkv_drill.session.report import MockReport
from qkv_drill.textsafe import printable

if TYPE_CHECKING:
    from qkv_drill.store import Store


def load_report(store: Store, mock_id: int | None) -> MockReport | None:
    """The stored report of `mock_id`, or of the latest finished interview when None."""
    if mock_id is None:
        history = [r for r in store.mock_history() if r.report_json]
        row = history[-1] if history else None
    else:
        row = store.get_mock(mock_id)
    if row is None or not row.report_json:
        return None
    return MockReport.from_json(row.report_json)


@dataclass(frozen=True, kw_only=True)
class ReportExport:
    """`qkv-drill export`'s options (built from the command line in cli_options)."""

    mock_id: int | None = None  # None: the latest finished interview
    format: Literal["md", "json"] = "md"
    output: Path | None = None  # None: stdout


def run_export(options: ReportExport) -> int:
    from qkv_drill.store import Store

    store = Store.open(None, on_warning=lambda text: print(printable(text), file=sys.stderr))
    mock_id = options.mock_id
    report = load_report(store, mock_id)
    if report is None:
        if mock_id is None:
            print("No finished mock interview yet: run `qkv-drill mock` first.", file=sys.stderr)
        else:
            print(f"No finished mock interview with id {mock_id}.", file=sys.stderr)
        return 1
    text = report.to_json() + "\n" if options.format == "json" else report.to_markdown()
    if options.output is None:
        sys.stdout.write(printable(text))
        return 0
    try:
        write_replacing(options.output, text)
    except OSError as e:
        print(
            printable(f"cannot write {options.output}: {e.strerror or e}; nothing was changed"),
            file=sys.stderr,
        )
        return 1
    print(printable(f"wrote {options.output}"), file=sys.stderr)
    return 0


def write_replacing(target: Path, text: str) -> None:
    """Write `text` to `target` so that a failure leaves the old file as it was.

    A regular file (or a new one) is written to a temporary file beside it, flushed to disk and
    renamed over the target. A device or pipe (`/dev/stdout`, `/dev/full`) is written directly:
    renaming over it would replace the device itself.
    """
    data = text.encode("utf-8")
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(target))
    if target.exists() and not target.is_file():
        with target.open("wb") as f:
            f.write(data)
        return
    if target.exists() and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "it is read-only", str(target))
    if target.exists() and not target.stat().st_mode & stat.S_IWUSR:
        raise PermissionError(errno.EACCES, "it is read-only", str(target))  # root ignores modes
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
