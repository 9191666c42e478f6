"""A code report as plain lines (plain mode, the stored history) and as cells the TUI can style.

Matrices are compact: 4 significant digits, right-aligned; entries that differ from the expected
ones are marked (`*` after the entry in plain text, a colour in the TUI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qkv_drill.present.formats import shape_tuple, short_number

if TYPE_CHECKING:
    from qkv_drill.exercises.checker import CodeReport, Failure

MAX_SHOWN = 64  # entries of an input shown in full; larger ones by shape and first slice
Cell = tuple[str, bool]  # (text, differs)


def _fmt(x: float) -> str:
    if isinstance(x, np.bool_ | bool):
        return "T" if x else "F"
    return short_number(x)


def cells(a: np.ndarray, differ: np.ndarray | None = None) -> list[list[Cell]]:
    """A 0-, 1- or 2-D array as rows of cells, right-aligned to one width."""
    m = np.atleast_2d(np.asarray(a))
    d = None if differ is None else np.atleast_2d(np.asarray(differ))
    texts = [[_fmt(x) for x in row] for row in m]
    width = max((len(t) for row in texts for t in row), default=1)
    return [
        [(t.rjust(width), bool(d is not None and d[r, c])) for c, t in enumerate(row)]
        for r, row in enumerate(texts)
    ]


def matrix_lines(
    a: np.ndarray, differ: np.ndarray | None = None, indent: str = "    "
) -> list[str]:
    rows = cells(a, differ)
    return [
        indent + "  ".join(t + ("*" if bad else " ") for t, bad in row).rstrip() for row in rows
    ]


def input_lines(name: str, value: object) -> list[str]:
    """One input: a scalar inline, a small array in full, a large one by shape and first slice."""
    if not isinstance(value, np.ndarray):
        return [f"  {name} = {value!r}"]
    head = f"  {name}: shape {shape_tuple(value.shape)}"
    if value.ndim <= 2 and value.size <= MAX_SHOWN:
        return [head, *matrix_lines(value)]
    first = value[(0,) * (value.ndim - 2)]
    where = "[" + ", ".join("0" for _ in range(value.ndim - 2)) + "]"
    return [f"{head}, {name}{where}:", *matrix_lines(first)]


def where_text(f: Failure) -> str:
    return "" if not f.where else "[" + ", ".join(str(i) for i in f.where) + "]"


def failure_lines(f: Failure) -> list[str]:
    lines = [f"Case {f.case + 1} inputs:"]
    for name, value in f.inputs.items():
        lines += input_lines(name, value)
    at = where_text(f)
    shape = shape_tuple(f.expected.shape)
    lines.append(f"Expected{at}:" if f.got is not None else f"Expected shape {shape}.")
    if f.got is not None:
        lines += matrix_lines(f.expected)
        lines.append(f"Got{at} (* = differs):")
        lines += matrix_lines(f.got, f.differ)
    return lines


def plain_lines(report: CodeReport) -> list[str]:
    """Everything the report says, as text lines."""
    lines = [report.message]
    if report.misconception is not None:
        lines.append(f"Misconception: {report.misconception.title}.")
    lines += list(report.notes)
    if report.detail and report.outcome in ("exception", "syntax_error"):
        lines += ["  " + x for x in report.detail.splitlines()]
    if report.failure is not None and report.outcome in ("wrong_values", "wrong_shape"):
        lines += failure_lines(report.failure)
    elif report.failure is not None:
        lines.append(f"Case {report.failure.case + 1} inputs:")
        for name, value in report.failure.inputs.items():
            lines += input_lines(name, value)
    if report.printed.strip():
        lines.append("Your code printed:")
        lines += ["  " + x for x in printed_lines(report)]
    return lines


def printed_lines(report: CodeReport) -> list[str]:
    """What the code printed, every line kept, and how much was not kept (the run keeps the
    first few thousand characters): said, never dropped silently."""
    lines = report.printed.strip().splitlines()
    left_out = report.printed_chars - len(report.printed)
    if left_out > 0:
        lines.append(f"(and {left_out:,} more characters, not kept)")
    return lines
