"""Attention weights as a heatmap: one cell per (query, key), coloured by weight, with the number.

A fixed perceptual ramp (viridis-like) reads the same in the light and the dark theme; the text
colour flips by luminance so every number stays legible.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.color import Color
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from qkv_drill.tui.widgets.matrix import as_rows

# viridis at five stops: low weights dark purple, high weights yellow
_RAMP = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
MAX_SIDE = 16


def ramp(t: float) -> tuple[int, int, int]:
    """Colour for t in [0, 1] (clamped), linearly between the ramp's stops."""
    t = min(1.0, max(0.0, t))
    pos = t * (len(_RAMP) - 1)
    i = min(int(pos), len(_RAMP) - 2)
    f = pos - i
    a, b = _RAMP[i], _RAMP[i + 1]
    return tuple(round(a[k] + (b[k] - a[k]) * f) for k in range(3))  # type: ignore[return-value]


def cell_style(weight: float) -> Style:
    """Background from the ramp; black or white text, whichever contrasts more."""
    r, g, b = ramp(weight)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    fg = Color.from_rgb(0, 0, 0) if luminance > 140 else Color.from_rgb(255, 255, 255)
    return Style(bgcolor=Color.from_rgb(r, g, b), color=fg)


def heatmap_table(weights: list[list[float]]) -> Table:
    """Rows are queries, columns keys; each row of softmax weights sums to 1."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0))
    n_keys = max((len(r) for r in weights), default=0)
    table.add_column("", style="dim", justify="right")
    for j in range(n_keys):
        table.add_column(f" k{j}", justify="center", header_style="dim")
    for i, row in enumerate(weights):
        cells = [Text(f" {w:.2f} ", style=cell_style(w)) for w in row]
        table.add_row(f"q{i} ", *cells)
    return table


class Heatmap(Static):
    """The (Tq, Tk) attention weights of the current question."""

    DEFAULT_CSS = """
    Heatmap { height: auto; width: auto; margin: 0 0 1 0; }
    """

    def __init__(self, weights: Any, **kwargs: Any) -> None:
        self.weights = as_rows(weights) or []
        # Built up front, not on mount: the first layout then knows the height (no blank frame).
        super().__init__(self._picture(), **kwargs)

    def _picture(self) -> Any:
        from rich.console import Group

        rows = [r[:MAX_SIDE] for r in self.weights[:MAX_SIDE]]
        title = Text.assemble(
            ("Attention weights", "bold"),
            ("  rows: queries, columns: keys; each row sums to 1", "dim"),
        )
        legend = Text.assemble(
            ("low ", "dim"),
            *((" ", Style(bgcolor=Color.from_rgb(*ramp(i / 7)))) for i in range(8)),
            (" high", "dim"),
        )
        return Group(title, heatmap_table(rows), legend)
