"""The mock interview report: what an interviewer would have written down, and the way to improve.

Everything shown comes from the plain `MockReport` (no packs needed), so a report reopened later
or exported looks the same as the one shown when the interview ended.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich import box
from rich.markup import escape
from rich.table import Table
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Collapsible, Static

from qkv_drill.present.formats import mm_ss, percent
from qkv_drill.present.report_item import item_markdown
from qkv_drill.session.clock import SYSTEM_CLOCK, Clock
from qkv_drill.tui.commands import ScreenCommands
from qkv_drill.tui.widgets.confirm import ConfirmScreen
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.matrix import MatrixGrid
from qkv_drill.tui.widgets.packtext import PackMarkdown, literal
from qkv_drill.tui.widgets.prompt import parts_for
from qkv_drill.tui.widgets.ticks import TickBox

if TYPE_CHECKING:
    from qkv_drill.session.report import GroupScore, MockReport, ReportItem
    from qkv_drill.store import Store

SCORE_TABLE_MIN = 34
"""Columns a score table needs to keep its longest topic whole (why-attention, its counts)."""

STATUS_MARK = {"correct": "✓", "wrong": "✗", "unanswered": "–", "pending": "?", "kept": "≠"}
STATUS_WORD = {
    "correct": "correct",
    "wrong": "wrong",
    "unanswered": "not answered",
    "pending": "to self-grade",
    "kept": "kept, not graded (question changed)",
}


def _flagged_words(flagged: list[int]) -> str:
    """ "flagged: question 2" / "flagged: questions 2, 5" / "nothing flagged": never a bare
    number that reads as a count."""
    if not flagged:
        return "nothing flagged"
    numbers = ", ".join(str(i + 1) for i in flagged)
    return f"flagged: question{'s' if len(flagged) > 1 else ''} {numbers}"


def score_table(title: str, groups: dict[str, GroupScore]) -> Table:
    """Correct / graded per group, as a compact table; open answers still to self-grade are
    named ("1 to grade"), not counted as wrong."""
    table = Table(title=None, box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column(title, ratio=1, overflow="fold")  # a topic wraps, a long word folds
    table.add_column("correct", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    for name, group in groups.items():
        # "0 / 1" over "1 to grade": on one line it took the name's width ("diffic / ulty")
        words = group.words(sep="\n")
        table.add_row(escape(name), words, percent(group.correct, group.graded))
    return table


def time_table(items: list[ReportItem]) -> Table:
    """Time spent on each question against its budget; over-budget rows say so."""
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("question", ratio=1, overflow="fold")  # a long id folds, never cut
    table.add_column("", justify="center")
    table.add_column("time", justify="right")
    table.add_column("budget", justify="right")
    table.add_column("")
    for item in items:
        over = item.time_s > item.budget_s
        table.add_row(
            str(item.idx + 1),
            escape(item.question_id) + (" [b]![/b]" if item.flagged else ""),
            STATUS_MARK.get(item.status, "?"),
            mm_ss(item.time_s),
            mm_ss(item.budget_s),
            "[b]over[/b]" if over else "",
        )
    return table


def item_title(item: ReportItem) -> Content:
    """The review's title; the topic is pack text, so it is shown literally (and wraps)."""
    flag = "  ! flagged" if item.flagged else ""
    return literal(
        f"{STATUS_MARK.get(item.status, '?')} {item.idx + 1}. {item.topic} · {item.difficulty}"
        f" · {STATUS_WORD.get(item.status, item.status)}{flag}"
    )


def review_widgets(item: ReportItem) -> list[Widget]:
    """The prompt laid out as when it was asked (matrices side by side), then the review."""
    parts = parts_for(item.prompt, json.loads(item.params_json or "{}"))
    widgets: list[Widget] = []
    if parts.lead.strip():
        widgets.append(PackMarkdown(parts.lead, classes="review-body"))
    if parts.matrices:
        widgets.append(MatrixGrid(parts.matrices, classes="review-matrices"))
    widgets.append(PackMarkdown(parts.ask, classes="review-body"))
    widgets.append(
        PackMarkdown(item_markdown(item), classes="review-body", id=f"review-rest-{item.idx}")
    )
    return widgets


