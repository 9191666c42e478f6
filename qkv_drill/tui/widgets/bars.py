"""Accuracy per topic as one text row per topic: the label, its bar, its figures, on one line.

A plotted horizontal bar chart places labels and bars separately and can shift one against the
other; drawing each row as text makes it impossible for a bar to sit beside another topic's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

BAR_WIDTH = 20


def bar(fraction: float, width: int = BAR_WIDTH) -> Text:
    """`width` cells: filled for the fraction (eighths of a cell), the rest a light track."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    filled = "█" * full + partial
    return Text.assemble((filled, "bold"), ("·" * (width - len(filled)), "dim"))


def accuracy_table(by_topic: Mapping[str, tuple[int, int]]) -> Table:
    """Topic (pack text, literal), bar, percent and correct/answered, one row each."""
    table = Table.grid(padding=(0, 1))
    # a long topic wraps within its column (its bar stays on the row's first line), never cut
    table.add_column(justify="right", max_width=28, overflow="fold")
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="right", no_wrap=True, style="dim")
    for topic, (correct, total) in sorted(by_topic.items()):
        if not total:
            continue
        share = correct / total
        table.add_row(Text(topic), bar(share), f"{100 * share:.0f}%", f"{correct}/{total}")
    return table


class AccuracyBars(Static):
    """Accuracy per topic; every bar on its own label's row."""

    DEFAULT_CSS = """
    AccuracyBars { height: auto; padding: 0 1; }
    """

    def __init__(self, by_topic: Mapping[str, tuple[int, int]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.by_topic = dict(by_topic)
        title = Text("Accuracy per topic", style="bold")
        from rich.console import Group

        self.update(Group(title, accuracy_table(self.by_topic)))
