"""The review calendar on the stats screen: one square per day, darker or brighter with answers.

Each theme gets its own ramp (GitHub's contribution greens: pale to dark on light, dark to bright
on dark), so "more" always means "stronger against the background". As many weeks as fit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from qkv_drill.session.calendar import WEEKS, active_days, calendar_weeks

RAMPS = {
    "light": ["#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39"],
    "dark": ["#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353"],
}
LABEL_W = 4  # "Mon "
CELL = "■ "
DAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def fit_weeks(width: int) -> int:
    return max(4, min(WEEKS, (width - LABEL_W) // len(CELL)))


def calendar_text(counts: list[tuple[date, int]], today: date, width: int, dark: bool) -> Text:
    """Month labels, seven weekday rows and a legend, at most `width` columns wide."""
    ramp = RAMPS["dark" if dark else "light"]
    columns = calendar_weeks(counts, today, fit_weeks(width))
    out = Text()
    months = [" "] * (LABEL_W + len(columns) * len(CELL))
    last_month = None
    for w, col in enumerate(columns):
        first = next((d for d in col if d is not None), None)
        if first is not None and first.day.month != last_month:
            label = first.day.strftime("%b")
            at = LABEL_W + w * len(CELL)
            fits = at + len(label) <= len(months)
            if fits and all(c == " " for c in months[max(0, at - 1) : at + len(label)]):
                months[at : at + len(label)] = label
            last_month = first.day.month
    out.append("".join(months).rstrip() + "\n", style="dim")
    for d in range(7):
        out.append(f"{DAY_LABELS.get(d, ''):<{LABEL_W}}", style="dim")
        for col in columns:
            cell = col[d]
            if cell is None:
                out.append(" " * len(CELL))
            else:
                out.append(CELL[0], style=Style(color=ramp[cell.level]))
                out.append(CELL[1:])
        out.append("\n")
    answers, days = active_days(columns)
    out.append(" " * LABEL_W + "less ", style="dim")
    for colour in ramp:
        out.append(CELL[0], style=Style(color=colour))
        out.append(" ")
    out.append("more", style="dim")
    said = f"{_count(answers, 'answer')} on {_count(days, 'day')}, last {len(columns)} weeks"
    out.append(f"   {said}", style="dim")
    return out


class ReviewCalendar(Widget):
    """Answers per day, as a heatmap of weeks; repaints to the width it is given."""

    DEFAULT_CSS = """
    ReviewCalendar { height: 9; width: 1fr; margin: 0 0 1 0; }
    """

    def __init__(self, counts: list[tuple[date, int]], today: date, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counts = counts
        self.today = today

    def render(self) -> Text:
        return calendar_text(self.counts, self.today, self.size.width, self.app.current_theme.dark)
