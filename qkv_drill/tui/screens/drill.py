"""Drill: the practice screen fed by the FSRS queue, with a rating after each answer.

It speaks relative time ("next review in 7 days") and says so when it serves a card before it
is due (learning ahead, or the weakest-topics drill when nothing is due), because a card seen
early is not a card the schedule asked for.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from qkv_drill.session.when import ahead_of_schedule, next_card_due, next_review
from qkv_drill.tui.screens.card_keys import BURY, SUSPEND
from qkv_drill.tui.screens.question import QuestionScreen, TextPart

if TYPE_CHECKING:
    from fsrs import Rating

    from qkv_drill.session.drill import DrillSession

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class DrillScreen(QuestionScreen):
    """Drill: due cards first, a suggested FSRS rating after each answer (1-4 to change it)."""

    MODE = "drill"
    REDRAW_ANSWERED = False
    session: DrillSession | None
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n),
                f"rate({n})",
                name,
                tooltip=f"Schedule this card as {name}",
                id=f"drill.rate_{name.lower()}",
                show=n in (1, 4),
            )
            for n, name in RATING_NAMES.items()
        ),
        Binding(
            "w",
            "toggle_weakest",
            "Weakest",
            tooltip="Drill only your weakest topics",
            id="drill.weakest",
        ),
        SUSPEND,
        BURY,
    ]

    def __init__(self, weakest: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.weakest = weakest
        self.due = 0
        self.new = 0
        self.now: datetime | None = None
        self.card_due_at: datetime | None = None
        self.next_due_at: datetime | None = None
        self.ahead_of: datetime | None = None
        """When the card on screen is due, if it is served before that (else None)."""

    def make_session(self) -> DrillSession:
        return self.qkv_app.make_session("drill", weakest=self.weakest)

    def refresh_in_worker(self) -> None:
        s = self.session
        if s is None:
            return
        self.now = s.clock.now()
        self.due = s.due_count()
        self.new = len(s.queue()) - self.due
        current = s.current
        self.card_due_at = s.card_due(current.question.id) if current is not None else None
        self.next_due_at = s.next_due() if current is None else None
        if current is not None and not s.answered:
            early = self.card_due_at is not None and self.card_due_at > self.now
            self.ahead_of = self.card_due_at if early else None

    def progress_extra(self) -> list[TextPart]:
        extra: list[TextPart] = [("  ·  ", ""), (f"{self.due} due", "bold"), f" · {self.new} new"]
        if self.weakest:
            topics = self.session.topics if self.session is not None else []
            extra.append(("  ·  weakest: " + ", ".join(topics), ""))
        if self.ahead_of is not None and self.instance is not None:
            extra.append(("\n" + ahead_of_schedule(self.ahead_of, self.now), "bold"))
        return extra

    def empty_message(self) -> str:
        later = next_card_due(self.next_due_at, self.now)
        later = f" {later}" if later else ""
        return (
            "## Nothing due\n\nYou are up to date." + later + "\n\n"
            "Press **w** to drill your weakest topics anyway, or **escape** for Home."
        )

    def after_verdict_widgets(self) -> list[Widget]:
        return [Static(self._rating_text(), id="rating")]

    def _rating_text(self) -> Text:
        s = self.session
        suggested = s.suggested_rating if s is not None else None
        applied = (s.rating if s is not None else None) or suggested
        parts: list[TextPart] = [("Scheduled as ", ""), (_name(applied), "bold")]
        if suggested is not None and applied is not None and int(applied) != int(suggested):
            parts.append(f" (suggested {_name(suggested)})")
        else:
            parts.append(" (suggested from your answer and time)")
        due = self.card_due_at
        if due is not None:
            parts.append(("; " + next_review(due, self.now), ""))
        parts.append(("\nPress 1 Again · 2 Hard · 3 Good · 4 Easy to change it.", "dim"))
        return Text.assemble(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":
            return self.phase == "answered"
        return super().check_action(action, parameters)

    def action_rate(self, n: int) -> None:
        if self.phase != "answered" or self.session is None:
            return
        self._rate(n)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rate")
    def _rate(self, n: int) -> None:
        from fsrs import Rating

        session = self.session
        if session is not None:
            self._then_show(lambda: session.rate(Rating(n)), self._rated)

    def _rated(self, _: None = None) -> None:
        if not self.is_attached:
            return
        self.query_one("#rating", Static).update(self._rating_text())
        self._update_progress()

    def action_toggle_weakest(self) -> None:
        if self.phase == "checking":
            return
        self.weakest = not self.weakest
        self.session = None
        self.phase = "loading"
        self.notify("Weakest topics only." if self.weakest else "All due cards.", timeout=2)
        self.advance("next")


def _name(rating: Rating | None) -> str:
    if rating is None:
        return "—"
    return RATING_NAMES.get(int(rating), str(rating))
