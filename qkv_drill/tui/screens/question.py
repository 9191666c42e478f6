"""Practice and drill: one question at a time, checked in a worker, then taught.

After each answer the screen shows the verdict, the engine's answer, the misconception it
matched, the explanation, the attention heatmap when there is one, and (key d) the derivation.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from qkv_drill.tui.screens.card_keys import BURY, CARD_ACTIONS, SUSPEND, UNDO, CardKeys
from qkv_drill.tui.widgets.answer import (
    LETTERS,
    PLACEHOLDERS,
    AnswerInput,
    ChoiceList,
    MultiSelect,
    letters_for,
    live_parse,
)
from qkv_drill.tui.widgets.matrix import MatrixView, as_rows, compact_markdown_tables

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def _b(key: str, action: str, label: str, tip: str, *, show: bool = True, **kw: Any) -> Binding:
    return Binding(key, action, label, tooltip=tip, id=f"question.{action}", show=show, **kw)


class QuestionScreen(CardKeys, Screen):
    """Shared by practice and drill: the session decides what comes next."""

    CSS_PATH = "question.tcss"
    MODE = "practice"
    BINDINGS: ClassVar[list[BindingType]] = [
        _b("escape", "back", "Back", "Back to Home"),
        _b("ctrl+s", "submit", "Submit", "Check the answer", priority=True),
        _b("n", "next", "Next", "Next question"),
        _b("s", "skip", "Skip", "Skip: recorded as skipped, not wrong"),
        _b("h", "hint", "Hint", "Show the next hint"),
        _b("r", "redraw", "Redraw", "Same question, fresh numbers"),
        _b("d", "derivation", "Derivation", "The engine's working, step by step"),
        _b("i", "focus_answer", "Answer box", "Back into the answer box", show=False),
        UNDO,
    ]

    phase: reactive[str] = reactive("loading")
    """loading | asking | checking | self_grade | answered | empty"""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session: Any = None
        self.instance: Any = None
        self.verdict: Any = None
        self.shown = 0
        self.hints: list[str] = []
        self.parse_ok = True
        self.last_text = ""

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="progress", classes="title-bar")
        with VerticalScroll(id="qbody"):
            yield Markdown("", id="prompt")
            yield Horizontal(id="matrices")
            yield Vertical(id="answer-box")
            yield Static("", id="parse-status")
            yield Static("", id="hints")
            yield Vertical(id="feedback")
            yield Vertical(id="derivation")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#progress", Static).update("Loading the first question…")
        self.advance("next")

    # -- session calls, all in a worker --------------------------------------------------------

    def make_session(self) -> Any:
        return self.app.make_session("practice")  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, exit_on_error=False, group="question")
    def advance(self, how: str) -> None:
        """next | skip | redraw: draw the next instance off the UI thread."""
        try:
            if self.session is None:
                self.session = self.make_session()
                import qkv_drill.answers.parse  # noqa: F401 - warm the live parser
            if how == "redraw" and self.session.current is not None:
                instance = self.session.redraw()
            elif how == "skip":
                instance = self.session.skip()
            else:
                instance = self.session.next()
            self.refresh_in_worker()
        except Exception as exc:  # shown, never fatal
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(
            self._show_instance,  # type: ignore[arg-type]  # textual: T | Awaitable[T] fails async
            instance,
        )

    def check(self, text: str) -> None:
        """Check a typed answer off the UI thread."""
        self._judge(lambda: self.session.submit(text))

    def grade(self, covered: list[int]) -> None:
        """Record a self-graded open answer off the UI thread."""
        self._judge(lambda: self.session.self_grade(covered))

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def _judge(self, verdict_of: Any) -> None:
        try:
            verdict = verdict_of()
            self.refresh_in_worker()
        except Exception as exc:
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(
            self._show_verdict,  # type: ignore[arg-type]  # textual: T | Awaitable[T] fails async
            verdict,
        )

    def refresh_in_worker(self) -> None:
        """Hook: store reads the next repaint needs, done in the worker thread."""

    def _error(self, exc: Exception) -> None:
        self.notify(f"{type(exc).__name__}: {exc}", title="Something went wrong", severity="error")
        if self.phase == "checking":
            self.phase = "asking"

    # -- showing a question --------------------------------------------------------------------

    async def _show_instance(self, instance: Any) -> None:
        if not self.is_attached:  # left the screen while the worker ran
            return
        self.instance = instance
        self.verdict = None
        self.hints = []
        self.query_one("#hints", Static).update("")
        self._status("")
        for selector in ("#matrices", "#answer-box", "#feedback", "#derivation"):
            await self.query_one(selector).remove_children()
        if instance is None:
            self._show_empty()
            return
        self.shown += 1
        if instance.question.type == "code":  # written in its own screen, with an editor
            self._open_code(instance)
            return
        prompt, tables = compact_markdown_tables(instance.prompt)
        self.query_one("#prompt", Markdown).update(prompt)
        if not tables:  # matrices not written into the prompt get their own tables
            await self._mount_matrices(instance.params)
        await self.query_one("#answer-box").mount(self._answer_widget(instance))
        self.phase = "asking"
        self._status("")
        self._update_progress()
        self._maybe_warm_torch(instance)
        self.query_one("#qbody").scroll_home(animate=False)
        self.call_after_refresh(self.action_focus_answer)

    def _open_code(self, instance: Any) -> None:
        from qkv_drill.tui.screens.code import CodeScreen

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

    def _show_empty(self) -> None:
        self.phase = "empty"
        self.query_one("#prompt", Markdown).update(self.empty_message())
        self._update_progress()

    def empty_message(self) -> str:
        return (
            "## No questions match\n\nNo question fits the current filter. "
            "Press **escape** and change the topics, packs or difficulties on Home."
        )

    async def _mount_matrices(self, params: dict[str, Any]) -> None:
        views = []
        for name, value in params.items():
            if isinstance(value, (list, tuple)) and value and as_rows(value) is not None:
                views.append(MatrixView(name, value))
        if views:
            await self.query_one("#matrices").mount_all(views)

    def _answer_widget(self, instance: Any) -> Widget:
        kind = instance.question.type
        if kind == "choice":
            options = [
                Option(Text.assemble((f"{LETTERS[i]}) ", "bold"), text), id=str(i))
                for i, text in enumerate(instance.options)
            ]
            return ChoiceList(*options, id="answer-choice")
        if kind == "multi":
            items = [
                (Text.assemble((f"{LETTERS[i]}) ", "bold"), text), i)
                for i, text in enumerate(instance.options)
            ]
            widget = MultiSelect(*items, id="answer-multi")
            widget.border_title = "space or a-e ticks · enter submits"
            return widget
        if kind == "text":
            area = TextArea(id="answer-text", soft_wrap=True, show_line_numbers=False)
            area.border_title = "Say it as in an interview · ctrl+s submits"
            return area
        return AnswerInput(placeholder=PLACEHOLDERS.get(kind, "your answer"), id="answer-input")

    def _update_progress(self) -> None:
        self.query_one("#progress", Static).update(self.progress_text())

    def progress_text(self) -> Text:
        s = self.session
        tally = getattr(s, "tally", {}) if s is not None else {}
        correct = tally.get("correct", 0)
        answered = correct + tally.get("wrong", 0)
        parts: list[Any] = [(self.MODE.capitalize(), "bold"), f"  question {self.shown}"]
        parts.append(f"  ·  {correct}/{answered} correct")
        if self.instance is not None:
            q = self.instance.question
            parts += ["  ·  ", (q.topic, "bold"), f"  ·  {q.difficulty}"]
        return Text.assemble(*parts, *self.progress_extra())

    def progress_extra(self) -> list[Any]:
        return []

    def _maybe_warm_torch(self, instance: Any) -> None:
        """Questions whose answer torch can recompute load torch in the background while the
        user thinks, so the cross-check under the derivation is instant."""
        from qkv_drill.packs.crosscheck import has_torch_path

        if has_torch_path(instance):
            self._warm_torch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="torch")
    def _warm_torch(self) -> None:
        from qkv_drill.engine.backends import warm_torch

        warm_torch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="crosscheck")
    def _cross_check(self, instance: Any) -> None:
        """The same answer from the torch backend, shown under the derivation."""
        from qkv_drill.packs.crosscheck import cross_check

        result = cross_check(instance)
        if result is not None:
            self.app.call_from_thread(self._show_cross_check, instance, result)

    def _show_cross_check(self, instance: Any, result: Any) -> None:
        if instance is not self.instance:
            return  # moved on meanwhile
        found = self.query("#cross-check")
        if not found:
            return  # the derivation was closed meanwhile
        style = "green" if result.agrees else "bold red"
        mark = "✓ " if result.agrees else "✘ "
        found.first(Static).update(Text.assemble((mark, style), result.describe()))

    # -- answering -----------------------------------------------------------------------------

    @on(Input.Changed, "#answer-input")
    def _live_parse(self, event: Input.Changed) -> None:
        if self.instance is None:
            return
        ok, message = live_parse(self.instance.question.type, event.value)
        self.parse_ok = ok
        status = self.query_one("#parse-status", Static)
        status.set_class(not ok, "-error")
        status.set_class(ok and bool(message), "-ok")
        status.update(message or self.idle_help())

    @on(Input.Submitted, "#answer-input")
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit_text(event.value)

    @on(OptionList.OptionSelected, "#answer-choice")
    def _choice_selected(self, event: OptionList.OptionSelected) -> None:
        self.submit_text(LETTERS[int(event.option.id or 0)])

    @on(MultiSelect.Submitted, "#answer-multi")
    def _multi_submitted(self, event: MultiSelect.Submitted) -> None:
        self.submit_text(letters_for(event.widget.selected))

    @on(MultiSelect.Submitted, "#rubric")
    def _rubric_submitted(self, event: MultiSelect.Submitted) -> None:
        if self.phase != "self_grade":
            return
        self.phase = "checking"
        self.grade(sorted(event.widget.selected))

    def submit_text(self, text: str) -> None:
        if self.phase != "asking":
            return
        if not text.strip():
            self._status("Type an answer first (or press escape, then s to skip).", error=True)
            return
        self.last_text = text
        self.phase = "checking"
        self._status("Checking…")
        self.check(text)

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#parse-status", Static)
        status.set_class(error, "-error")
        status.set_class(False, "-ok")
        status.update(message or self.idle_help())

    def idle_help(self) -> str:
        """What the status line says while nothing is typed: how to submit and free the keys."""
        if self.phase != "asking" or self.instance is None:
            return ""
        kind = self.instance.question.type
        if kind == "text":
            return "ctrl+s submits · esc frees the keys: h hint, s skip, r new numbers"
        if kind in ("choice", "multi"):
            return "a-e picks · enter submits · h hint · s skip"
        return "enter submits · esc frees the keys: h hint, s skip, r new numbers"

    def action_submit(self) -> None:
        if self.phase == "self_grade":
            rubric = self.query_one("#rubric", MultiSelect)
            self.phase = "checking"
            self.grade(sorted(rubric.selected))
            return
        widget = self._answer()
        if isinstance(widget, Input):
            self.submit_text(widget.value)
        elif isinstance(widget, TextArea):
            self.submit_text(widget.text)
        elif isinstance(widget, MultiSelect):
            self.submit_text(letters_for(widget.selected))
        elif isinstance(widget, OptionList) and widget.highlighted is not None:
            self.submit_text(LETTERS[widget.highlighted])

    def _answer(self) -> Widget | None:
        box = self.query_one("#answer-box")
        return box.children[0] if box.children else None

    # -- showing the verdict ---------------------------------------------------------------------

    async def _show_verdict(self, verdict: Any) -> None:
        if not self.is_attached:
            return
        _notify_store_warnings(self.app)
        if verdict.status == "unparseable":
            self.phase = "asking"
            self._status(verdict.message, error=True)
            self.action_focus_answer()
            return
        self.verdict = verdict
        feedback = self.query_one("#feedback")
        await feedback.remove_children()
        if verdict.status == "self_grade":
            self.phase = "self_grade"
            self._status("")
            await feedback.mount_all(self._self_grade_widgets(verdict))
            self.call_after_refresh(lambda: self.query_one("#rubric").focus())
            return
        self.phase = "answered"
        self._status("")
        self._disable_answer()
        await feedback.mount_all(self._feedback_widgets(verdict))
        self._update_progress()
        self.query_one("#qbody").focus()  # arrows and page keys scroll the feedback
        self.call_after_refresh(self._scroll_to_feedback)

    def _scroll_to_feedback(self) -> None:
        self.query_one("#qbody").scroll_to_widget(self.query_one("#feedback"), top=True)

    def _disable_answer(self) -> None:
        widget = self._answer()
        if widget is not None:
            widget.disabled = True

    def _self_grade_widgets(self, verdict: Any) -> list[Widget]:
        q = self.instance.question
        hits = tuple(verdict.rubric_hits or ())
        items = [
            (point.point, i, bool(hits[i]) if i < len(hits) else False)
            for i, point in enumerate(q.rubric)
        ]
        rubric = MultiSelect(*items, id="rubric")
        rubric.border_title = "Tick what you covered (pre-ticked: keywords found) · enter"
        return [
            Static(Text("A model answer", style="bold"), classes="section"),
            Markdown(q.model_answer or "", id="model-answer"),
            rubric,
        ]

    def _feedback_widgets(self, verdict: Any) -> list[Widget]:
        q = self.instance.question
        ok = verdict.status == "correct"
        message = verdict.message or ""
        if verdict.expected_display and verdict.expected_display in message:
            message = ""  # the answer line below says it already
        m = verdict.misconception
        if m is not None and m.feedback and m.feedback.strip() in message:
            message = ""  # the misconception box below says it
        head = Text.assemble(
            ("✔ Correct" if ok else "✘ Not quite", "bold"), ("  " + message if message else "")
        )
        widgets: list[Widget] = [
            Static(head, id="verdict", classes="-correct" if ok else "-wrong"),
            Static(
                Text.assemble(("Answer: ", "bold"), verdict.expected_display or "—"),
                id="expected",
            ),
        ]
        if verdict.misconception is not None:
            m = verdict.misconception
            widgets.append(
                Static(
                    Text.assemble(("Misconception: ", "bold"), (m.title, "bold"), "\n", m.feedback),
                    id="misconception",
                )
            )
        widgets.append(Markdown(q.explanation or "", id="explanation"))
        if q.type == "text" and q.model_answer and self.phase == "answered":
            pass  # the model answer is already on screen from the self-grade step
        if getattr(self.instance, "heatmap", None) is not None:
            from qkv_drill.tui.widgets.heatmap import Heatmap

            widgets.append(Heatmap(self.instance.heatmap, id="heatmap"))
        widgets.extend(self.after_verdict_widgets())
        keys = "n next · r new numbers · escape home"
        if self.session is not None and self.session.derivation() is not None:
            keys = "d derivation · " + keys
        widgets.append(Static(Text(keys, style="dim"), id="next-keys"))
        return widgets

    def after_verdict_widgets(self) -> list[Widget]:
        return []

    # -- actions -------------------------------------------------------------------------------

    def watch_phase(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = self.phase
        if action in CARD_ACTIONS:
            return self.card_action_allowed(action)
        if action == "next":
            return phase in ("answered", "empty")
        if action in ("skip", "hint", "submit"):
            return phase in ("asking", "self_grade")
        if action == "derivation":
            s = self.session
            return phase == "answered" and s is not None and s.derivation() is not None
        if action == "redraw":
            return True if self.instance is not None and phase != "checking" else None
        return True

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, (Input, TextArea)):
            self.set_focus(None)
            return
        self.app.pop_screen()

    def action_next(self) -> None:
        if self.phase in ("answered", "empty"):
            self.phase = "loading"
            self.advance("next")

    def action_skip(self) -> None:
        if self.phase in ("asking", "self_grade"):
            self.phase = "loading"
            self.advance("skip")

    def action_redraw(self) -> None:
        if self.instance is not None and self.phase != "checking":
            self.phase = "loading"
            self.advance("redraw")

    def action_hint(self) -> None:
        if self.session is None or self.phase not in ("asking", "self_grade"):
            return
        hint = self.session.hint()
        if hint is None:
            self.notify("No more hints for this question.", timeout=3)
            return
        self.hints.append(hint)
        lines = [Text.assemble((f"Hint {i + 1}: ", "bold"), h) for i, h in enumerate(self.hints)]
        self.query_one("#hints", Static).update(Text("\n").join(lines))

    async def action_derivation(self) -> None:
        if self.phase != "answered":
            self.notify("The derivation opens once you have answered.", timeout=3)
            return
        box = self.query_one("#derivation")
        if box.children:
            await box.remove_children()
            return
        trace = self.session.derivation() if self.session is not None else None
        if trace is None:
            self.notify("No derivation for this question.", timeout=3)
            return
        from qkv_drill.tui.widgets.derivation import DerivationView

        given = frozenset(self.instance.params) if self.instance is not None else frozenset()
        await box.mount(DerivationView(trace, given, id="derivation-view"))
        from qkv_drill.packs.crosscheck import has_torch_path

        if self.instance is not None and has_torch_path(self.instance):
            await box.mount(Static("checking the answer on torch…", id="cross-check"))
            self._cross_check(self.instance)
        self.call_after_refresh(
            lambda: self.query_one("#qbody").scroll_to_widget(box, top=True, animate=False)
        )

    def action_focus_answer(self) -> None:
        widget = self._answer()
        if widget is not None and not widget.disabled:
            widget.focus()


class PracticeScreen(QuestionScreen):
    """Practice: every question of the filter, shuffled, with instant feedback."""

    MODE = "practice"


class DrillScreen(QuestionScreen):
    """Drill: due cards first, a suggested FSRS rating after each answer (1-4 to change it)."""

    MODE = "drill"
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
        self.card_due_at: Any = None
        self.next_due_at: Any = None

    def make_session(self) -> Any:
        return self.app.make_session("drill", weakest=self.weakest)  # type: ignore[attr-defined]

    def refresh_in_worker(self) -> None:
        s = self.session
        self.due = s.due_count()
        self.new = len(s.queue()) - self.due
        current = s.current
        self.card_due_at = s.card_due(current.question.id) if current is not None else None
        self.next_due_at = s.next_due() if current is None else None

    def progress_extra(self) -> list[Any]:
        extra: list[Any] = [("  ·  ", ""), (f"{self.due} due", "bold"), f" · {self.new} new"]
        if self.weakest:
            extra.append(("  ·  weakest: " + ", ".join(getattr(self.session, "topics", [])), ""))
        return extra

    def empty_message(self) -> str:
        when = self.next_due_at
        later = f" The next card is due {when:%Y-%m-%d %H:%M} UTC." if when else ""
        return (
            "## Nothing due\n\nYou are up to date." + later + "\n\n"
            "Press **w** to drill your weakest topics anyway, or **escape** for Home."
        )

    def after_verdict_widgets(self) -> list[Widget]:
        return [Static(self._rating_text(), id="rating")]

    def _rating_text(self) -> Text:
        s = self.session
        suggested = getattr(s, "suggested_rating", None)
        applied = getattr(s, "rating", None) or suggested
        parts: list[Any] = [("Scheduled as ", ""), (_name(applied), "bold")]
        if suggested is not None and applied is not None and int(applied) != int(suggested):
            parts.append(f" (suggested {_name(suggested)})")
        else:
            parts.append(" (suggested from your answer and time)")
        due = self.card_due_at
        if due is not None:
            parts.append(f"; next review {due:%Y-%m-%d %H:%M} UTC")
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

        try:
            self.session.rate(Rating(n))
            self.refresh_in_worker()
        except Exception as exc:
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(self._rated)

    def _rated(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#rating", Static).update(self._rating_text())
        self._update_progress()

    def action_toggle_weakest(self) -> None:
        if self.phase == "checking":
            return
        self.weakest = not self.weakest
        self.session = None
        self.shown = 0
        self.phase = "loading"
        self.notify("Weakest topics only." if self.weakest else "All due cards.", timeout=2)
        self.advance("next")


def _name(rating: Any) -> str:
    if rating is None:
        return "—"
    return RATING_NAMES.get(int(rating), str(rating))


def _notify_store_warnings(app: Any) -> None:
    """After a write: a storage failure found mid-session is told at once."""
    notify = getattr(app, "notify_store_warnings", None)
    if notify is not None:
        notify()
