"""The code screen: write an "implement it" exercise, run the checks, submit, read what went wrong.

ctrl+r runs the checks without recording (as often as you like), ctrl+s submits (recorded, once),
ctrl+o hands the code to $EDITOR (the app suspends and resumes). The editor starts with the last
code you submitted for this question, or the pack's starter. Running the user's code blocks for up
to its time limit, so it happens in a worker thread. While the user writes, a warm child (numpy,
and torch for torch exercises, already imported) waits for the next run; it is started in a
worker thread when the screen opens and after each check run, and killed when the screen goes.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Markdown, Static, TextArea

from qkv_drill.tui.keys import scoped
from qkv_drill.tui.screens.base import notify_failure
from qkv_drill.tui.widgets.answer import CodeEditor
from qkv_drill.tui.widgets.code_report import CodeReportView
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.packtext import PackMarkdown

if TYPE_CHECKING:
    from qkv_drill.exercises.checker import CodeReport
    from qkv_drill.exercises.warm import Claim
    from qkv_drill.packs.check import Verdict
    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.model import CodeSpec
    from qkv_drill.session.drill import DrillSession
    from qkv_drill.session.practice import PracticeSession

HISTORY = 5  # earlier attempts listed above the editor


_b = partial(scoped, "code")


def read_at_most(path: Path, limit: int) -> str | None:
    """The file's text, or None when it is longer than `limit` characters (read no further:
    a file that grew to gigabytes in the editor must not freeze the app)."""
    with path.open(encoding="utf-8") as f:
        text = f.read(limit + 1)
    return text if len(text) <= limit else None


def keep_aside(path: Path) -> Path:
    """Move an edited file that was not loaded out of its temporary folder, so it survives."""
    kept = Path(tempfile.mkdtemp(prefix="qkv-drill-kept-")) / path.name
    path.replace(kept)
    return kept


class CodeScreen(Screen[str]):
    """One exercise; dismissed with "next", "skip" or "back" for the question screen to act on."""

    CSS_PATH = "code.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _b("ctrl+r", "run", "Run checks", "Run the checks without recording", priority=True),
        _b("ctrl+s", "submit", "Submit", "Submit: checked and recorded", priority=True),
        _b("ctrl+o", "editor", "$EDITOR", "Edit the code in $EDITOR", priority=True),
        _b("escape", "leave_editor", "Leave editor", "Hand the keys back to the screen"),
        _b("escape", "back", "Back", "Back where this opened from: Home or the browser"),
        _b("n", "next", "Next", "Next question"),
        _b("s", "skip", "Skip", "Skip: recorded as skipped, not wrong"),
        _b("h", "hint", "Hint", "Show the next hint"),
        _b("i", "focus_editor", "Editor", "Back into the editor", show=False),
        *(_b(str(n), f"rate({n})", str(n), "Change the rating", show=False) for n in range(1, 5)),
    ]

    phase: reactive[str] = reactive("loading")
    """loading | editing | running | answered"""

    def __init__(self, session: PracticeSession, instance: Instance, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.instance = instance
        self.report: CodeReport | None = None
        self.hints: list[str] = []
        self._claim: Claim | None = None
        self._next_review = ""  # in a drill, once rated: "next review in 3 days"

    @property
    def spec(self) -> CodeSpec:
        spec = self.instance.question.code
        assert spec is not None  # only code questions open this screen
        return spec

    def compose(self) -> ComposeResult:
        q = self.instance.question
        yield Static(Text(f"{q.id}  ·  implement it in {self.spec.language}"), id="code-progress")
        # Three stacked parts, each always in view: the prompt (scrolls within its share when
        # long), the editor (takes every row the others leave) with its status line, and what
        # the checks said (hidden until there is a report, a hint or an explanation).
        with VerticalScroll(id="code-head"):
            yield PackMarkdown(self.instance.prompt, id="code-prompt")
            yield Static("", id="code-history")
        language = "python" if "python" in TextArea().available_languages else None
        editor = CodeEditor.code_editor(
            self.spec.starter, language=language, id="code-editor", read_only=True
        )
        editor.border_title = "^r run checks · ^s submit · ^o $EDITOR · esc keys"  # fits 60
        yield editor
        yield Static("", id="code-status")
        with VerticalScroll(id="code-body"):
            yield CodeReportView("", id="code-report")
            yield Static("", id="code-hints")
            yield PackMarkdown("", id="code-explanation")
        yield KeyFooter()

    def on_mount(self) -> None:
        from qkv_drill.exercises.warm import Claim

        self._claim = Claim()
        self._status("Reading your earlier attempts…")
        self._load_attempts()
        self._prestart()

    def on_unmount(self) -> None:
        from qkv_drill.exercises.warm import POOL

        if self._claim is not None:
            POOL.release(self._claim)  # a start still under way in a worker is refused too

    @work(thread=True, exclusive=True, exit_on_error=False, group="code-warm")
    def _prestart(self) -> None:
        self._warm_up()

    def _warm_up(self) -> None:
        """A child with its imports done, waiting for the next run (in a worker thread only)."""
        from qkv_drill.exercises.checker import language_of
        from qkv_drill.exercises.warm import POOL

        if self._claim is not None:
            POOL.prestart(language_of(self.spec), self._claim)

    @work(thread=True, exclusive=True, exit_on_error=False, group="code-history")
    def _load_attempts(self) -> None:
        attempts = self.session.store.attempts(self.instance.question.id, HISTORY)
        ahead = self._ahead_words()
        self.app.call_from_thread(self._prefill, attempts, ahead)

    def _ahead_words(self) -> str:
        """In a drill, "Ahead of schedule: ..." when this card is served before it is due, as
        the drill screen says it (reads the store: call from a worker)."""
        from qkv_drill.session.when import ahead_of_schedule

        drill = self._drill()
        if drill is None:
            return ""
        due, now = drill.card_due(self.instance.question.id), drill.clock.now()
        return ahead_of_schedule(due, now) if due is not None and due > now else ""

    def _prefill(self, attempts: list[tuple[Any, str, str | None, str]], ahead: str = "") -> None:
        if not self.is_attached:
            return
        if ahead:
            q = self.instance.question
            self.query_one("#code-progress", Static).update(
                Text.assemble(f"{q.id}  ·  implement it in {self.spec.language}\n", (ahead, "bold"))
            )
        editor = self.query_one("#code-editor", TextArea)
        history = Text()
        if attempts:
            editor.load_text(attempts[0][3])
            history.append("Your attempts (the last one is in the editor):", style="bold")
            for when, verdict, mistake, _ in attempts:
                history.append(f"\n  {when:%Y-%m-%d %H:%M}  {verdict}")
                if mistake:
                    history.append(f"  ({mistake})")
        shown = self.query_one("#code-history", Static)
        shown.update(history)
        shown.display = bool(attempts)  # no blank row above the editor on a first try
        editor.read_only = False
        self.phase = "editing"
        self._status("")
        editor.focus()

    # -- running and submitting -----------------------------------------------------------------

    def _code(self) -> str:
        return self.query_one("#code-editor", TextArea).text

    def action_run(self) -> None:
        if self.phase == "editing":
            self._start("Running the checks (not recorded)…")
            self._run_checks(self._code())

    def action_submit(self) -> None:
        if self.phase == "editing":
            self._start("Checking and recording…")
            self._submit(self._code())

    def _start(self, message: str) -> None:
        self.phase = "running"
        self._status(message)

    @work(thread=True, exclusive=True, exit_on_error=False, group="code-run")
    def _run_checks(self, code: str) -> None:
        from qkv_drill.exercises.instance import check_code

        self._deliver(lambda: check_code(self.instance, code), recorded=False)
        self._warm_up()  # the child just used ran one job and is gone: start the next

    @work(thread=True, exclusive=True, exit_on_error=False, group="code-run")
    def _submit(self, code: str) -> None:
        def submit() -> Verdict:
            verdict = self.session.submit(code)
            self._next_review = self._schedule_words()
            return verdict

        self._deliver(submit, recorded=True)

    def _schedule_words(self) -> str:
        """In a drill, "next review in 3 days" for the card just rated (reads the store: call
        from a worker)."""
        from qkv_drill.session.when import next_review

        drill = self._drill()
        if drill is None or drill.current is None:
            return ""
        due = drill.card_due(drill.current.question.id)
        return next_review(due, drill.clock.now()) if due is not None else ""

    def _deliver(self, verdict_of: Any, *, recorded: bool) -> None:
        try:
            verdict = verdict_of()
        except Exception as exc:  # shown, never fatal
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, verdict, recorded)

    def _failed(self, exc: Exception) -> None:
        notify_failure(self, exc)
        self.phase = "editing"

    def _show(self, verdict: Verdict, recorded: bool) -> None:
        if not self.is_attached:
            return
        if verdict.status == "unparseable":
            self.phase = "editing"
            self._status(verdict.message, error=True)
            return
        report: CodeReport | None = verdict.parsed  # type: ignore[assignment]  # code verdicts
        self.report = report
        view = self.query_one("#code-report", CodeReportView)
        if report is not None:
            view.show(report, recorded=recorded)
            self.add_class("-below")
        if not recorded:
            self.phase = "editing"
            self._status("ctrl+s submits when you are ready.")
            self.query_one("#code-body").scroll_home(animate=False)  # this run's verdict first
            return
        self.phase = "answered"
        self.add_class("-below", "-answered")
        editor = self.query_one("#code-editor", TextArea)
        editor.read_only = True
        q = self.instance.question
        if q.explanation:
            self.query_one("#code-explanation", Markdown).update(q.explanation)
        self._status(self._after_text())
        self.query_one("#code-body").focus()
        self.call_after_refresh(
            lambda: self.query_one("#code-body").scroll_to_widget(view, top=True)
        )

    def _drill(self) -> DrillSession | None:
        """The session when this exercise came from a drill: only a drill rates answers."""
        from qkv_drill.session.drill import DrillSession

        return self.session if isinstance(self.session, DrillSession) else None

    def _after_text(self) -> str:
        keys = "Recorded. n next · escape back"
        drill = self._drill()
        rating = (drill.rating or drill.suggested_rating) if drill is not None else None
        if rating is not None:
            when = f"; {self._next_review}" if self._next_review else ""
            keys = f"Rated {rating.name}{when}: 1-4 changes it · " + keys
        return keys

    # -- $EDITOR --------------------------------------------------------------------------------

    def action_editor(self) -> None:
        if self.phase != "editing":
            return
        editor = self.query_one("#code-editor", CodeEditor)
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory(prefix="qkv-drill-edit-") as folder:
            path = Path(folder) / f"{self.spec.function}.py"
            path.write_text(editor.text, encoding="utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), str(path)], check=False)
            except SuspendNotSupported:
                self.notify("This terminal cannot hand over to an editor.", severity="warning")
                return
            except (OSError, ValueError) as e:
                self.notify(f"Could not start {command}: {e}", severity="error", markup=False)
                return
            try:
                code = read_at_most(path, editor.MAX_CHARS)
            except (OSError, UnicodeDecodeError) as e:
                self.notify(
                    f"Could not read the edited file back: {e}", severity="error", markup=False
                )
                return
            if code is None:  # kept, not loaded: the editor would refuse it at submit anyway
                kept = keep_aside(path)
                self.notify(
                    f"Not loaded: the edited file is longer than the {editor.MAX_CHARS:,} "
                    f"characters the editor takes; your code here is unchanged. The file is "
                    f"kept as {kept}.",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
                return
            editor.load_text(code)
        self._status("Loaded from your editor. ctrl+r runs the checks, ctrl+s submits.")

    # -- the rest ---------------------------------------------------------------------------------

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#code-status", Static)
        status.set_class(error, "-error")
        status.update(Text(message))

    def watch_phase(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("run", "submit", "editor", "skip", "hint"):
            return self.phase == "editing"
        if action == "next":
            return self.phase == "answered"
        if action == "rate":
            answered = self.phase == "answered"
            drill = self._drill()
            return answered and drill is not None and drill.suggested_rating is not None
        if action in ("leave_editor", "back"):  # escape says which it does right now
            return isinstance(self.focused, TextArea) == (action == "leave_editor")
        return True

    def action_leave_editor(self) -> None:
        self.set_focus(None)

    def action_back(self) -> None:
        if isinstance(self.focused, TextArea):
            self.set_focus(None)
            return
        self.dismiss("back")

    def action_focus_editor(self) -> None:
        if self.phase == "editing":
            self.query_one("#code-editor", TextArea).focus()

    def action_next(self) -> None:
        self.dismiss("next")

    def action_skip(self) -> None:
        self.dismiss("skip")

    def action_hint(self) -> None:
        hint = self.session.hint()
        if hint is None:
            self.notify(self.session.no_hint_reason(), timeout=2)
            return
        self.hints.append(hint)
        self.add_class("-below")
        hints = self.query_one("#code-hints", Static)
        hints.update(Text("\n".join(f"Hint: {h}" for h in self.hints)))
        self.call_after_refresh(lambda: self.query_one("#code-body").scroll_to_widget(hints))

    def action_rate(self, n: int) -> None:
        self._rate(n)

    @work(thread=True, exclusive=True, exit_on_error=False, group="code-rate")
    def _rate(self, n: int) -> None:
        from fsrs import Rating

        drill = self._drill()
        if drill is not None:
            drill.rate(Rating(n))
            self._next_review = self._schedule_words()
        self.app.call_from_thread(self._status, self._after_text())
