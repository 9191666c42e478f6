"""How the running mock interview stops or ends: the review before hand-in, a pause, pens down,
and grading in a worker (hand-in waits there for every save still on its way to the disk) that
opens the report. Mixed into `MockScreen`, which binds the keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.screen import ModalScreen

from qkv_drill.present.formats import mm_ss
from qkv_drill.session.browser import one_line
from qkv_drill.session.kept import where_answers_are
from qkv_drill.tui.screens.mock_review import HAND_IN, MockReviewScreen, PauseScreen
from qkv_drill.tui.screens.report import ReportScreen
from qkv_drill.tui.widgets.confirm import ConfirmScreen

if TYPE_CHECKING:
    from textual.screen import Screen as _Base
    from textual.widget import Widget

    from qkv_drill.session.mock import MockSession
    from qkv_drill.session.report import MockReport
else:
    _Base = object


HAND_IN_TIPS = {
    "yes_tip": "Hand in now; what cannot be read is dropped",
    "no_tip": "Back to the question to fix what was typed",
}


def dropped_words(session: MockSession, unreadable: list[int]) -> str:
    """What hand-in would drop, question by question, and what is graded instead."""
    lines = []
    for idx in unreadable:
        saved = session.answers[idx]
        graded = (
            f"the saved answer {one_line(saved)} is graded" if saved else "it counts as unanswered"
        )
        lines.append(
            f"Question {idx + 1}: what you typed last, {one_line(session.drafts[idx])}, cannot "
            f"be read ({(session.draft_problem(idx) or '').rstrip('.')}). It is dropped and "
            f"{graded}."
        )
    return "\n".join(lines) + "\nHand in anyway?"


class MockEnding(_Base):
    """Review, pause and hand-in of `MockScreen` (see the module docstring)."""

    session: MockSession
    _finishing: bool

    if TYPE_CHECKING:

        def _keep_draft(self) -> None: ...

        def _repaint_clock(self) -> None: ...

        def _update_meta(self) -> None: ...

        def _set_status(self, text: str, error: bool = False) -> None: ...

        def _answer(self) -> Widget | None: ...

        async def go_to(self, index: int) -> None: ...

    def action_end(self) -> None:
        """Review before hand-in: every question's state; jump to one, or hand in from there."""
        if self._finishing:
            return
        self._keep_draft()

        def decided(choice: int | str | None) -> None:
            if choice == HAND_IN:
                self._hand_in()
            elif isinstance(choice, int):
                self.call_later(self.go_to, choice)

        self.app.push_screen(MockReviewScreen(self.session), decided)

    def _hand_in(self) -> None:
        """Hand in, after asking when the last text typed for a question cannot be read (it
        would be dropped, and the saved answer, or none, graded instead)."""
        s = self.session
        unreadable = s.unreadable_drafts()
        if not unreadable:
            self._finish(reason="Handed in")
            return
        first = unreadable[0]

        def answered(hand_in: bool | None) -> None:
            if hand_in:
                self._finish(reason="Handed in")
            else:
                self.call_later(self.go_to, first)

        self.app.push_screen(
            ConfirmScreen(dropped_words(s, unreadable), "Hand in", "Fix it", **HAND_IN_TIPS),
            answered,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pause":
            return self.session.allow_pause and not self._finishing
        return True

    def action_pause(self) -> None:
        """Stop the clock and cover the question until the user comes back."""
        s = self.session
        if not s.allow_pause or self._finishing or s.paused:
            return
        self._keep_draft()
        s.pause()
        self._repaint_clock()

        def back(_: None) -> None:
            length = s.unpause()
            self._repaint_clock()
            self._update_meta()
            self.notify(f"Resumed after {mm_ss(length)}.", timeout=3)

        self.app.push_screen(PauseScreen(s), back)

    def _finish(self, reason: str) -> None:
        """Keep a parseable draft, then grade in a worker so the UI never stalls."""
        if self._finishing:
            return
        self._finishing = True
        self._keep_draft()
        if reason == "Time is up" and isinstance(self.app.screen, ModalScreen):
            self.app.pop_screen()
        self._set_status(f"{reason}: grading…")
        widget = self._answer()
        if widget is not None:
            widget.disabled = True
        self._grade()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mock-finish")
    def _grade(self) -> None:
        try:
            report = self.session.finish()
        except Exception as exc:  # the answers are stored; grading can be retried on resume
            self.app.call_from_thread(self._grading_failed, exc)
            return
        self.app.call_from_thread(self._open_report, report)

    def _grading_failed(self, exc: Exception) -> None:
        self._set_status(f"Grading failed: {exc}", error=True)
        self.notify(
            where_answers_are(self.session.store),
            title="Grading failed",
            severity="error",
            timeout=30,
        )

    def _open_report(self, report: MockReport) -> None:
        self.app.switch_screen(ReportScreen(report, self.session.store, self.session.clock))
