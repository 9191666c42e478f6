"""The timed mock interview: a set-up form, the running interview and the end-early confirmation.

The screens hold no interview state of their own: `MockSession` owns the questions, answers, flags
and the deadline, and writes each answer to the store the moment it is given, so a crash or a
closed terminal never loses work. The countdown is `session.remaining()` (deadline minus the
injected monotonic clock); the interval timer only repaints it and checkpoints with `tick()`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    Digits,
    Footer,
    Input,
    Label,
    Markdown,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from qkv_drill.tui.widgets.answer import PLACEHOLDERS, AnswerInput, live_parse
from qkv_drill.tui.widgets.ticks import TickBox, TickList

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance
    from qkv_drill.session.clock import Clock
    from qkv_drill.session.filters import Filter
    from qkv_drill.session.mock import MockSession, MockSettings

CSS_FILE = Path(__file__).resolve().parent.parent / "mock.tcss"

WARN_SECONDS = 5 * 60  # the countdown turns amber and says so
DANGER_SECONDS = 60  # the countdown turns red and says so
TICK_SECONDS = 0.25  # repaint often enough that mm:ss never skips a second
PENS_DOWN_SECONDS = 1.0  # in the last second a readable draft is kept, as if handed in

OPEN_KINDS = frozenset({"text", "code"})  # answered in a multi-line text area, ctrl+s saves


def format_mmss(seconds: float) -> str:
    """Whole seconds rounded up, so the display only reads 00:00 when time is really up."""
    total = max(0, math.ceil(seconds - 1e-9))
    return f"{total // 60:02d}:{total % 60:02d}"


class ScreenCommands(Provider):
    """Command palette entries for a screen's `COMMAND_LIST`: ("group: verb", help, action)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return list(getattr(self.screen, "COMMAND_LIST", ()))

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)

    def _runner(self, action: str):
        screen = self.screen

        async def run() -> None:
            await screen.run_action(action)

        return run


# --------------------------------------------------------------------------------------------
# Set-up


