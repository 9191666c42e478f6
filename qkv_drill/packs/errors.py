"""Problems found in a pack, positioned so an editor can jump to them."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PackIssue:
    """One problem in one file; `line` and `col` are 1-based (0 when unknown)."""

    path: Path | str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        from qkv_drill.textsafe import printable

        text = f"{self.path}:{self.line}:{self.col}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return printable(text)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class PackError(Exception):
    """Raised inside the loader to abandon one pack with a positioned issue."""

    def __init__(self, issue: PackIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def file_kind(mode: int) -> str:
    """'a folder', 'a FIFO (named pipe)', ... for a non-regular file's mode."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")
