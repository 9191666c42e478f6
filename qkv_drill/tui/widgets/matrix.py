"""Matrices drawn as right-aligned tables, so columns of numbers line up as on paper."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.table import Table
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
    """Integers stay integers; everything else gets a fixed number of decimals."""
    if x != x:  # nan
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "-inf" if x < 0 else "inf"
    if float(x).is_integer() and abs(x) < 1e9:
        return str(int(x))
    return f"{x:.{decimals}f}"


def matrix_table(rows: list[list[float]], *, title: str | None = None, decimals: int = 2) -> Table:
    """A compact table with a row index, right-aligned numbers and no heavy borders."""
    table = Table(
        box=box.SIMPLE_HEAD,
        title=title,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    n_cols = max((len(r) for r in rows), default=0)
    table.add_column("", style="dim", justify="right")
    for j in range(n_cols):
        table.add_column(str(j), justify="right", header_style="dim")
    for i, row in enumerate(rows):
        table.add_row(str(i), *(fmt_number(x, decimals) for x in row))
    return table


class MatrixView(Static):
    """A named matrix (or vector) as a table; a large one is shown by its shape only."""

    DEFAULT_CSS = """
    MatrixView { height: auto; width: auto; margin: 0 2 1 0; }
    """

    def __init__(self, name: str, value: Any, *, decimals: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.matrix_name = name
        self.rows = as_rows(value) or []
        self.decimals = decimals

    def on_mount(self) -> None:
        shape = f"({len(self.rows)}, {len(self.rows[0]) if self.rows else 0})"
        cells = sum(len(r) for r in self.rows)
        if cells > MAX_CELLS:
            self.update(
                Text.assemble((self.matrix_name, "bold"), f"  {shape}  (too large to show)")
            )
            return
        self.update(
            matrix_table(self.rows, title=f"{self.matrix_name} {shape}", decimals=self.decimals)
        )
