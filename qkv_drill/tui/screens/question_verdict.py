"""How practice and drill show a verdict: the feedback under the question, what the next keys
are, and the keys moved from the answer box to the scrolling body, so `n`, `r`, `d` and `h` act at
once and the arrows scroll the explanation. An unreadable answer is no verdict: the box keeps the
keys and the status line says what form is expected. Mixed into `QuestionScreen`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widgets import Static

from qkv_drill.tui.widgets.answer import redraw_words

if TYPE_CHECKING:
    from textual.widget import Widget

    from qkv_drill.packs.check import Verdict
    from qkv_drill.packs.instance import Instance
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.tui.screens.base import AppScreen
    from qkv_drill.tui.screens.question import Phase

    _Base = AppScreen[None]
else:
    _Base = object


class QuestionVerdict(_Base):
    """The verdict of `QuestionScreen` (see the module docstring)."""

    verdict: Verdict | None

    if TYPE_CHECKING:
        REDRAW_ANSWERED: ClassVar[bool]
        session: PracticeSession | None
        instance: Instance | None
        phase: Phase

        def _status(self, message: str, *, error: bool = False) -> None: ...

        def _answer(self) -> Widget | None: ...

        def _update_progress(self) -> None: ...

        def action_focus_answer(self, scroll: bool = True) -> None: ...

    async def _show_verdict(self, verdict: Verdict) -> None:
        if not self.is_attached or self.instance is None:
            return
        if verdict.status == "unparseable":
            self.phase = "asking"
            self._status(verdict.message, error=True)
            self.action_focus_answer()
            return
        from qkv_drill.tui.widgets.feedback import self_grade_widgets, verdict_widgets

        self.verdict = verdict
        feedback = self.query_one("#feedback")
        await feedback.remove_children()
        if verdict.status == "self_grade":
            self.phase = "self_grade"
            self._status("")
            self._disable_answer()
            await feedback.mount_all(self_grade_widgets(self.instance, verdict))
            self.call_after_refresh(self.query_one("#rubric").focus)
            return
        self.phase = "answered"
        self._status("")
        self._disable_answer()
        await feedback.mount_all(verdict_widgets(self.instance, verdict))
        await feedback.mount_all(self.after_verdict_widgets())
        await feedback.mount(Static(Text(self._next_keys(), style="dim"), id="next-keys"))
        self._update_progress()
        body = self.query_one("#qbody")
        body.focus()  # n r d h act now; arrows and page keys scroll
        self.call_after_refresh(lambda: body.scroll_to_widget(feedback, top=True))

    def _next_keys(self) -> str:
        kind = self.instance.question.type if self.instance is not None else "numeric"
        redraw = f"r {redraw_words(kind)} · " if self.REDRAW_ANSWERED else ""
        keys = f"n next · {redraw}h hint · escape back"
        if self.session is not None and self.session.derivation() is not None:
            keys = "d derivation · " + keys
        return keys

    def _disable_answer(self) -> None:
        widget = self._answer()
        if widget is not None:
            widget.disabled = True

    def after_verdict_widgets(self) -> list[Widget]:
        """Hook: widgets under the verdict (drill: the card's rating)."""
        return []
