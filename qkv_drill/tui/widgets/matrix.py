"""Matrices drawn compactly and side by side, so a question with four matrices fits at 80x24.

One widget (`MatrixGrid`) draws the given matrices in practice, drill, the mock and the report:
bracketed, right-aligned columns with no header rows or rules, as on paper, wrapped onto a new
band only when the next matrix does not fit the width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

MAX_CELLS = 144  # beyond this a matrix is summarised by its shape, not printed


def as_rows(value: Any) -> list[list[float]] | None:
    """Nested lists / arrays as a list of rows (a vector is one row); None if not numeric."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (int, float)) or not isinstance(value, Sequence) or not value:
        return None
    if isinstance(value, str):
        return None
    rows = value if isinstance(value[0], Sequence) else [value]
    try:
        return [[float(x) for x in row] for row in rows]
    except (TypeError, ValueError):
        return None


def fmt_number(x: float, decimals: int = 2) -> str:
    """Integers stay integers; everything else gets a fixed number of decimals; never `-0`."""
    if x != x:  # nan
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "-inf" if x < 0 else "inf"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    text = f"{x:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        return text[1:]  # -0.00 rounds from a tiny negative: no sign on zero
    return text


def shape_text(rows: list[list[float]]) -> str:
    return f"{len(rows)}×{len(rows[0]) if rows else 0}"


def bracketed(rows: list[list[float]], *, decimals: int = 2, marks: Any = None) -> Text:
    """Rows in tall brackets with right-aligned columns: the most compact honest drawing.

    `marks` (same shape, truthy where an entry should stand out) highlights entries, e.g. the
    ones where a user's matrix differs from the engine's.
    """
    whole = all(float(x).is_integer() for row in rows for x in row)
    cells = [
        [fmt_number(x, decimals) if whole else _fixed(x, decimals) for x in row] for row in rows
    ]
    n_cols = max((len(r) for r in cells), default=0)
    widths = [max((len(r[j]) for r in cells if j < len(r)), default=1) for j in range(n_cols)]
    n = len(cells)
    out = Text()
    for i, row in enumerate(cells):
        left, right = ("[", "]") if n == 1 else _bracket_pair(i, n)
        out.append(left + " ")
        for j, width in enumerate(widths):
            cell = row[j] if j < len(row) else ""
            marked = bool(marks is not None and _mark_at(marks, i, j))
            out.append(cell.rjust(width), style="bold reverse" if marked else "")
            out.append(" ")
        out.append(right)
        if i < n - 1:
            out.append("\n")
    return out


def _fixed(x: float, decimals: int) -> str:
    """Every entry with the same decimals, so a column of 0.01 and 1 lines up as 0.01 and 1.00."""
    if x != x or x in (float("inf"), float("-inf")):
        return fmt_number(x, decimals)
    text = f"{x:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _bracket_pair(i: int, n: int) -> tuple[str, str]:
    if i == 0:
        return "⎡", "⎤"
    if i == n - 1:
        return "⎣", "⎦"
    return "⎢", "⎥"


def _mark_at(marks: Any, i: int, j: int) -> bool:
    try:
        return bool(marks[i][j])
    except (IndexError, TypeError):
        return False


@dataclass(frozen=True)
class Shown:
    """One matrix to draw: its caption (pack text, shown literally) and its rows."""

    caption: str
    rows: list[list[float]]
    marks: Any = None


def matrix_block(item: Shown, *, decimals: int = 2) -> RenderableType:
    """Caption and shape over the bracketed rows; a large matrix is named by its shape only."""
    cells = sum(len(r) for r in item.rows)
    head = Text.assemble((item.caption, "bold"), (f" {shape_text(item.rows)}", "dim"))
    if cells > MAX_CELLS:
        return Group(head, Text("(too large to show)", style="dim"))
    return Group(head, bracketed(item.rows, decimals=decimals, marks=item.marks))


class MatrixGrid(Static):
    """Every given matrix of a question, side by side when they fit, each as on paper."""

    DEFAULT_CSS = """
    MatrixGrid { height: auto; width: 1fr; margin: 0 0 1 0; }
    """

    def __init__(self, items: Sequence[Shown], *, decimals: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items = list(items)
        self.decimals = decimals
        self.update(self._renderable())

    def _renderable(self) -> RenderableType:
        blocks = [matrix_block(item, decimals=self.decimals) for item in self.items]
        return Columns(blocks, padding=(0, 2), expand=False)

    @classmethod
    def of_params(cls, params: dict[str, Any], **kwargs: Any) -> MatrixGrid | None:
        """The matrix-valued parameters of an instance, in the pack's order; None if none."""
        items = []
        for name, value in params.items():
            if isinstance(value, (list, tuple)) and value:
                rows = as_rows(value)
                if rows is not None:
                    items.append(Shown(str(name), rows))
        return cls(items, **kwargs) if items else None
