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
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
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


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _is_rule(cells: list[str]) -> bool:
    return all(c and set(c) <= set("-: ") for c in cells)


def compact_markdown_tables(markdown: str) -> tuple[str, int]:
    """Markdown tables of numbers as right-aligned monospace blocks; (text, tables replaced).

    Prompts write a matrix as a header-less Markdown table, which a terminal stretches to full
    width with a rule under every row; a fenced block keeps it as compact as on paper.
    """
    out: list[str] = []
    block: list[str] = []
    replaced = 0

    def flush() -> None:
        nonlocal replaced
        rows = [_cells(line) for line in block]
        rows = [r for r in rows if not _is_rule(r)]
        if rows and not any(rows[0]):
            rows = rows[1:]  # the empty header row
        if not rows:
            out.extend(block)
        else:
            width = max(len(c) for r in rows for c in r)
            out.append("```text")
            out.extend("  ".join(c.rjust(width) for c in r) for r in rows)
            out.append("```")
            replaced += 1
        block.clear()

    for line in markdown.splitlines():
        if line.lstrip().startswith("|"):
            block.append(line)
            continue
        if block:
            flush()
        out.append(line)
    if block:
        flush()
    return "\n".join(out), replaced
