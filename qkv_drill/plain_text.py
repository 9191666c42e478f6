"""Pack text as plain lines: Markdown tables as aligned rows, matrices, derivations."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qkv_drill.present.formats import lettered, shape_tuple, short_number
from qkv_drill.present.trace_text import step_note

if TYPE_CHECKING:
    from qkv_drill.engine.trace import Trace


_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _table(rows: list[str]) -> list[str]:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    cells = [c for c, r in zip(cells, rows, strict=True) if not _SEPARATOR.match(r) and any(c)]
    if not cells:
        return []
    width = max(len(c) for c in cells)
    cells = [c + [""] * (width - len(c)) for c in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(width)]
    return ["  " + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]


# *word* as emphasis: never the products of `3*256*3` or `a * b`, which a word or a space bounds.
_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


# Lines that start a block of their own rather than continue a paragraph: a heading, a quote, a
# list item, a fence.
_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s|```|~~~)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _joins(previous: str, line: str) -> bool:
    """Does `line` continue the paragraph (or list item) `previous` ends? A pack wraps its text
    at whatever width its author's editor had, and `{d_model}` filled in changes every line's
    length: Markdown reads such a line break as a space, and so does plain mode, leaving the
    wrapping to the terminal. A hard break (two spaces or a backslash at the end) stays."""
    if not previous.strip() or not line.strip() or _BLOCK_START.match(line):
        return False
    if previous.lstrip().startswith(("|", "#")) or _FENCE.match(previous):
        return False
    return not (previous.endswith("  ") or previous.endswith("\\"))


def render_markdown(text: str) -> str:
    """Markdown as plain text: paragraphs as one line each (a soft line break reads as a space,
    as Markdown reads it), tables as aligned rows, code fences as written, emphasis markers
    dropped."""
    out: list[str] = []
    table: list[str] = []
    fenced = False
    for line in text.strip("\n").splitlines():
        if fenced or _FENCE.match(line):
            if _FENCE.match(line):
                fenced = not fenced
            out.append(line)
            continue
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            out += _table(table)
            table = []
        elif out and _joins(out[-1], line):
            out[-1] = out[-1].rstrip() + " " + line.lstrip()
            continue
        out.append(line)
    if table:
        out += _table(table)
    text = "\n".join(out)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = _EMPHASIS.sub(r"\1", text)
    text = re.sub(r"`([^`\n]+)`", r"\1", text)  # inline code: the words, not the backticks
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text)  # at most one blank line in a row


def option_lines(options: list[str]) -> list[str]:
    return ["  " + line for line in lettered(render_markdown(o) for o in options)]


def matrix_rows(value: Any) -> list[str]:
    """A 1-D or 2-D array as right-aligned rows (4 significant digits)."""
    import numpy as np

    a = np.atleast_2d(np.asarray(value, dtype=float))
    if a.ndim != 2:
        return [f"(array of shape {tuple(np.shape(value))})"]
    cells = [[short_number(v) for v in row] for row in a]
    width = max(len(c) for row in cells for c in row)
    return ["  ".join(c.rjust(width) for c in row) for row in cells]


def trace_lines(trace: Trace | None) -> list[str]:
    lines = []
    for step in getattr(trace, "steps", None) or ():
        shape = tuple(getattr(step, "shape", ()) or ())
        formula = (
            step.formula if step.formula.startswith(step.name) else (f"{step.name}: {step.formula}")
        )
        lines.append(f"- {formula}" + (f"  shape {shape_tuple(shape)}" if shape else ""))
        if note := step_note(step):
            lines.append(f"  {note}")
        value = getattr(step, "value", None)
        if value is not None and 0 < getattr(value, "size", 0) <= 64:
            lines += ["    " + row for row in matrix_rows(value)]
    return lines
