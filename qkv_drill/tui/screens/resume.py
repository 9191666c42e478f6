"""Offered at start-up when a mock interview was interrupted (crash, closed terminal, ctrl+q).

Every answer was already in the store, so nothing is lost: the interview can go on with the time
it had left, be graded as it stands, or be thrown away after a confirmation.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from qkv_drill.present.formats import mm_ss, mock_time_left
from qkv_drill.session import mock_drafts
from qkv_drill.session.clock import SYSTEM_CLOCK
from qkv_drill.tui.commands import ScreenCommands
from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.screens.report import ReportScreen
from qkv_drill.tui.widgets.confirm import ConfirmScreen


class ResumeMockScreen(Screen):
    """Resume, grade or discard the interrupted interview."""

    CSS_PATH = "mock.tcss"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "resume",
            "Resume",
            tooltip="Carry on with the time that was left",
            id="mock.resume.resume",
        ),
        Binding(
            "g",
            "grade",
            "Grade now",
            tooltip="Grade the answers given so far and open the report",
            id="mock.resume.grade",
        ),
        Binding(
            "d",
            "discard",
            "Discard",
            tooltip="Throw the interrupted interview away (asks first)",
            id="mock.resume.discard",
        ),
        Binding(
            "escape",
            "later",
            "Later",
            tooltip="Decide later: the interview stays saved",
            id="mock.resume.later",
        ),
    ]
    COMMAND_LIST: ClassVar = [
        ("Mock: resume interview", "Carry on with the time that was left", "resume"),
        ("Mock: grade interrupted interview", "Grade it as it stands", "grade"),
        ("Mock: discard interrupted interview", "Throw it away (asks first)", "discard"),
    ]

    def __init__(self, store: Any, packset: Any, clock: Any = None) -> None:
        super().__init__()
        self.store = store
        self.packset = packset
        self.clock = clock
        self.pending = store.unfinished_mock()

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static(self.describe(), id="resume-text")
            with Horizontal(id="resume-buttons"):
                yield Button("Resume", id="resume-resume", variant="primary")
                yield Button("Grade it as it stands", id="resume-grade")
                yield Button("Discard", id="resume-discard", variant="error")
        yield Footer()

    def describe(self) -> str:
        """The one sentence a user needs to decide: when, how much time left, how much done."""
        p = self.pending
        if p is None:
            return "There is no interrupted interview."
        answers = self.store.mock_answers(p.id)
        answered = mock_drafts.answered(answers)
        total = len(json.loads(p.plan_json))
        return (
            f"[b]An interview from {_local_time(p.started_utc)} was interrupted[/b] with "
            f"[b]{mm_ss(mock_time_left(p))}[/b] left and {answered} of {total} "
            f"question{'s' if total != 1 else ''} answered.\n\n"
            "Every answer, and what you were typing, was saved. Resume it, grade it as it "
            "stands, or discard it."
        )

    def on_mount(self) -> None:
        self.query_one("#resume-resume", Button).focus()

    @on(Button.Pressed, "#resume-resume")
    def _resume_pressed(self) -> None:
        self.action_resume()

    @on(Button.Pressed, "#resume-grade")
    def _grade_pressed(self) -> None:
        self.action_grade()

    @on(Button.Pressed, "#resume-discard")
    def _discard_pressed(self) -> None:
        self.action_discard()

    def _session(self):
        from qkv_drill.session.clock import SYSTEM_CLOCK
        from qkv_drill.session.mock import MockSession

        return MockSession.resume(
            self.packset, self.store, self.pending.id, self.clock or SYSTEM_CLOCK
        )

    def action_resume(self) -> None:
        if self.pending is None:
            self.dismiss()
            return
        from qkv_drill.session.mock import MockResumeError

        try:
            session = self._session()
        except MockResumeError as exc:
            self.notify(str(exc), title="Cannot resume", severity="error", timeout=10, markup=False)
            return
        self.app.switch_screen(MockScreen(session))

    def action_grade(self) -> None:
        if self.pending is None:
            self.dismiss()
            return
        for button in self.query(Button):
            button.disabled = True
        self._grade()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mock-resume")
    def _grade(self) -> None:
        from qkv_drill.session.mock import MockResumeError

        try:
            report = self._session().finish()
        except MockResumeError as exc:
            self.app.call_from_thread(self._cannot_grade, str(exc))
            return
        self.app.call_from_thread(self._open_report, report)

    def _cannot_grade(self, message: str) -> None:
        self.notify(message, title="Cannot grade", severity="error", timeout=10, markup=False)
        for button in self.query(Button):
            button.disabled = False

    def _open_report(self, report: Any) -> None:
        self.app.switch_screen(ReportScreen(report, self.store, self.clock or SYSTEM_CLOCK))

    def action_discard(self) -> None:
        if self.pending is None:
            self.dismiss()
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.store.discard_mock(self.pending.id)
                self.notify("The interrupted interview was discarded.")
                self.dismiss()

        self.app.push_screen(
            ConfirmScreen(
                "Discard the interrupted interview and its answers? This cannot be undone.",
                "Discard",
                "Keep it",
            ),
            decided,
        )

    def action_later(self) -> None:
        self.dismiss()


def _local_time(when: datetime | str) -> str:
    """A stored UTC time in the user's local time, the way they remember starting."""
    if not isinstance(when, datetime):
        try:
            when = datetime.fromisoformat(str(when))
        except ValueError:
            return str(when)
    return when.astimezone().strftime("%a %d %b %H:%M")
