"""Stats: accuracy per topic and over time, answers per day, the due forecast, streak, totals.

Charts are plotext pictures (textual_plotext), imported here only, never at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from qkv_drill.days import local_day
from qkv_drill.tui.screens.base import AppScreen
from qkv_drill.tui.widgets.bars import AccuracyBars
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.item_line import ItemLine

if TYPE_CHECKING:
    from qkv_drill.session.stats import StatsSnapshot


def summary_text(snap: StatsSnapshot) -> ItemLine:
    """Totals in one glance: answers, accuracy, streak, cards and what is due; a narrow screen
    wraps between totals, never between a label and its number."""
    acc = snap.accuracy
    correct = f"{snap.total_correct}" + (f" ({100 * acc:.0f}%)" if acc is not None else "")
    streak = f"{snap.streak} day{'s' if snap.streak != 1 else ''}"
    totals = (
        ("Answers", str(snap.total_answers)),
        ("correct", correct),
        ("streak", streak),
        ("cards", str(snap.cards)),
        ("due now", str(snap.due_now)),
    )
    return ItemLine(Text.assemble((f"{label} ", "dim"), (value, "bold")) for label, value in totals)


def _ticks(labels: list[str], count: int = 5) -> tuple[list[float], list[str]]:
    """`count` labels evenly spread from the first to the last (x positions from 1)."""
    last = len(labels) - 1
    n = min(count, len(labels))
    idx = sorted({round(k * last / (n - 1)) for k in range(n)}) if n > 1 else [0] * n
    return [i + 1 for i in idx], [labels[i] for i in idx]


def _integer_y(plt: Any, top: int) -> None:
    """Counts are whole numbers: integer ticks from 0, at most about five of them."""
    top = max(1, top)
    step = max(1, -(-top // 5))
    plt.ylim(0, top)
    plt.yticks(list(range(0, top + 1, step)))


class StatsScreen(AppScreen[None]):
    """A snapshot of progress, built from the store in a worker."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to Home", id="stats.back"),
        Binding(
            "r", "refresh_stats", "Refresh", tooltip="Read the store again", id="stats.refresh"
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.snapshot: StatsSnapshot | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Stats", style="bold"), id="stats-title", classes="title-bar")
        with VerticalScroll(id="stats-body"):
            yield Static("Reading your history…", id="stats-summary")
            yield Grid(id="charts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#stats-body").focus()
        self.action_refresh_stats()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")

    def action_refresh_stats(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def load(self) -> None:
        from qkv_drill.session.clock import SYSTEM_CLOCK
        from qkv_drill.session.stats import StatsSnapshot

        app = self.qkv_app
        try:
            _packset, store = app.require_data()
            snap = StatsSnapshot.build(store, app.clock or SYSTEM_CLOCK)
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"{exc}", title="Could not read stats", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.show,  # type: ignore[arg-type]  # textual: T | Awaitable[T] fails async
            snap,
        )

    async def show(self, snap: StatsSnapshot) -> None:
        if not self.is_attached:
            return
        self.snapshot = snap
        title = Text.assemble(("Stats", "bold"), f"  ·  {snap.taken_utc:%Y-%m-%d %H:%M} UTC")
        self.query_one("#stats-title", Static).update(title)
        charts = self.query_one("#charts", Grid)
        await charts.remove_children()
        if not snap.total_answers:
            self.query_one("#stats-summary", Static).update(
                Text.assemble(
                    ("No history yet.\n", "bold"),
                    "Answer a few questions in practice or drill, then come back: this screen "
                    "shows accuracy per topic and over time, answers per day, your streak and "
                    "what is due.",
                )
            )
            charts.display = False
            return
        charts.display = True
        self.query_one("#stats-summary", Static).update(summary_text(snap))
        from qkv_drill.tui.widgets.calendar import ReviewCalendar

        await self.query("#stats-calendar").remove()
        today = snap.today if snap.today is not None else local_day(snap.taken_utc)
        calendar = ReviewCalendar(snap.calendar, today, id="stats-calendar")
        await self.query_one("#stats-body").mount(calendar, before=charts)
        await self.query("#chart-topics").remove()
        bars = AccuracyBars(snap.by_topic, id="chart-topics")
        await self.query_one("#stats-body").mount(bars, before=charts)
        await charts.mount_all(self._charts(snap))

    def _charts(self, snap: StatsSnapshot) -> list[Widget]:
        from textual_plotext import PlotextPlot

        days = [d.strftime("%m-%d") for d, _, _ in snap.daily]
        totals = [n for _, _, n in snap.daily]
        rates = [round(100 * c / n) if n else 0 for _, c, n in snap.daily]
        xs = list(range(1, len(days) + 1))

        over_time = PlotextPlot(id="chart-accuracy")
        answered = [(x, r) for x, r, n in zip(xs, rates, totals, strict=True) if n]
        if answered:
            over_time.plt.plot([x for x, _ in answered], [r for _, r in answered], marker="braille")
            over_time.plt.scatter([x for x, _ in answered], [r for _, r in answered])
        over_time.plt.ylim(0, 100)
        over_time.plt.xlim(1, max(2, len(xs)))
        over_time.plt.xticks(*_ticks(days))
        over_time.plt.title("Accuracy per day (%)")

        per_day = PlotextPlot(id="chart-per-day")
        per_day.plt.bar(xs, totals)
        _integer_y(per_day.plt, max(totals, default=0))
        per_day.plt.xticks(*_ticks(days))
        per_day.plt.title("Answers per day")

        forecast = PlotextPlot(id="chart-forecast")
        f_days = [d.strftime("%m-%d") for d, _ in snap.due_forecast]
        f_counts = [n for _, n in snap.due_forecast]
        forecast.plt.bar(list(range(1, len(f_days) + 1)), f_counts)
        _integer_y(forecast.plt, max(f_counts, default=0))
        forecast.plt.xticks(*_ticks(f_days))
        forecast.plt.title("Cards due, next 14 days")
        return [over_time, per_day, forecast]
