"""Practice (and, in `drill.py`, drill): one question at a time, checked in a worker, then taught.

Every session call (drawing, checking, grading) runs in a worker and its result is shown on the UI
thread. Handing in moves focus to the scrolling body at once, so a habitual `n` pressed while the
answer is checked, or right after, never types into the next question. The rest is mixed in:
which keys work when (`question_keys`), how a verdict shows (`question_verdict`), and how the
first question gets on screen before numpy is imported (`question_start`).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from qkv_drill.packs.preview import Preview
from qkv_drill.present.formats import option_letters
from qkv_drill.tui.keys import scoped
from qkv_drill.tui.screens.base import AppScreen, notify_failure
from qkv_drill.tui.screens.card_keys import UNDO, CardKeys
from qkv_drill.tui.screens.question_keys import QuestionKeys
from qkv_drill.tui.screens.question_start import QuestionStart, engine_imported
from qkv_drill.tui.screens.question_verdict import QuestionVerdict
from qkv_drill.tui.widgets.answer import (
    AnswerStatus,
    MatrixInput,
    answer_in,
    answer_widget,
    keep_status_in_view,
    live_parse,
    practice_keys,
    typed_text,
)
from qkv_drill.tui.widgets.choices import ChoiceField
from qkv_drill.tui.widgets.derivation import DerivationPanel
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.prompt import Framed, PromptView, settle_frame

if TYPE_CHECKING:
    from qkv_drill.packs.check import Verdict
    from qkv_drill.packs.instance import Instance
    from qkv_drill.session.practice import PracticeSession

R = TypeVar("R")

TextPart = str | tuple[str, str]
"""A piece of `Text.assemble`: plain, or (text, style)."""

Phase = Literal["loading", "asking", "checking", "self_grade", "answered", "empty"]
"""Where the screen is: drawing a question, the user answering, the answer being checked,
rubric points to tick, the verdict shown, or nothing left to ask."""


_b = partial(scoped, "question")


class QuestionScreen(CardKeys, QuestionKeys, QuestionVerdict, QuestionStart, AppScreen[None]):
    """Shared by practice and drill: the session decides what comes next."""

    CSS_PATH = "question.tcss"
    MODE = "practice"
    PREVIEW_FIRST = False  # practice: a computed first question shows before numpy is in
    REDRAW_ANSWERED = True  # `r` after a verdict; not in drill: a card is reviewed once
    BINDINGS: ClassVar[list[BindingType]] = [
        # escape says what it does: leave the answer box while asking, else back to Home
        _b("escape", "leave_box", "Leave box", "Hand the keys back to the screen (? lists them)"),
        _b("escape", "back", "Back", "Back where this opened from: Home or the browser"),
        _b("ctrl+s", "submit", "Submit", "Check the answer", priority=True),
        _b(  # after an open answer the same key grades it by the rubric (enter says so too)
            "ctrl+s",
            "grade_self",
            "Grade",
            "Grade your answer by the points ticked",
            priority=True,
            show=False,
        ),
        _b("n", "next", "Next", "Next question"),
        _b("s", "skip", "Skip", "Skip: recorded as skipped, not wrong"),
        _b("h", "hint", "Hint", "Show the next hint"),
        _b("r", "redraw", "Redraw", "Same question again (fresh numbers if it has any)"),
        _b("d", "derivation", "Derivation", "The engine's working, step by step"),
        _b("i", "focus_answer", "Answer box", "Back into the answer box", show=False),
        UNDO,
    ]

    phase: reactive[Phase] = reactive[Phase]("loading")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session: PracticeSession | None = None
        self.instance: Instance | None = None
        self.preview: Preview | None = None
        """On screen instead of `instance` until the engine's draw confirms it (first question)."""
        self._handed_in: str | None = None  # an answer handed in while only the preview was up
        self._framed = threading.Event()  # the question last put on screen is painted
        self.verdict: Verdict | None = None
        self.hints: list[str] = []
        self.last_text = ""
        self._first_asked = False
        self._warmed = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="progress", classes="title-bar")
        with VerticalScroll(id="qbody"):
            yield PromptView(id="prompt-view")
            yield Vertical(id="answer-box")
            yield AnswerStatus("", id="parse-status")
            yield Static("", id="hints")
            yield Vertical(id="feedback")
            yield DerivationPanel(id="derivation")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#progress", Static).update("Loading the first question…")
        if self.qkv_app.ready:
            self._ask_first()

    def data_changed(self) -> None:
        """Packs and store are in: `qkv-drill practice` opens this screen before they are."""
        self._ask_first()

    def _ask_first(self) -> None:
        if not self._first_asked:
            self._first_asked = True
            quick = self.PREVIEW_FIRST and not engine_imported()
            self.advance("first" if quick else "next")

    # -- session calls, all in a worker --------------------------------------------------------

    def make_session(self) -> PracticeSession:
        return self.qkv_app.make_session("practice")

    @work(thread=True, exclusive=True, exit_on_error=False, group="question")
    def advance(self, how: str) -> None:
        """first | next | skip | redraw: draw the next instance off the UI thread. `first` may
        show a preview (`packs.preview`), then draws the instance it stands for."""
        try:
            if self.session is None:
                self.session = self.make_session()
            session = self.session
            shown: Instance | Preview | None
            if how == "redraw" and session.current is not None:
                shown = session.redraw()
            elif how == "skip":
                shown = session.skip()
            elif how == "first":
                shown = session.next_quick()
            else:
                shown = session.next()
            self.refresh_in_worker()
        except Exception as exc:  # shown, never fatal
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(
            self._show_instance,  # type: ignore[arg-type]  # textual: T | Awaitable[T] fails async
            shown,
        )
        if isinstance(shown, Preview):
            self._draw_previewed(session, shown)

    def check(self, text: str) -> None:
        """Check a typed answer off the UI thread."""
        session = self.session
        if session is not None:
            self._judge(lambda: session.submit(text))

    def grade(self, covered: list[int]) -> None:
        """Record a self-graded open answer off the UI thread."""
        session = self.session
        if session is not None:
            self._judge(lambda: session.self_grade(covered))

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def _judge(self, verdict_of: Callable[[], Verdict]) -> None:
        self._then_show(verdict_of, self._show_verdict)

    def _then_show(
        self, compute: Callable[[], R], show: Callable[[R], Awaitable[None] | None]
    ) -> None:
        """In a worker: `compute`, then `show` its result on the UI thread (an error instead)."""
        try:
            result = compute()
            self.refresh_in_worker()
        except Exception as exc:
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(show, result)  # type: ignore[arg-type]  # textual: T | Awaitable[T] fails async

    def refresh_in_worker(self) -> None:
        """Hook: store reads the next repaint needs, done in the worker thread."""

    def _error(self, exc: Exception) -> None:
        notify_failure(self, exc)
        if self._preview_failed():
            return
        if self.phase == "checking":
            self.phase = "asking"
            self.action_focus_answer()

    # -- showing a question --------------------------------------------------------------------

    async def _show_instance(self, instance: Instance | Preview | None) -> None:
        if not self.is_attached:  # left the screen while the worker ran
            return
        # One layout and one repaint for the whole question, not one per widget put in place.
        with self.app.batch_update():
            asking = await self._put_instance(instance)
        if asking:
            self.call_after_refresh(self._frame)

    async def _put_instance(self, instance: Instance | Preview | None) -> bool:
        """Put `instance` on the screen, its answer box focused; True when it is asked here."""
        if isinstance(instance, Preview):
            self.instance, self.preview = None, instance
        else:
            self.instance, self.preview = instance, None
        self._handed_in = None
        self._framed.clear()
        self.verdict = None
        self.hints = self._hints_read(instance)
        self._show_hints()
        for selector in ("#answer-box", "#feedback"):
            await self.query_one(selector).remove_children()
        await self.query_one(DerivationPanel).close()
        if instance is None:
            await self._show_empty()
            return False
        if isinstance(instance, Preview):
            pass  # (a preview is never a code question)
        elif instance.question.type == "code":  # written in its own screen, with an editor
            self._open_code(instance)
            return False
        await self.query_one(PromptView).show(instance.prompt, instance.params)
        await self.query_one("#answer-box").mount(answer_widget(instance))
        self.phase = "asking"
        self._status("")
        self._update_progress()
        if self._warmed and self.instance is not None:  # (the first waits until it is up)
            self.query_one(DerivationPanel).warm_for(self.instance)
        self.query_one("#qbody").scroll_home(animate=False)
        self.action_focus_answer(scroll=False)
        return True

    def _frame(self) -> None:
        """Scroll just enough that the answer box and the question sentence both show, and
        keep doing so while the question's heights settle."""
        settle_frame(self, self._reframe)
        self.call_after_refresh(self._framed.set)
        if not self._warmed:
            self._warmed = True
            self.call_after_refresh(self._warm)

    def _reframe(self) -> Framed | None:
        if not self.is_attached:
            return None
        body = self.query_one("#qbody", VerticalScroll)
        return self.query_one(PromptView).frame(body, self.query_one("#answer-box"))

    def _open_code(self, instance: Instance) -> None:
        from qkv_drill.tui.screens.code import CodeScreen

        if self.session is None:
            return
        self.phase = "asking"
        self._update_progress()
        self.app.push_screen(CodeScreen(self.session, instance), self._code_closed)

    def _code_closed(self, result: str | None) -> None:
        """The code screen says what comes next: the next question, a skip, or Home."""
        if result == "back":
            self.app.pop_screen()
            return
        self.phase = "loading"
        self.advance("skip" if result == "skip" else "next")

    async def _show_empty(self) -> None:
        self.phase = "empty"
        await self.query_one(PromptView).show(self.empty_message())
        self._update_progress()

    def empty_message(self) -> str:
        return (
            "## No questions match\n\nNo question fits the current filter. "
            "Press **escape** and change the topics, packs or difficulties on Home."
        )

    def _update_progress(self) -> None:
        self.query_one("#progress", Static).update(self.progress_text())

    def progress_text(self) -> Text:
        """Mode, what was recorded so far (re-draws count nothing, skips are their own tally)."""
        s = self.session
        tally = s.tally if s is not None else {}
        right, answered = tally.get("correct", 0), tally.get("correct", 0) + tally.get("wrong", 0)
        parts: list[TextPart] = [(self.MODE.capitalize(), "bold"), f"  {right}/{answered} correct"]
        if tally.get("skipped"):
            parts.append(f" · {tally['skipped']} skipped")
        if self.shown is not None:
            q = self.shown.question
            parts += ["  ·  ", (q.topic, "bold"), f"  ·  {q.difficulty}"]
        return Text.assemble(*parts, *self.progress_extra())

    def progress_extra(self) -> list[TextPart]:
        return []

    # -- answering -----------------------------------------------------------------------------

    @on(Input.Changed, "#answer-input")
    @on(TextArea.Changed, "#answer-matrix")
    def _live_parse(self) -> None:
        shown = self.shown
        if shown is None or self.phase != "asking":
            return
        text = typed_text(self._answer()) or ""
        ok, message = live_parse(shown.question.type, text)
        status = self.query_one(AnswerStatus)
        status.say(message or self.idle_help(), error=not ok, ok=ok and bool(message))
        keep_status_in_view(self._answer(), self.query_one("#qbody", VerticalScroll), status)

    @on(Input.Submitted, "#answer-input")
    @on(MatrixInput.Submitted, "#answer-matrix")
    def _typed_submitted(self, event: Input.Submitted | MatrixInput.Submitted) -> None:
        event.stop()
        self.submit_text(event.value)

    @on(ChoiceField.Submitted, "#answer-choice")
    def _choice_submitted(self, event: ChoiceField.Submitted) -> None:
        event.stop()
        self.submit_text(option_letters(event.picked))

    @on(ChoiceField.Submitted, "#rubric")
    def _rubric_submitted(self, event: ChoiceField.Submitted) -> None:
        event.stop()
        if self.phase == "self_grade":
            self.phase = "checking"
            self.grade(list(event.picked))

    def submit_text(self, text: str) -> None:
        shown = self.shown
        if self.phase != "asking" or shown is None:
            return
        if not text.strip():
            how = "pick an option" if shown.question.type in ("choice", "multi") else ""
            self._status(
                f"Nothing handed in: {how or 'type an answer'} first (esc, then s skips).",
                error=True,
            )
            return
        self.last_text = text
        self.phase = "checking"
        self._status("Checking…")
        self.query_one("#qbody").focus()  # keys pressed while checking belong to the screen
        if not self._hand_in_early(text):
            self.check(text)

    def _status(self, message: str, *, error: bool = False) -> None:
        self.query_one(AnswerStatus).say(message or self.idle_help(), error=error)

    def idle_help(self) -> str:
        """What the status line says while nothing is typed: how to submit and free the keys."""
        shown = self.shown
        if self.phase != "asking" or shown is None:
            return ""
        return practice_keys(shown.question.type, len(shown.options))

    def action_grade_self(self) -> None:
        if self.phase == "self_grade":
            rubric = self.query_one("#rubric", ChoiceField)
            self.phase = "checking"
            self.grade(list(rubric.picked_sorted))

    def action_submit(self) -> None:
        if self.phase == "self_grade":
            self.action_grade_self()
            return
        text = typed_text(self._answer())
        if text is not None:
            self.submit_text(text)

    def _answer(self) -> Widget | None:
        return answer_in(self.query_one("#answer-box"))

    def watch_phase(self) -> None:
        self.refresh_bindings()


class PracticeScreen(QuestionScreen):
    """Practice: every question of the filter, shuffled, with instant feedback."""

    MODE = "practice"
    PREVIEW_FIRST = True
