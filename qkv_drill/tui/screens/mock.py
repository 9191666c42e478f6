"""The timed mock interview: countdown, navigator, one question at a time, no feedback.

The screen holds no interview state of its own: `MockSession` owns the questions, answers, drafts,
flags and the deadline, and issues each answer to the store's writer thread the moment it is given
(the UI thread never waits for the disk). The status line says "Saved" only once that write is on
disk, so an answer shown as saved survives a crash or a closed terminal. The countdown is
`session.remaining()` (deadline minus the injected monotonic clock); the interval timer only
repaints it and checkpoints with `tick()`.

Questions are laid out as in practice (one `PromptView`, one answer widget per question type,
choices in the shared `ChoiceField`), so a question reads the same in both modes.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from qkv_drill.exercises.warm import POOL, Claim, prestart_for
from qkv_drill.present.formats import mm_ss
from qkv_drill.session.browser import one_line
from qkv_drill.session.mock_redraw import KEPT_WORDS
from qkv_drill.tui.commands import ScreenCommands
from qkv_drill.tui.keys import scoped
from qkv_drill.tui.screens.mock_ending import MockEnding
from qkv_drill.tui.widgets.answer import (
    OPEN_KINDS,
    AnswerStatus,
    MatrixInput,
    answer_in,
    answer_widget,
    fill_answer,
    keep_status_in_view,
    live_parse,
    mock_keys,
    typed_text,
)
from qkv_drill.tui.widgets.choices import ChoiceField
from qkv_drill.tui.widgets.countdown import Countdown
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.navigator import Navigator
from qkv_drill.tui.widgets.packtext import literal
from qkv_drill.tui.widgets.prompt import Framed, PromptView, settle_frame

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.model import Question
    from qkv_drill.session.mock import MockSession

SHORT_BELOW = 24
"""Rows under which the header drops the navigator's legend and keeps one row of cells, so a
question and its answer box have the rows (at 60x20 a five-row header left the sentence of a long
choice list no room)."""
TICK_SECONDS = 0.25  # repaint often enough that mm:ss never skips a second
PENS_DOWN_SECONDS = 1.0  # in the last second a readable draft is kept, as if handed in
DRAFT_PAUSE_SECONDS = 1.0  # a draft is checkpointed once typing pauses this long


_b = partial(scoped, "mock")


class MockScreen(MockEnding, Screen):
    """The interview itself: countdown, navigator, one question at a time, no feedback."""

    CSS_PATH = "mock.tcss"
    COMMANDS: ClassVar = {ScreenCommands}
    AUTO_FOCUS = ""  # none: the answer widget is focused once it is mounted
    BINDINGS: ClassVar[list[BindingType]] = [
        _b("ctrl+n", "next", "Next", "Next question (the typed answer is saved first)", "next"),
        _b("ctrl+b", "prev", "Prev", "Previous question (the typed answer is saved first)", "prev"),
        _b(
            "]",
            "next",
            "Next",
            "Next question (outside the answer box)",
            "next-bracket",
            show=False,
        ),
        _b("[", "prev", "Prev", "Previous question (outside the box)", "prev-bracket", show=False),
        _b("ctrl+f", "flag", "Flag", "Flag this question to come back to it", "flag"),
        _b(
            "f", "flag", "Flag", "Flag this question (outside the answer box)", "flag-f", show=False
        ),
        _b("enter", "type_answer", "Answer", "Back into the answer box", "type-answer", show=False),
        _b("ctrl+s", "save", "Save", "Save the typed answer and stay on this question", "save"),
        _b(
            "ctrl+e",
            "end",
            "Review",
            "Review every question (unanswered, flagged), jump to one or hand in",
            "end",
            priority=True,
        ),
        _b(
            "ctrl+o",
            "pause",
            "Pause",
            "Stop the clock and hide the question (when set up with pauses)",
            "pause",
            priority=True,
        ),
    ]
    COMMAND_LIST: ClassVar = [
        ("Mock: next question", "Save the typed answer and go to the next question", "next"),
        ("Mock: previous question", "Save the typed answer and go back one question", "prev"),
        ("Mock: flag question", "Flag or unflag this question", "flag"),
        ("Mock: save answer", "Save the typed answer and stay here", "save"),
        ("Mock: review and hand in", "See every question, jump to one, or hand in", "end"),
    ]

    def __init__(self, session: MockSession) -> None:
        super().__init__()
        self.session = session
        self._finishing = False
        self._claim = Claim()  # warm children for this interview's exercise, killed on leaving
        self._shown_index: int | None = None
        self._typed_at: float | None = None
        """Monotonic time of the last edit not yet checkpointed as a draft."""
        self._saving: tuple[int, str] | None = None
        """The answer the status line says is being saved (question index, text)."""

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.set_class(self.app.size.height < SHORT_BELOW, "-short")
        with Horizontal(id="mock-top"):
            with Vertical(id="mock-top-left"):
                yield Static("", id="mock-meta")
                yield Navigator(len(self.session.instances), id="navigator")
                yield Static("✓ answered  ! flagged  [reverse] n [/] current", id="nav-legend")
            yield Countdown(self.session.remaining(), id="countdown")
        with VerticalScroll(id="question-scroll"):
            yield PromptView(id="question-prompt")
            yield Vertical(id="answer-box")
            yield AnswerStatus("", id="answer-status")
        # Compact and without the palette's hint (ctrl+p still opens it): every hint fits 80
        # columns, whichever answer box has focus.
        yield KeyFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        for line in self.session.draw_errors:  # questions left out, and why, as practice says
            self.notify(line, title="Question skipped", severity="warning", markup=False)
        await self._show_question()
        self.watch(self.query_one("#question-scroll"), "virtual_size", self._relaid, init=False)
        self._repaint_clock()
        self.set_interval(TICK_SECONDS, self._on_tick, name="mock-countdown")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_BELOW, "-short")
        self._relaid()

    # --- the clock ----------------------------------------------------------------------

    def _on_tick(self) -> None:
        """Repaint and checkpoint (time and the draft being typed); the session decides when
        time is up."""
        if self._finishing:
            return
        self._update_meta()
        if 0 < self.session.remaining() <= PENS_DOWN_SECONDS:
            self._keep_draft()
        self._checkpoint_draft()
        time_up = self.session.tick()
        self._repaint_clock()
        if time_up:
            self._finish(reason="Time is up")

    def _checkpoint_draft(self, *, now: bool = False) -> None:
        """What is typed but not entered goes to the store once typing pauses: a killed
        interview keeps it (restored into the box on resume), without making it an answer."""
        if self._typed_at is None or self._shown_index != self.session.index:
            return
        if now or self.session.clock.monotonic() - self._typed_at >= DRAFT_PAUSE_SECONDS:
            self._typed_at = None
            self.session.save_draft(self._typed())

    def _repaint_clock(self) -> None:
        for text in self.query_one(Countdown).show(self.session.remaining()):
            self.notify(text, title="Time", severity="warning", timeout=4)

    # --- showing a question -------------------------------------------------------------

    @property
    def instance(self) -> Instance:
        return self.session.instances[self.session.index]

    def _answer(self) -> Widget | None:
        return answer_in(self.query_one("#answer-box"))

    async def _show_question(self) -> None:
        s = self.session
        inst = self.instance
        q = inst.question
        self._update_meta()
        # Typing carries on in the next answer box; after escape (nothing focused), single keys
        # keep navigating. Not "is the box focused": moving again before the last box took its
        # focus finds the focus parked on the scrolling body, and the next box must still take
        # the keys, or what is typed next would act as single-key commands.
        refocus = self._shown_index is None or self.focused is not None
        self._shown_index = None  # no draft bookkeeping while the widgets change
        await self.query_one(PromptView).show(inst.prompt, inst.params)
        box = self.query_one("#answer-box")
        await box.remove_children()
        widget = answer_widget(inst, mock=True)
        saved = s.answers[s.index]
        draft = s.drafts.get(s.index)
        shown = draft if draft is not None and draft != saved else saved
        if shown is None and q.type == "code" and q.code is not None:
            shown = q.code.starter  # a code exercise starts from its starter
        self.set_class(q.type == "code", "-code")  # the editor takes the rows the prompt leaves
        await box.mount(widget)
        fill_answer(widget, q.type, shown, len(inst.options))
        if q.type == "code":
            self._prestart(q)
        self._typed_at = None
        self._saving = None
        self._shown_index = s.index
        if refocus and not self._finishing:
            widget.focus(scroll_visible=False)
        if s.index in s.kept:  # answered before its question changed: shown as it was asked
            widget.disabled = True
            self._set_status(KEPT_WORDS)
        elif draft is not None and draft != saved:
            self._set_status(f"Restored what you were typing (not saved yet): {_one_line(draft)}")
        else:
            self._set_status(
                f"Saved: {_one_line(saved)}"
                if saved is not None
                else mock_keys(q.type, len(inst.options))
            )
        self.query_one("#question-scroll", VerticalScroll).scroll_home(animate=False)
        self.call_after_refresh(self._frame)
        self._refresh_navigator()

    @work(thread=True, exit_on_error=False, group="mock-warm")
    def _prestart(self, question: Question) -> None:
        """A child with its imports done, to grade the exercise at hand-in."""
        prestart_for(question, self._claim)

    def on_unmount(self) -> None:
        POOL.release(self._claim)

    def _frame(self) -> None:
        """Scroll just enough that the answer widget and the question sentence both show, and
        keep doing so while the question's heights settle."""
        settle_frame(self, self._reframe)

    def _relaid(self) -> None:
        """The question's height changed after it was framed (a wrapped line, a late paragraph,
        a new matrix row): frame it again."""
        if self._shown_index is not None:
            self._frame()

    def _reframe(self) -> Framed | None:
        if not self.is_attached:
            return None
        body = self.query_one("#question-scroll", VerticalScroll)
        status = self.query_one("#answer-status")
        return self.query_one(PromptView).frame(body, status, self._answer())

    def _refresh_navigator(self) -> None:
        s = self.session
        self.query_one(Navigator).show(s.answers, s.flagged, s.index)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.query_one(AnswerStatus).say(text, error=error)

    # --- answering ----------------------------------------------------------------------

    def _typed(self) -> str:
        text = typed_text(self._answer()) or ""
        code = self.instance.question.code
        if code is not None and text.strip() == code.starter.strip():
            return ""  # the starter as it was shown: nothing written yet, so no answer
        return text

    def save_typed(self) -> bool:
        """Save what is typed if it differs from the saved answer; False if it cannot be read."""
        text = self._typed()
        saved = self.session.answers[self.session.index]
        if not text.strip() or text == saved:
            return True
        problem = self.session.answer(text)
        if problem is not None:
            self._set_status(f"Not saved: {problem}", error=True)
            return False
        self._typed_at = None
        self._saving = (self.session.index, text)
        self._set_status(f"Saving: {_one_line(text)}")
        self._say_when_saved(self.session.index, text)
        self._refresh_navigator()
        return True

    class Written(Message):
        """Every save issued up to an answer is applied (posted from a worker: never waits)."""

        def __init__(self, index: int, text: str, on_disk: bool) -> None:
            super().__init__()
            self.index, self.text, self.on_disk = index, text, on_disk

    @work(thread=True, exit_on_error=False, group="mock-saved")
    def _say_when_saved(self, index: int, text: str) -> None:
        """Wait, off the UI thread, until the answer is written: only then is it "Saved"."""
        self.session.settle()
        self.post_message(self.Written(index, text, self.session.store.saving))

    @on(Written)
    def _written(self, message: Written) -> None:
        if self._saving != (message.index, message.text) or self._finishing:
            return  # typed on or moved since: the status line says something newer
        self._saving = None
        said = "Saved" if message.on_disk else "Kept, not on disk yet"  # queued or in memory
        self._set_status(f"{said}: {_one_line(message.text)}")

    @on(Input.Changed, "#answer-input")
    @on(TextArea.Changed, "#answer-text, #answer-matrix")
    def _typing(self) -> None:
        """Say whether the draft reads as an answer (never whether it is right)."""
        if self._finishing or self._shown_index != self.session.index:
            return
        body = self.query_one("#question-scroll", VerticalScroll)
        keep_status_in_view(self._answer(), body, self.query_one("#answer-status"))
        saved = self.session.answers[self.session.index]
        if self.session.index in self.session.kept:  # shown as asked; its answer cannot change
            self._set_status(KEPT_WORDS)
            return
        self._typed_at = self.session.clock.monotonic()
        self._saving = None
        text = self._typed()
        if saved is not None and text == saved:
            self._set_status(f"Saved: {_one_line(saved)}")
            return
        if text == self.session.drafts.get(self.session.index):
            self._set_status(f"Restored what you were typing (not saved yet): {_one_line(text)}")
            return
        if not text.strip():
            self._set_status(mock_keys(self.instance.question.type, len(self.instance.options)))
            return
        kind = self.instance.question.type
        ok, message = live_parse(kind, text)
        key = "ctrl+s" if kind in OPEN_KINDS else "enter"
        if ok:
            self._set_status(f"Not saved yet ({key} saves)" + (f": {message}" if message else ""))
        else:
            self._set_status(message, error=True)

    @on(ChoiceField.Changed, "#answer-choice")
    def _picked(self, event: ChoiceField.Changed) -> None:
        """A pick is the answer: saved at once (an empty multi pick keeps the last one)."""
        event.stop()
        if event.picked and not self._finishing:
            self.save_typed()

    @on(ChoiceField.Submitted, "#answer-choice")
    async def _choice_submitted(self, event: ChoiceField.Submitted) -> None:
        event.stop()
        if self.save_typed():
            await self._move(+1)

    def _keep_draft(self) -> None:
        """Save an answer that was typed but not yet entered (review, pause, pens down). One
        that cannot be read stays a draft, which the review shows as typed and not saved and
        hand-in asks about: what was typed last is never dropped unsaid."""
        text = self._typed()
        if not text.strip() or text == self.session.answers[self.session.index]:
            return
        self._typed_at = None
        if self.session.answer(text) is None:
            self._refresh_navigator()
        else:
            self.session.save_draft(text)

    @on(Input.Submitted, "#answer-input")
    @on(MatrixInput.Submitted, "#answer-matrix")
    async def _submitted(self, event: Input.Submitted | MatrixInput.Submitted) -> None:
        event.stop()
        if self.save_typed() and self.session.answers[self.session.index] is not None:
            await self._move(+1)

    def action_type_answer(self) -> None:
        widget = self._answer()
        if widget is not None and not widget.disabled:
            widget.focus()

    def action_save(self) -> None:
        self.save_typed()

    async def action_next(self) -> None:
        if self.save_typed():
            await self._move(+1)

    async def action_prev(self) -> None:
        if self.save_typed():
            await self._move(-1)

    @on(Navigator.Jump)
    async def _jump(self, event: Navigator.Jump) -> None:
        await self.go_to(event.index)

    async def go_to(self, index: int) -> None:
        if self.save_typed():
            self._checkpoint_draft(now=True)
            self.session.goto(index)
            await self._show_question()

    async def _move(self, step: int) -> None:
        s = self.session
        target = s.index + step
        if not 0 <= target < len(s.instances):
            if step > 0 and target == len(s.instances):
                self.notify("That was the last question. ctrl+e reviews and hands in.", timeout=3)
            return
        self._checkpoint_draft(now=True)
        if step > 0:
            s.next()
        else:
            s.prev()
        await self._show_question()

    def action_flag(self) -> None:
        self.session.toggle_flag()
        self._refresh_navigator()

    def _update_meta(self) -> None:
        s = self.session
        q = self.instance.question
        budget = mm_ss(s.budget_s(s.index))
        spent = mm_ss(s.elapsed_on_current())
        self.query_one("#mock-meta", Static).update(
            literal(
                f"Question {s.index + 1} of {len(s.instances)} · {q.topic} · "
                f"{q.difficulty} · {spent} of budget {budget}"
            )
        )


# --------------------------------------------------------------------------------------------
# Small helpers


def _one_line(text: str | None, width: int = 60) -> str:
    """The answer echoed on the status line: whole when short; a long one (it is in the box
    above) by its length, never cut mid-answer."""
    flat = one_line(text or "")
    return flat if len(flat) <= width else f"your answer ({len(flat):,} characters)"
