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

from qkv_drill.session.calendar import WEEKS, Day, active_days, calendar_weeks

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
    """Weeks that fit with one column to spare: a month starting in the last week has its
    three-letter label there too."""
    return max(4, min(WEEKS, (width - LABEL_W - 1) // len(CELL)))


def month_starts(columns: list[list[Day | None]]) -> list[tuple[int, date]]:
    """(column, its Monday) of each column whose Monday is in a different month than the
    column before: every month that starts in the shown range, and first the month shown
    in part at the left edge."""
    starts = []
    last_month = None
    for w, col in enumerate(columns):
        first = next((d for d in col if d is not None), None)
        if first is not None and (first.day.year, first.day.month) != last_month:
            starts.append((w, first.day))
            last_month = (first.day.year, first.day.month)
    return starts


def month_line(columns: list[list[Day | None]]) -> str:
    """Each month's label above the week it starts in. A month that starts in the range always
    gets its label; the month cut by the left edge only when its label leaves room for the next
    one (else "Mar May" would read as if April were missing)."""
    starts = month_starts(columns)
    line = [" "] * (LABEL_W + len(columns) * len(CELL) + 1)
    for i, (w, day) in enumerate(starts):
        label = day.strftime("%b")
        at = LABEL_W + w * len(CELL)
        cut_by_edge = i == 0 and day.day > 7  # its first Monday is before the shown range
        if cut_by_edge and i + 1 < len(starts):
            next_at = LABEL_W + starts[i + 1][0] * len(CELL)
            if at + len(label) >= next_at:
                continue
        line[at : at + len(label)] = label
    return "".join(line).rstrip()


def calendar_text(counts: list[tuple[date, int]], today: date, width: int, dark: bool) -> Text:
    """Month labels, seven weekday rows and a legend, at most `width` columns wide."""
    ramp = RAMPS["dark" if dark else "light"]
    columns = calendar_weeks(counts, today, fit_weeks(width))
    out = Text()
    months = month_line(columns)
    out.append(months + "\n", style="dim")
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
    legend_w = LABEL_W + len("less ") + len(ramp) * 2 + len("more")
    if legend_w + 3 + len(said) <= width:
        out.append(f"   {said}", style="dim")
    else:  # a line of its own rather than cut at the edge
        out.append("\n" + " " * LABEL_W + said, style="dim")
    return out


class ReviewCalendar(Widget):
    """Answers per day, as a heatmap of weeks; repaints to the width it is given."""

    DEFAULT_CSS = """
    ReviewCalendar { height: 9; width: 1fr; margin: 0 0 1 0; }
    """
    # 9 rows: months, seven days, the legend; a narrow one gives the totals a row of their own.

    def __init__(self, counts: list[tuple[date, int]], today: date, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counts = counts
        self.today = today

    def _text(self, width: int) -> Text:
        return calendar_text(self.counts, self.today, width, self.app.current_theme.dark)

    def on_resize(self) -> None:
        self.styles.height = len(self._text(self.size.width).plain.splitlines())

    def render(self) -> Text:
        return self._text(self.size.width)