class MockSetupScreen(Screen):
    """Choose the length, the size and the mix of the interview, then start it."""

    CSS_PATH: ClassVar = [CSS_FILE]
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "start",
            "Start",
            tooltip="Start the interview with these settings",
            id="mock.setup.start",
        ),
        Binding(
            "escape",
            "cancel",
            "Back",
            tooltip="Leave without starting an interview",
            id="mock.setup.back",
        ),
    ]
    COMMAND_LIST: ClassVar = [
        ("Mock: start interview", "Start the timed interview with these settings", "start"),
        ("Mock: back", "Leave the set-up without starting", "cancel"),
    ]

    def __init__(
        self,
        packset: Any,
        store: Any,
        filter: Filter | None = None,
        clock: Clock | None = None,
        *,
        settings: MockSettings | None = None,
    ) -> None:
        super().__init__()
        self.packset = packset
        self.store = store
        self.initial_filter = filter
        self.clock = clock
        self.initial = settings
        """Prefills the form (e.g. from `qkv-drill mock --minutes 5 --seed 3`)."""

    def compose(self) -> ComposeResult:
        questions = list(self.packset.questions.values())
        topics = sorted({q.topic for q in questions})
        chosen_topics = set(self.initial_filter.topics) if self.initial_filter else set()
        chosen_diff = set(self.initial_filter.difficulties) if self.initial_filter else set()
        init = self.initial
        if init is not None:
            chosen_topics |= set(init.topics)
            chosen_diff |= set(init.difficulties)
        minutes = f"{init.minutes:g}" if init else "20"
        count = str(init.questions) if init else "10"
        seed = "" if init is None or init.seed is None else str(init.seed)
        self.packs = tuple(
            sorted(
                set(self.initial_filter.packs if self.initial_filter else ())
                | set(getattr(init, "packs", ()) or ())
            )
        )
        with Vertical(id="setup"):
            yield Static("[b]Mock interview[/b]: a timed dress rehearsal", id="setup-title")
            with Horizontal(id="setup-numbers"):
                yield Label("Minutes", classes="setup-label")
                yield Input(minutes, id="setup-minutes", type="number", classes="setup-short")
                yield Label("Questions", classes="setup-label")
                yield Input(count, id="setup-count", type="integer", classes="setup-short")
                yield Label("Seed", classes="setup-label")
                yield Input(
                    seed,
                    id="setup-seed",
                    type="integer",
                    placeholder="random",
                    classes="setup-seed",
                )
            with Horizontal(id="setup-lists"):
                topic_list: SelectionList[str] = TickList(
                    *(Selection(t, t, t in chosen_topics) for t in topics), id="setup-topics"
                )
                topic_list.border_title = "Topics (none ticked: all)"
                yield topic_list
                diff_list: SelectionList[str] = TickList(
                    *(Selection(d, d, d in chosen_diff) for d in ("easy", "medium", "hard")),
                    id="setup-difficulties",
                )
                diff_list.border_title = "Difficulty (none: all)"
                yield diff_list
            with Horizontal(id="setup-actions"):
                yield TickBox(
                    "Allow pauses",
                    bool(init and init.allow_pause),
                    id="setup-pause",
                    tooltip="Off in a real interview; when on, ctrl+o stops the clock",
                )
                yield Static("", id="setup-pool")
                yield Button("Start", id="setup-start", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self._update_pool()

    @on(SelectionList.SelectedChanged)
    @on(Input.Changed)
    def _update_pool(self) -> None:
        """Say how many questions the current choice leaves, so an empty mix is caught early."""
        topics, difficulties = self._chosen()
        pool = [
            q
            for q in self.packset.questions.values()
            if (not topics or q.topic in topics)
            and (not difficulties or q.difficulty in difficulties)
            and (not self.packs or q.pack_id in self.packs)
        ]
        label = self.query_one("#setup-pool", Static)
        label.update(f"{len(pool)} questions match.")
        label.set_class(not pool, "-empty")

    def _chosen(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        topics = tuple(sorted(self.query_one("#setup-topics", SelectionList).selected))
        diffs = tuple(sorted(self.query_one("#setup-difficulties", SelectionList).selected))
        return topics, diffs

    def settings(self):
        """The form as `MockSettings`; raises ValueError with a message the user can act on."""
        from qkv_drill.session.mock import MockSettings

        def number(selector: str, name: str, cast, low: float, high: float):
            raw = self.query_one(selector, Input).value.strip()
            try:
                value = cast(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number") from None
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g}")
            return value

        minutes = number("#setup-minutes", "Minutes", float, 1, 180)
        count = number("#setup-count", "Questions", int, 1, 30)
        seed_text = self.query_one("#setup-seed", Input).value.strip()
        seed = int(seed_text) if seed_text else None
        topics, difficulties = self._chosen()
        return MockSettings(
            minutes=minutes,
            questions=count,
            topics=topics,
            difficulties=difficulties,
            seed=seed,
            packs=self.packs,
            allow_pause=self.query_one("#setup-pause", Checkbox).value,
        )

    @on(Button.Pressed, "#setup-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        from qkv_drill.session.clock import SYSTEM_CLOCK
        from qkv_drill.session.mock import MockSession

        try:
            settings = self.settings()
            session = MockSession.create(
                self.packset, self.store, settings, self.clock or SYSTEM_CLOCK
            )
        except ValueError as exc:
            self.notify(str(exc), title="Cannot start", severity="error")
            return
        self.app.switch_screen(MockScreen(session))

    def action_cancel(self) -> None:
        self.dismiss()


# --------------------------------------------------------------------------------------------
# The running interview


class NavCell(Static):
    """One question in the navigator; clicking it jumps there."""

    def __init__(self, index: int) -> None:
        super().__init__(str(index + 1), id=f"nav-{index}", classes="nav-cell")
        self.index = index

    def on_click(self) -> None:
        screen = self.screen
        if isinstance(screen, MockScreen):
            screen.go_to(self.index)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question that must be answered before anything irreversible happens."""

    CSS_PATH: ClassVar = [CSS_FILE]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", tooltip="Confirm", id="mock.confirm.yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Go back", id="mock.confirm.no"),
    ]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, id="confirm-yes", variant="error")
                yield Button(self.no, id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class MockScreen(Screen):
    """The interview itself: countdown, navigator, one question at a time, no feedback."""

    CSS_PATH: ClassVar = [CSS_FILE]
    COMMANDS: ClassVar = {ScreenCommands}
    AUTO_FOCUS = "#answer-input, #answer-text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n",
            "next",
            "Next",
            tooltip="Next question (the typed answer is saved first)",
            id="mock.next",
        ),
        Binding(
            "ctrl+b",
            "prev",
            "Prev",
            tooltip="Previous question (the typed answer is saved first)",
            id="mock.prev",
        ),
        Binding(
            "]",
            "next",
            "Next",
            show=False,
            tooltip="Next question (outside the answer box)",
            id="mock.next-bracket",
        ),
        Binding(
            "[",
            "prev",
            "Prev",
            show=False,
            tooltip="Previous question (outside the answer box)",
            id="mock.prev-bracket",
        ),
        Binding(
            "ctrl+f",
            "flag",
            "Flag",
            tooltip="Flag this question to come back to it",
            id="mock.flag",
        ),
        Binding(
            "f",
            "flag",
            "Flag",
            show=False,
            tooltip="Flag this question (outside the answer box)",
            id="mock.flag-f",
        ),
        Binding(
            "enter",
            "type_answer",
            "Answer",
            show=False,
            tooltip="Back into the answer box",
            id="mock.type-answer",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save the typed answer and stay on this question",
            id="mock.save",
        ),
        Binding(
            "ctrl+e",
            "end",
            "Review",
            tooltip="Review every question (unanswered, flagged), jump to one or hand in",
            priority=True,
            id="mock.end",
        ),
        Binding(
            "ctrl+o",
            "pause",
            "Pause",
            tooltip="Stop the clock and hide the question (when set up with pauses)",
            priority=True,
            id="mock.pause",
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
        self._warned: set[int] = set()
        self._shown_index: int | None = None

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        n = len(self.session.instances)
        with Horizontal(id="mock-top"):
            with Vertical(id="mock-top-left"):
                yield Static("", id="mock-meta")
                with Horizontal(id="navigator"):
                    for i in range(n):
                        yield NavCell(i)
                yield Static("✓ answered  ! flagged  [reverse] n [/] current", id="nav-legend")
            yield Digits(format_mmss(self.session.remaining()), id="countdown")
        with VerticalScroll(id="question-scroll"):
            yield Markdown("", id="question-prompt")
            yield Static("", id="question-options")
        with Vertical(id="answer-box"):
            yield AnswerInput(id="answer-input", placeholder="your answer, then enter")
            yield TextArea(id="answer-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="answer-status")
        yield Footer()

    def on_mount(self) -> None:
        # Thresholds the interview (or the resumed part of it) began under are not announced.
        self._warned = {t for t in (WARN_SECONDS, DANGER_SECONDS) if self.session.remaining() <= t}
        self._show_question()
        self._repaint_clock()
        self.set_interval(TICK_SECONDS, self._on_tick, name="mock-countdown")

    # --- the clock ----------------------------------------------------------------------

    def _on_tick(self) -> None:
        """Repaint and checkpoint; the session decides when time is up."""
        if self._finishing:
            return
        self._update_meta()
        if 0 < self.session.remaining() <= PENS_DOWN_SECONDS:
            self._keep_draft()
        time_up = self.session.tick()
        self._repaint_clock()
        if time_up:
            self._finish(reason="Time is up")

    def _repaint_clock(self) -> None:
        remaining = self.session.remaining()
        digits = self.query_one("#countdown", Digits)
        digits.update(format_mmss(remaining))
        digits.set_class(DANGER_SECONDS < remaining <= WARN_SECONDS, "-warn")
        digits.set_class(remaining <= DANGER_SECONDS, "-danger")
        for threshold, text in (
            (WARN_SECONDS, "5 minutes left"),
            (DANGER_SECONDS, "1 minute left"),
        ):
            if remaining <= threshold and threshold not in self._warned:
                self._warned.add(threshold)
                if remaining > 0:
                    self.notify(text, title="Time", severity="warning", timeout=4)

    # --- showing a question -------------------------------------------------------------

    @property
    def instance(self) -> Instance:
        return self.session.instances[self.session.index]

    def _show_question(self) -> None:
        s = self.session
        inst = self.instance
        q = inst.question
        self._update_meta()
        self.query_one("#question-prompt", Markdown).update(inst.prompt)
        options = self.query_one("#question-options", Static)
        if inst.options:
            hint = "one letter" if q.type == "choice" else "letters, e.g. a c"
            options.update(_options_table(inst.options, f"Answer with {hint}."))
            options.display = True
        else:
            options.update("")
            options.display = False
        saved = s.answers[s.index]
        is_open = q.type in OPEN_KINDS
        field = self.query_one("#answer-input", Input)
        area = self.query_one("#answer-text", TextArea)
        # Typing carries on in the next answer box; after escape, single keys keep navigating.
        refocus = self._shown_index is None or isinstance(self.focused, Input | TextArea)
        field.display = not is_open
        area.display = is_open
        if is_open:
            starter = q.code.starter if q.code is not None else ""
            area.text = saved or starter  # a code exercise starts from its starter
        else:
            field.value = saved or ""
            field.placeholder = _placeholder(q.type)
        if refocus:
            (area if is_open else field).focus()
        self._set_status(
            f"Saved: {_one_line(saved)}" if saved is not None else _how_to_answer(q.type)
        )
        self.query_one("#question-scroll", VerticalScroll).scroll_home(animate=False)
        self._shown_index = s.index
        self._refresh_navigator()

    def _refresh_navigator(self) -> None:
        s = self.session
        for cell in self.query(NavCell):
            i = cell.index
            answered = s.answers[i] is not None
            flagged = i in s.flagged
            cell.update(f"{i + 1}{'✓' if answered else ''}{'!' if flagged else ''}")
            cell.set_class(answered, "-answered")
            cell.set_class(flagged, "-flagged")
            cell.set_class(i == s.index, "-current")

    def _set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#answer-status", Static)
        status.update(_escape(text))
        status.set_class(error, "-error")

    # --- answering ----------------------------------------------------------------------

    def _typed(self) -> str:
        if self.instance.question.type in OPEN_KINDS:
            return self.query_one("#answer-text", TextArea).text
        return self.query_one("#answer-input", Input).value

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
        self._set_status(f"Saved: {_one_line(text)}")
        notify = getattr(self.app, "notify_store_warnings", None)
        if notify is not None:  # a write that could not reach the disk is told at once
            notify()
        self._refresh_navigator()
        return True

    @on(Input.Changed, "#answer-input")
    @on(TextArea.Changed, "#answer-text")
    def _typing(self) -> None:
        """Say whether the draft reads as an answer (never whether it is right)."""
        if self._finishing or self._shown_index != self.session.index:
            return
        text = self._typed()
        saved = self.session.answers[self.session.index]
        if saved is not None and text == saved:
            self._set_status(f"Saved: {_one_line(saved)}")
            return
        if not text.strip():
            self._set_status(_how_to_answer(self.instance.question.type))
            return
        inst = self.instance
        ok, message = live_parse(inst.question.type, text, len(inst.options) or None)
        if ok and inst.options:
            message = ""  # the letters typed say it best; a 0-based index would confuse
        key = "ctrl+s" if inst.question.type in OPEN_KINDS else "enter"
        if ok:
            self._set_status(f"Not saved yet ({key} saves)" + (f": {message}" if message else ""))
        else:
            self._set_status(message, error=True)

    def _keep_draft(self) -> None:
        """Save a readable answer that was typed but not yet entered (pens down, end early)."""
        text = self._typed()
        if not text.strip() or text == self.session.answers[self.session.index]:
            return
        if self.session.answer(text) is None:  # None: kept; otherwise unreadable or too late
            self._refresh_navigator()

    @on(Input.Submitted, "#answer-input")
    def _submitted(self) -> None:
        if self.save_typed() and self.session.answers[self.session.index] is not None:
            self._move(+1)

    def action_type_answer(self) -> None:
        is_open = self.instance.question.type in OPEN_KINDS
        self.query_one("#answer-text" if is_open else "#answer-input").focus()

    def action_save(self) -> None:
        self.save_typed()

    def action_next(self) -> None:
        if self.save_typed():
            self._move(+1)

    def action_prev(self) -> None:
        if self.save_typed():
            self._move(-1)

    def go_to(self, index: int) -> None:
        if self.save_typed():
            self.session.goto(index)
            self._show_question()

    def _move(self, step: int) -> None:
        s = self.session
        target = s.index + step
        if not 0 <= target < len(s.instances):
            if step > 0 and target == len(s.instances):
                self.notify("That was the last question. ctrl+e reviews and hands in.", timeout=3)
            return
        if step > 0:
            s.next()
        else:
            s.prev()
        self._show_question()

    def action_flag(self) -> None:
        self.session.toggle_flag()
        self._refresh_navigator()

    def _update_meta(self) -> None:
        s = self.session
        q = self.instance.question
        budget = format_mmss(getattr(q, "time_budget", 90) or 90)
        spent = format_mmss(s.elapsed_on_current())
        self.query_one("#mock-meta", Static).update(
            f"[b]Question {s.index + 1} of {len(s.instances)}[/b] · {_escape(q.topic)} · "
            f"{q.difficulty} · {spent} of {budget}"
        )

    # --- ending -------------------------------------------------------------------------

    def action_end(self) -> None:
        """Review before hand-in: every question's state; jump to one, or hand in from there."""
        if self._finishing:
            return
        from qkv_drill.tui.screens.mock_review import HAND_IN, MockReviewScreen

        self._keep_draft()

        def decided(choice: int | str | None) -> None:
            if choice == HAND_IN:
                self._finish(reason="Handed in")
            elif isinstance(choice, int):
                self.go_to(choice)

        self.app.push_screen(MockReviewScreen(self.session), decided)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pause":
            return self.session.allow_pause and not self._finishing
        return True

    def action_pause(self) -> None:
        """Stop the clock and cover the question until the user comes back."""
        s = self.session
        if not s.allow_pause or self._finishing or s.paused:
            return
        from qkv_drill.tui.screens.mock_review import PauseScreen

        self._keep_draft()
        s.pause()
        self._repaint_clock()

        def back(_: None) -> None:
            length = s.unpause()
            self._repaint_clock()
            self._update_meta()
            self.notify(f"Resumed after {format_mmss(length)}.", timeout=3)

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
        self.query_one("#answer-input", Input).disabled = True
        self.query_one("#answer-text", TextArea).disabled = True
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
            "Every answer is saved. Restart qkv-drill and choose Grade on the resume screen.",
            title="Grading failed",
            severity="error",
            timeout=30,
        )

    def _open_report(self, report: Any) -> None:
        from qkv_drill.tui.screens.report import ReportScreen

        self.app.switch_screen(ReportScreen(report, self.session.store))


# --------------------------------------------------------------------------------------------
# Small text helpers


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _options_table(options: list[str], hint: str) -> Any:
    """Lettered options with a hanging indent, so a long option wraps under its own text."""
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 1), pad_edge=True)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(ratio=1)
    for i, text in enumerate(options):
        table.add_row(Text(f" {chr(97 + i)})", style="bold"), Text(text))
    table.add_row("", "")
    table.add_row("", Text(hint, style="dim"))
    return table


def _one_line(text: str | None, width: int = 60) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _placeholder(kind: str) -> str:
    extra = {"choice": "a letter, e.g. b", "multi": "letters, e.g. a c"}
    return PLACEHOLDERS.get(kind) or extra.get(kind, "your answer")


def _how_to_answer(kind: str) -> str:
    if kind in OPEN_KINDS:
        return "Answer as you would out loud; ctrl+s saves, ctrl+n moves on."
    return "enter saves and moves on · ctrl+n/ctrl+b move · ctrl+f flags · ctrl+e review"
