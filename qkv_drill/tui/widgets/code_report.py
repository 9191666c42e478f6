"""A code report drawn in the TUI: the verdict, the named mistake, the failing case with the
differing entries highlighted, the trimmed traceback and what the code printed.

Everything the user's code or the pack wrote is shown literally (Text objects, no markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.text import Text
from textual.widgets import Static

from qkv_drill.exercises.render import cells, input_lines, printed_lines, where_text

if TYPE_CHECKING:
    from qkv_drill.exercises.checker import CodeReport

DIFFERS = "bold reverse red"


def matrix_text(a: np.ndarray, differ: np.ndarray | None = None) -> Text:
    out = Text()
    for r, row in enumerate(cells(a, differ)):
        if r:
            out.append("\n")
        out.append("    ")
        for c, (t, bad) in enumerate(row):
            if c:
                out.append("  ")
            out.append(t, style=DIFFERS if bad else "")
    return out


def report_text(report: CodeReport, *, recorded: bool = True) -> Text:
    ok = report.right
    head = "✔ " if ok else "✘ "
    text = Text(head + report.message, style="bold")
    if not recorded:
        text.append("\n(a check run: not recorded)", style="dim")
    m = report.misconception
    if m is not None:
        text.append("\n\nMisconception: ", style="bold")
        text.append(m.title, style="bold")
    for note in report.notes:
        text.append("\n" + note, style="italic")
    if report.detail and report.outcome in ("exception", "syntax_error"):
        text.append("\n\n")
        text.append(report.detail, style="red")
    f = report.failure
    if f is not None:
        text.append(f"\n\nCase {f.case + 1} inputs:", style="bold")
        for name, value in f.inputs.items():
            text.append("\n" + "\n".join(input_lines(name, value)))
        if report.outcome in ("wrong_values", "wrong_shape"):
            at = where_text(f)
            text.append(f"\nExpected{at}:\n", style="bold")
            text.append_text(matrix_text(f.expected))
            if f.got is not None:
                text.append(f"\nYours{at} (differing entries highlighted):\n", style="bold")
                text.append_text(matrix_text(f.got, f.differ))
    if report.printed.strip():
        text.append("\n\nYour code printed:\n", style="bold")
        text.append("\n".join(printed_lines(report)), style="dim")
    return text


class CodeReportView(Static):
    """One report; replaced wholesale on every run."""

    def show(self, report: CodeReport, *, recorded: bool = True) -> None:
        self.set_class(report.right, "-right")
        self.set_class(not report.right, "-wrong")
        self.update(report_text(report, recorded=recorded))
