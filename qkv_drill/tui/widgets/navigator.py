"""The mock interview's navigator: one cell per question, marked answered, flagged or current.

A click posts `Navigator.Jump`; the screen decides what a jump means (save the typed answer
first, then show the question), so the widget knows nothing of the interview.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static


class NavCell(Static):
    """One question in the navigator; clicking it asks to jump there."""

    def __init__(self, index: int) -> None:
        super().__init__(str(index + 1), id=f"nav-{index}", classes="nav-cell")
        self.index = index

    def on_click(self) -> None:
        self.post_message(Navigator.Jump(self.index))


CELL_WIDTH = 5  # "12✓!" and a space


class Navigator(Horizontal):
    """Rows of `NavCell`s (the grid layout comes from the screen's CSS): as many columns as fit
    the width, so no cell is cut at the right edge; the current one is scrolled into view when
    the rows are more than the navigator shows."""

    class Jump(Message):
        """A cell was clicked: go to question `index`."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(*(NavCell(i) for i in range(count)), id=id)

    def on_resize(self) -> None:
        columns = max(1, self.size.width // CELL_WIDTH)
        if self.styles.grid_size_columns != columns:
            self.styles.grid_size_columns = columns
            self.call_after_refresh(self._show_current)

    def _show_current(self) -> None:
        for cell in self.query(NavCell).filter(".-current"):
            self.scroll_to_widget(cell, animate=False, immediate=True)

    def show(self, answers: Sequence[str | None], flagged: Collection[int], current: int) -> None:
        """Mark every cell from the interview's state: ✓ answered, ! flagged, current reversed."""
        for cell in self.query(NavCell):
            i = cell.index
            answered = answers[i] is not None
            flag = i in flagged
            cell.update(f"{i + 1}{'✓' if answered else ''}{'!' if flag else ''}")
            cell.set_class(answered, "-answered")
            cell.set_class(flag, "-flagged")
            cell.set_class(i == current, "-current")
        self.call_after_refresh(self._show_current)