GRADED_LABEL = "Graded: grade again"
"""The button under a graded answer's points: it is graded, and ticking again re-grades it."""


class RubricGrader(Vertical):
    """Checkboxes for one open answer's rubric; the button grades it."""

    def __init__(self, item: ReportItem) -> None:
        super().__init__(classes="rubric-box", id=f"rubric-{item.idx}")
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        yield Static("[b]Which points did you make?[/b] (ticked: keywords found)")
        for k, point in enumerate(item.rubric):
            if item.covered is not None:
                ticked = k in item.covered
            else:
                ticked = bool(item.rubric_hits[k]) if k < len(item.rubric_hits) else False
            yield TickBox(literal(point), ticked, id=f"rubric-{item.idx}-{k}")
        graded = item.status in ("correct", "wrong")
        label = GRADED_LABEL if graded else "Grade this answer"
        yield Button(label, id=f"grade-{item.idx}", classes="grade-button")

    def covered(self) -> list[int]:
        return [
            k
            for k in range(len(self.item.rubric))
            if self.query_one(f"#rubric-{self.item.idx}-{k}", Checkbox).value
        ]


class ReportScreen(Screen):
    """Scores, timing, misconceptions, trend and a review of every question."""

    CSS_PATH = "mock.tcss"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "export('md')",
            "Export .md",
            tooltip="Write the report as Markdown to the exports folder",
            id="mock.report.export_md",
        ),
        Binding(
            "j",
            "export('json')",
            "Export .json",
            tooltip="Write the report as JSON to the exports folder",
            id="mock.report.export_json",
        ),
        Binding(
            "g",
            "grade_here",
            "Grade",
            tooltip="Open the next answer to self-grade, or grade the one whose rubric you ticked",
            id="mock.report.grade",
        ),
        Binding(
            "e",
            "expand_all",
            "Expand",
            tooltip="Open or close every question's review",
            id="mock.report.expand",
        ),
        Binding(
            "escape",
            "close",
            "Close",
            tooltip="Back to where the interview was started",
            id="mock.report.close",
        ),
    ]
    COMMAND_LIST: ClassVar = [
        ("Report: export Markdown", "Write the report to exports/ as Markdown", "export('md')"),
        ("Report: export JSON", "Write the report to exports/ as JSON", "export('json')"),
        ("Report: grade this answer", "Open the next open answer, or grade it", "grade_here"),
        ("Report: expand all", "Open or close every question's review", "expand_all"),
        ("Report: close", "Leave the report", "close"),
    ]

    def __init__(self, report: MockReport, store: Store, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__()
        self.report = report
        self.store = store
        self.clock = clock  # stamps the answers graded here
        self._grading = threading.Lock()

    def compose(self) -> ComposeResult:
        r = self.report
        with VerticalScroll(id="report-scroll"):
            yield Static("", id="report-headline")
            with Horizontal(id="report-scores"):
                yield Static("", id="report-by-topic", classes="report-table")
                yield Static("", id="report-by-difficulty", classes="report-table")
            yield Static("Time per question", classes="report-section")
            yield Static("", id="report-times", classes="report-table")
            yield Static("Misconceptions detected", classes="report-section")
            yield Static("", id="report-misconceptions")
            yield Static("Trend over your mock interviews", classes="report-section")
            yield from self._trend()
            yield Static("Questions", classes="report-section")
            for item in r.items:
                with Collapsible(
                    title=item_title(item),  # type: ignore[arg-type]  # Content, so literal
                    collapsed=True,
                    id=f"review-{item.idx}",
                ):
                    yield from review_widgets(item)
                    if item.qtype == "text" and item.user_answer is not None and item.rubric:
                        yield RubricGrader(item)
        yield KeyFooter()

    def _trend(self) -> ComposeResult:
        scores = self.report.trend()
        if len(scores) < 2:
            yield Static("This is your first mock interview: the trend starts here.", id="no-trend")
            return
        # plotext is imported only when a report with history is shown.
        from textual_plotext import PlotextPlot

        plot = PlotextPlot(id="report-trend")
        xs: list[float] = list(range(1, len(scores) + 1))  # whole numbers; plotext wants floats
        ys = [round(100 * s, 1) for s in scores]
        plt = plot.plt
        plt.plot(xs, ys, marker="dot")
        plt.scatter([xs[-1]], [ys[-1]], marker="●")
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100])
        plt.xticks(xs, [str(x) for x in xs])
        plt.xlabel("interview")
        plt.ylabel("% correct")
        yield plot

    def on_mount(self) -> None:
        self._stack_scores(self.app.size.width)
        self._refresh_summary()

    def on_resize(self, event: events.Resize) -> None:
        self._stack_scores(event.size.width)

    def _stack_scores(self, width: int) -> None:
        """The topic and difficulty tables side by side while each keeps SCORE_TABLE_MIN
        columns, else one above the other (a topic never breaks mid-word)."""
        self.query_one("#report-scores").set_class(width < 2 * SCORE_TABLE_MIN + 6, "-stacked")

    def _refresh_summary(self) -> None:
        r = self.report
        pending = len(r.pending)
        flagged = _flagged_words(r.flagged)
        headline = (
            f"[b]Mock interview {r.mock_id}[/b]  ·  "
            f"[b]{r.correct} / {r.graded} correct ({percent(r.correct, r.graded)})"
            + (f", {pending} to grade" if pending else "")
            + "[/b]\n"
            f"Time used {mm_ss(r.used_s)} of {mm_ss(r.duration_s)}  ·  "
            f"{flagged}"
            + (f"  ·  {r.pause_summary()}" if r.pauses else "")
            + (f"  ·  seed {r.seed}" if r.seed is not None else "")
        )
        if pending:
            headline += (
                f"\n[b]{pending} open answer{'s' if pending != 1 else ''}[/b] to self-grade: "
                "g opens the next one; tick the points you made, then g grades it."
            )
        if r.kept:
            numbers = ", ".join(str(i.idx + 1) for i in r.kept)
            headline += (
                f"\n[b]Not graded: {numbers}[/b] (kept as given: the question changed in its "
                "pack after it was answered)."
            )
        self.query_one("#report-headline", Static).update(headline)
        self.query_one("#report-by-topic", Static).update(score_table("topic", r.by_topic))
        self.query_one("#report-by-difficulty", Static).update(
            score_table("difficulty", r.by_difficulty)
        )
        self.query_one("#report-times", Static).update(time_table(r.items))
        mis = r.misconceptions()
        lines = [
            f"• [b]{escape(title or name)}[/b] ×{count}: {escape(feedback)}"
            for name, count, title, feedback in mis
        ]
        self.query_one("#report-misconceptions", Static).update(
            "\n".join(lines) or "None of the known mistakes showed up in your answers."
        )
        for item in r.items:
            box = self.query_one(f"#review-{item.idx}", Collapsible)
            box.title = item_title(item)  # type: ignore[assignment]  # Content, so literal

    # --- self-grading ---------------------------------------------------------------------

    @on(Button.Pressed, ".grade-button")
    def _grade_one(self, event: Button.Pressed) -> None:
        grader = event.button.parent
        if isinstance(grader, RubricGrader):
            self.grade({grader.item.idx: grader.covered()})

    def action_grade_here(self) -> None:
        """Grade one open answer, and only once its rubric is on screen and in hand.

        Inside a rubric, g grades that answer from the boxes as ticked. Elsewhere it opens the
        next answer still to grade and puts the cursor on its first point: keyword pre-ticks are
        a guess, so nothing is graded until the user has read the points.
        """
        focused = self.focused
        grader = next(
            (a for a in (focused.ancestors if focused else []) if isinstance(a, RubricGrader)), None
        )
        if grader is not None:
            self.grade({grader.item.idx: grader.covered()})
            return
        pending = [i for i in self.report.items if i.idx in {p.idx for p in self.report.pending}]
        graders = [g for g in self.query(RubricGrader) if g.item in pending]
        if not graders:
            self.notify("There are no open answers to grade.", timeout=3)
            return
        target = graders[0]
        box = self.query_one(f"#review-{target.item.idx}", Collapsible)
        box.collapsed = False
        first = target.query(Checkbox).first()
        self.call_after_refresh(first.focus)
        self.notify(
            f"Question {target.item.idx + 1}: read the points, tick the ones you made, "
            "then g (or the button) grades this answer.",
            timeout=6,
        )

    def grade(self, grades: dict[int, list[int]]) -> None:
        """Apply self-grades (recorded in the store with this screen's clock) in a worker, so
        the store is never written on the UI thread; the scores refresh when it is done."""
        self._grade(grades)

    @work(thread=True, exit_on_error=False, group="report-grade")
    def _grade(self, grades: dict[int, list[int]]) -> None:
        from qkv_drill.session.mock_grading import grade_open_answers

        try:
            with self._grading:  # one at a time: each updates the report and the stored copy
                grade_open_answers(self.store, self.report, grades, self.clock)
        except Exception as exc:  # the answers stay as they were; say why
            self.app.call_from_thread(
                self.notify, str(exc), title="Could not grade", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._graded, grades)

    def _graded(self, grades: dict[int, list[int]]) -> None:
        if not self.is_attached:
            return
        self._refresh_summary()
        for idx in grades:
            item = next(i for i in self.report.items if i.idx == idx)
            self.query_one(f"#review-rest-{idx}", PackMarkdown).update(item_markdown(item))
            for button in self.query(f"#grade-{idx}").results(Button):
                button.label = GRADED_LABEL  # graded: the points stay, for a second look
        focused = self.focused
        if focused is not None and any(
            isinstance(a, RubricGrader) and a.item.idx in grades for a in focused.ancestors
        ):  # out of the graded rubric, so the next g opens the next answer (as the headline says)
            self.query_one("#report-scroll").focus(scroll_visible=False)
        n = len(grades)
        self.notify(f"Graded {n} open answer{'s' if n != 1 else ''}.", timeout=3)

    # --- export and navigation ------------------------------------------------------------

    def export_path(self, fmt: str) -> Path:
        """Where an export goes: <data folder>/exports/mock-<id>-<date>.<fmt>."""
        from qkv_drill import paths
        from qkv_drill.days import day_label

        stamp = day_label(self.report.finished_utc) or "report"
        return paths.data_dir() / "exports" / f"mock-{self.report.mock_id}-{stamp}.{fmt}"

    def export(self, fmt: str) -> Path:
        """Write the report (as the command-line export does: a failed write leaves the old file
        as it was) and return the path. Disk work: run it in a worker."""
        from qkv_drill.session.export import write_replacing

        path = self.export_path(fmt)
        with self._grading:  # a grade being applied changes the report: export after it
            text = self.report.to_markdown() if fmt == "md" else self.report.to_json()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_replacing(path, text)
        return path

    def action_export(self, fmt: str) -> None:
        self._export(fmt)

    @work(thread=True, exit_on_error=False, group="report-export")
    def _export(self, fmt: str) -> None:
        try:
            path = self.export(fmt)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            message = f"Could not write {self.export_path(fmt)}: {reason}; nothing was changed."
            self.app.call_from_thread(
                self.notify, message, title="Export failed", severity="error", markup=False
            )
            return
        self.app.call_from_thread(
            self.notify, str(path), title="Report exported", timeout=8, markup=False
        )

    def action_expand_all(self) -> None:
        boxes = list(self.query(Collapsible))
        collapse = not any(b.collapsed for b in boxes)
        for b in boxes:
            b.collapsed = collapse

    def action_close(self) -> None:
        pending = len(self.report.pending)
        if not pending:
            self.dismiss()
            return

        def decided(leave: bool | None) -> None:
            if leave:
                self.dismiss()

        self.app.push_screen(
            ConfirmScreen(
                f"{pending} open answer{'s are' if pending != 1 else ' is'} not self-graded yet. "
                "This report is the only place to grade them: once you leave, they stay out "
                "of the score. Leave the report anyway?",
                "Leave",
                "Grade them",
                yes_tip="Close the report; ungraded answers stay out of the score",
                no_tip="Back to the report to grade them",
            ),
            decided,
        )
