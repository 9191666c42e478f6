"""Before hand-in: every question with its state (unanswered and flagged stand out), jump to
any of them, or hand in. And the pause cover, which hides the question while the clock stops.

Both read the headless `MockSession` (`review_rows`, `pause`/`unpause`); neither keeps state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qkv_drill.present.formats import mm_ss
from qkv_drill.tui.screens.base import KeysModal
from qkv_drill.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from qkv_drill.session.mock import MockSession, ReviewRow

HAND_IN = "hand-in"


def review_option(row: ReviewRow) -> Option:
    """One question: number, state marks, topic, the saved answer (literally) and time spent.

    Topic and answer each wrap in a column of their own: a long topic (pack text, up to 100
    characters) and a long answer are read in full, never cut."""
    mark, style = ("✓", "green") if row.answered else ("○", "bold red")
    head = Text.assemble(
        (f"{row.index + 1:>2} ", "bold"),
        (mark, style),
        ("!" if row.flagged else " ", "bold yellow"),
    )
    if row.answered:
        said = Text(" ".join((row.answer or "").split()))  # whole: its column wraps
        if row.kept:  # answered before its question changed in its pack
            said.append(" (kept, not graded: question changed)", style="yellow")
    else:
        said = Text("unanswered", style="bold red")
    if row.typed is not None:  # typed last and not saved: what hand-in does with it
        said = Text.assemble(("typed, not saved: ", "bold yellow"), row.typed)
        if row.typed_problem is not None:
            instead = f"saved: {row.answer}" if row.answered else "counts as unanswered"
            said.append(f"\ncannot be read, so dropped at hand-in ({instead})", style="yellow")
    grid = Table.grid(padding=(0, 1), expand=True)  # the same columns on every row
    grid.add_column(no_wrap=True, width=5)  # "12 ✓!"
    grid.add_column(ratio=3, overflow="fold")
    grid.add_column(ratio=2, overflow="fold")
    grid.add_column(no_wrap=True, width=5, justify="right")
    grid.add_row(head, Text(row.topic), said, Text(mm_ss(row.time_s), style="dim"))
    return Option(grid, id=str(row.index))


class MockReviewScreen(KeysModal[int | str | None]):
    """Dismisses with a question index to jump to, HAND_IN to hand in, or None to go back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Back to the question you were on",
            id="mock.review.back",
        ),
        Binding(
            "ctrl+e,h",
            "hand_in",
            "Hand in",
            tooltip="Hand in now and see the report",
            priority=True,
            id="mock.review.hand_in",
        ),
        Binding(
            "u",
            "next_unanswered",
            "Unanswered",
            tooltip="Jump to the next unanswered",
            id="mock.review.unanswered",
        ),
        Binding(
            "f",
            "next_flagged",
            "Flagged",
            tooltip="Jump to the next flagged",
            id="mock.review.flagged",
        ),
    ]
    DEFAULT_CSS = """
    MockReviewScreen { align: center middle; }
    #review-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
                  border: round $accent; background: $surface; padding: 0 1; }
    #review-summary { height: auto; margin-bottom: 1; }
    #review-list { height: auto; max-height: 14; border: none; }
    #review-keys { color: $text-muted; }
    """

    def __init__(self, session: MockSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.rows = session.review_rows()

    def _summary(self) -> Text:
        missing = [r for r in self.rows if not r.answered]
        flagged = [r for r in self.rows if r.flagged]
        summary = Text.assemble(
            (f"{len(self.rows) - len(missing)} of {len(self.rows)} answered", "bold"),
            "   ",
            (f"{len(missing)} unanswered", "bold red" if missing else "green"),
            "   ",
            (f"{len(flagged)} flagged", "bold yellow" if flagged else "dim"),
            f"   {mm_ss(self.session.remaining())} left",
        )
        if missing:
            nums = ", ".join(str(r.index + 1) for r in missing)
            summary.append(f"\nUnanswered count as missed: {nums}.", style="red")
        unread = [r for r in self.rows if r.typed_problem is not None]
        if unread:
            nums = ", ".join(str(r.index + 1) for r in unread)
            summary.append(
                f"\nTyped last but cannot be read: {nums}. Fix it, or hand-in drops it.",
                style="yellow",
            )
        return summary

    def compose(self) -> ComposeResult:
        with Vertical(id="review-box") as box:
            box.border_title = "Review before you hand in"
            yield Static(self._summary(), id="review-summary")
            yield OptionList(*(review_option(r) for r in self.rows), id="review-list")
            yield Static(
                "enter jumps to a question · u next unanswered · f next flagged · "
                "h or ctrl+e hands in · escape goes back",
                id="review-keys",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        # The clock runs on while the list is read: the time left counts down here too.
        self.set_interval(1.0, self._show_summary)
        listing = self.query_one("#review-list", OptionList)
        listing.focus()
        first = next(
            (r.index for r in self.rows if r.typed_problem or not r.answered or r.flagged), None
        )
        listing.highlighted = first if first is not None else self.session.index

    def _show_summary(self) -> None:
        self.query_one("#review-summary", Static).update(self._summary())

    @on(OptionList.OptionSelected, "#review-list")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def _next(self, wanted: Callable[[ReviewRow], bool]) -> None:
        listing = self.query_one("#review-list", OptionList)
        start = listing.highlighted if listing.highlighted is not None else -1
        n = len(self.rows)
        for step in range(1, n + 1):
            row = self.rows[(start + step) % n]
            if wanted(row):
                listing.highlighted = row.index
                return
        self.notify("None left.", timeout=2)

    def action_next_unanswered(self) -> None:
        self._next(lambda r: not r.answered)

    def action_next_flagged(self) -> None:
        self._next(lambda r: r.flagged)

    def action_hand_in(self) -> None:
        self.dismiss(HAND_IN)

    def action_back(self) -> None:
        self.dismiss(None)


class PauseScreen(KeysModal[None]):
    """Covers the interview while it is paused: the clock is stopped and the question hidden."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+o,p,escape,space,enter",
            "unpause",
            "Resume",
            tooltip="Start the clock again",
            priority=True,
            id="mock.pause.resume",
        ),
    ]
    DEFAULT_CSS = """
    PauseScreen { align: center middle; background: $background; }
    #pause-box { width: 50; height: auto; border: round $warning; padding: 1 2; }
    """

    def __init__(self, session: MockSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        text = Text.assemble(
            ("Paused\n\n", "bold"),
            f"The clock is stopped at {mm_ss(s.remaining())}; the question is hidden.\n",
            f"This is pause {len(s.pauses) + 1}; the report will say so.\n\n",
            ("p, space or enter resumes.", "dim"),
        )
        with Vertical(id="pause-box"):
            yield Static(text, id="pause-text")

    def action_unpause(self) -> None:
        self.dismiss(None)
