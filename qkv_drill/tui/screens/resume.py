"""Offered at start-up when a mock interview was interrupted (crash, closed terminal, ctrl+q).

Every answer the interview said was saved is in the store (the status line says "Saved" only once
the write is on disk), and so is what was being typed as of the last pause in typing: the
interview can go on with the time it had left, be graded as it stands, or be thrown away after a
confirmation.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from qkv_drill.present.formats import mm_ss, mock_time_left
from qkv_drill.session import mock_drafts
from qkv_drill.session.clock import SYSTEM_CLOCK
from qkv_drill.tui.commands import ScreenCommands
from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.screens.report import ReportScreen
from qkv_drill.tui.widgets.confirm import ConfirmScreen
from qkv_drill.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.clock import Clock
    from qkv_drill.session.mock import MockSession
    from qkv_drill.session.report import MockReport
    from qkv_drill.store import MockRow, Store


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

    def __init__(self, store: Store, packset: PackSet, clock: Clock | None = None) -> None:
        super().__init__()
        self.store = store
        self.packset = packset
        self.clock = clock
        self.pending: MockRow | None = None
        """The interrupted interview, once read from the store."""
        self.read = False
        """Whether that read is done: until then the keys wait (the store is read in a worker)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static("Reading the interrupted interview…", id="resume-text")
            with Horizontal(id="resume-buttons"):
                yield Button("Resume", id="resume-resume", variant="primary")
                yield Button("Grade it as it stands", id="resume-grade")
                yield Button("Discard", id="resume-discard", variant="error")
        yield KeyFooter()

    def describe(self, p: MockRow | None) -> str:
        """The one sentence a user needs to decide: when, how much time left, how much done
        (reads the store: call from a worker)."""
        if p is None:
            return "There is no interrupted interview."
        from qkv_drill.session.mock import changed_since_start
        from qkv_drill.session.mock_redraw import changes_words

        answers = self.store.mock_answers(p.id)
        answered = mock_drafts.answered(answers)
        total = len(json.loads(p.plan_json))
        changed = changes_words(changed_since_start(self.packset, self.store, p))
        return (
            f"[b]An interview from {_local_time(p.started_utc)} was interrupted[/b] with "
            f"[b]{mm_ss(mock_time_left(p))}[/b] left and {answered} of {total} "
            f"question{'s' if total != 1 else ''} answered.\n\n"
            "Every answer marked Saved was kept, and what you were typing as of your last "
            "pause. Resume it, grade it as it stands, or discard it."
            + (f"\n\n[b]Pack changed.[/b] {escape(changed)}" if changed else "")
        )

    def on_mount(self) -> None:
        self.query_one("#resume-resume", Button).focus()
        self._read_pending()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mock-resume-read")
    def _read_pending(self) -> None:
        pending = self.store.unfinished_mock()
        text = self.describe(pending)
        self.app.call_from_thread(self._show_pending, pending, text)

    def _show_pending(self, pending: MockRow | None, text: str) -> None:
        self.pending = pending
        self.read = True
        self.query_one("#resume-text", Static).update(text)

    @on(Button.Pressed, "#resume-resume")
    def _resume_pressed(self) -> None:
        self.action_resume()

    @on(Button.Pressed, "#resume-grade")
    def _grade_pressed(self) -> None:
        self.action_grade()

    @on(Button.Pressed, "#resume-discard")
    def _discard_pressed(self) -> None:
        self.action_discard()

    def _interview(self) -> MockRow | None:
        """The interview the keys act on; None (and the screen closes) when there is none."""
        if self.read and self.pending is None:
            self.dismiss()
        return self.pending if self.read else None

    def _busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    def _session(self, mock_id: int) -> MockSession:
        from qkv_drill.session.mock import MockSession

        return MockSession.resume(self.packset, self.store, mock_id, self.clock or SYSTEM_CLOCK)

    def action_resume(self) -> None:
        pending = self._interview()
        if pending is not None:
            self._busy(True)
            self._carry_on(pending.id, grade=False)

    def action_grade(self) -> None:
        pending = self._interview()
        if pending is not None:
            self._busy(True)
            self._carry_on(pending.id, grade=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mock-resume")
    def _carry_on(self, mock_id: int, *, grade: bool) -> None:
        """Rebuild the interview from the store, then go on with it or grade it as it stands."""
        from qkv_drill.session.mock import MockResumeError

        try:
            session = self._session(mock_id)
            report = session.finish() if grade else None
        except MockResumeError as exc:
            title = "Cannot grade" if grade else "Cannot resume"
            self.app.call_from_thread(self._refused, title, str(exc))
            return
        if report is not None:
            self.app.call_from_thread(self._open_report, report)
        else:
            self.app.call_from_thread(self._resumed, session)

    def _resumed(self, session: MockSession) -> None:
        self.app.switch_screen(MockScreen(session))

    def _refused(self, title: str, message: str) -> None:
        self.notify(message, title=title, severity="error", timeout=10, markup=False)
        self._busy(False)

    def _open_report(self, report: MockReport) -> None:
        self.app.switch_screen(ReportScreen(report, self.store, self.clock or SYSTEM_CLOCK))

    def action_discard(self) -> None:
        pending = self._interview()
        if pending is None:
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._busy(True)
                self._discard(pending.id)

        self.app.push_screen(
            ConfirmScreen(
                "Discard the interrupted interview and its answers? This cannot be undone.",
                "Discard",
                "Keep it",
                yes_tip="Delete the interrupted interview and its answers",
                no_tip="Back to the choices; the interview stays saved",
            ),
            decided,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="mock-resume")
    def _discard(self, mock_id: int) -> None:
        try:
            self.store.discard_mock(mock_id)
        except Exception as exc:  # the interview stays; say why
            self.app.call_from_thread(self._refused, "Cannot discard", str(exc))
            return
        self.app.call_from_thread(self._discarded)

    def _discarded(self) -> None:
        self.notify("The interrupted interview was discarded.")
        self.dismiss()

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
