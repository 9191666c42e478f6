"""A line of short items ("cards 13", "due now 12") that wraps only between items.

Text wraps at any space, so a narrow screen split a label from its number ("cards" at the end of
one line, "13" at the start of the next). Here an item moves to the next line whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text

GAP = "   "


def item_lines(items: Iterable[Text], width: int, gap: str = GAP) -> list[Text]:
    """The items joined by `gap`, a new line started wherever the next item would not fit; an
    item wider than `width` gets a line of its own (and wraps there)."""
    lines: list[Text] = []
    line = Text()
    for item in items:
        if line.cell_len and line.cell_len + len(gap) + item.cell_len > width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append(gap)
        line.append_text(item)
    if line.cell_len or not lines:
        lines.append(line)
    return lines


class ItemLine:
    """A Rich renderable of `item_lines`, laid out at whatever width it is given."""

    def __init__(self, items: Iterable[Text], gap: str = GAP) -> None:
        self.items = list(items)
        self.gap = gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield from item_lines(self.items, options.max_width, self.gap)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((item.cell_len for item in self.items), default=0)
        whole = sum(item.cell_len for item in self.items) + len(self.gap) * (len(self.items) - 1)
        return Measurement(min(widest, options.max_width), min(max(whole, 0), options.max_width))

    def __str__(self) -> str:
        """The items on one line, as a test or a log reads them."""
        return self.gap.join(item.plain for item in self.items)
