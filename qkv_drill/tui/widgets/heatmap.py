"""Attention weights as a heatmap: one cell per (query, key), coloured by weight, with the number.

A fixed perceptual ramp (viridis-like) reads the same in the light and the dark theme; the text
colour flips by luminance so every number stays legible. At most MAX_SIDE queries, and as many
keys as fit the width with every number whole; when it shows only part, it says which part.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.color import Color
from rich.console import Console, Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from qkv_drill.present.formats import part_shown
from qkv_drill.tui.widgets.matrix import as_rows

# viridis at five stops: low weights dark purple, high weights yellow
_RAMP = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
MAX_SIDE = 16  # queries shown at most (and keys, however wide the screen)
FIRST_WIDTH = 76  # the width drawn for before the widget is laid out (80 columns, padded)


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


_MEASURE = Console(width=10_000)


def keys_that_fit(weights: list[list[float]], width: int) -> int:
    """How many key columns fit in `width` with every number whole (at least one)."""
    rows = weights[:MAX_SIDE]
    n_keys = min(MAX_SIDE, max((len(r) for r in rows), default=0))
    while (
        n_keys > 1 and _MEASURE.measure(heatmap_table([r[:n_keys] for r in rows])).maximum > width
    ):
        n_keys -= 1
    return n_keys


def heatmap_picture(weights: list[list[float]], width: int) -> RenderableType:
    """Title, the weights that fit `width` (the cut said under them), legend."""
    n_queries = len(weights)
    n_keys = max((len(r) for r in weights), default=0)
    fit = keys_that_fit(weights, width)
    rows = [r[:fit] for r in weights[:MAX_SIDE]]
    title = Text.assemble(
        ("Attention weights", "bold"),
        ("  rows: queries, columns: keys; each row sums to 1", "dim"),
    )
    parts: list[RenderableType] = [title, heatmap_table(rows)]
    note = part_shown([(len(rows), n_queries, "queries"), (fit, n_keys, "keys")])
    if note is not None:
        parts.append(Text(note, style="bold"))
    parts.append(
        Text.assemble(
            ("low ", "dim"),
            *((" ", Style(bgcolor=Color.from_rgb(*ramp(i / 7)))) for i in range(8)),
            (" high", "dim"),
        )
    )
    return Group(*parts)


class Heatmap(Static):
    """The (Tq, Tk) attention weights of the current question."""

    DEFAULT_CSS = """
    Heatmap { height: auto; width: 1fr; margin: 0 0 1 0; }
    """

    def __init__(self, weights: Any, **kwargs: Any) -> None:
        self.weights = as_rows(weights) or []
        self._drawn_for = FIRST_WIDTH
        # Built up front, not on mount: the first layout then knows the height (no blank frame).
        super().__init__(heatmap_picture(self.weights, FIRST_WIDTH), **kwargs)

    def on_resize(self) -> None:
        width = self.size.width
        if width and width != self._drawn_for:  # as many keys as this width shows whole
            self._drawn_for = width
            self.update(heatmap_picture(self.weights, width))
