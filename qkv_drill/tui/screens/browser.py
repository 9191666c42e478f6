"""The question browser: search and filter every question, see one's history, practise it.

Thin on purpose: rows, search and history come from `qkv_drill.session.browser`; this screen
lays them out. Everything a pack wrote is shown as `Text`, never parsed as markup. The
highlighted question is shown as practice asks it: drawn with a fixed seed (`SHOWN_SEED`), so its
numbers are real ones and never a raw `{W_Q}`, laid out by the same `PromptView`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from qkv_drill.present.formats import option_letter
from qkv_drill.tui.screens.base import AppScreen
from qkv_drill.tui.screens.question import PracticeScreen
from qkv_drill.tui.widgets.choices import option_text
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.prompt import PromptView

if TYPE_CHECKING:
    from qkv_drill.packs.model import Question
    from qkv_drill.session.browser import BrowseRow, QuestionHistory
    from qkv_drill.session.practice import PracticeSession

COLUMNS = (("id", 26), ("topic", 12), ("diff", 6), ("type", 7), ("due", 7), ("right", 6))
VERDICT_MARK = {"correct": ("✔", "green"), "wrong": ("✘", "red"), "skipped": ("–", "dim")}
SHOWN_SEED = 1
"""The seed the browser draws a question with: the same numbers every time it is shown."""


@dataclass(frozen=True)
class Shown:
    """A question as the browser shows it: its prompt filled in, its options in order."""

    prompt: str
    params: dict[str, object]
    options: list[str]
    note: str


def shown_question(question: Question, seed: int = SHOWN_SEED) -> Shown:
    """The question drawn with `seed`, as practice would ask it; when it cannot be drawn, its
    text with each parameter named in ‹ › and a note saying why."""
    from qkv_drill.packs.instance import draw

    try:
        inst = draw(question, seed)
    except Exception as exc:  # a pack's fault: said, never fatal
        from qkv_drill.packs.numberless import fill_prompt

        class Named(dict[str, object]):
            def __contains__(self, name: object) -> bool:
                return True

            def __missing__(self, name: str) -> str:
                return name

        prompt = fill_prompt(question.prompt, Named(), lambda name: f"‹{name}›")
        options = [o.text for o in question.options]
        return Shown(prompt, {}, options, f"Cannot be drawn ({exc}): ‹name› is drawn per attempt.")
    note = ""
    if question.params:
        note = f"Numbers drawn with seed {seed}; enter practises it with fresh ones."
    return Shown(inst.prompt, dict(inst.params), list(inst.options), note)


def _when(due: datetime | None, now: datetime) -> str:
    """A drill due time, short: "now", "in 3d", "in 5h", "—" when never drilled."""
    if due is None:
        return "—"
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"in {round(seconds / 3600)}h"
    return f"in {round(seconds / 86400)}d"


class BrowserPracticeScreen(PracticeScreen):
    """Practice on one question picked in the browser, fresh numbers each time."""

    def __init__(self, question_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question_id = question_id

    def make_session(self) -> PracticeSession:
        from qkv_drill.session.filters import Filter
        from qkv_drill.session.practice import PracticeSession

        app = self.qkv_app
        packset, store = app.require_data()
        kwargs: dict[str, Any] = {"seed": app.seed}
        if app.clock is not None:
            kwargs["clock"] = app.clock
        only = Filter(ids=frozenset({self.question_id}))
        return PracticeSession(packset, store, only, **kwargs)


SEARCH_HINTS = (  # longest first; is: also takes buried
    "search: words, topic:, pack:, diff:, type:, is:due/new/missed/suspended",
    "words, topic:, pack:, diff:, type:, is:due/new/missed",
    "words, topic:, pack:, diff:, type:, is:",
    "search",
)


class BrowserScreen(AppScreen[None]):
    """Every question in a table; the highlighted one's history below."""

    CSS_PATH = "browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to Home", id="browser.back"),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            tooltip="Type to search",
            id="browser.search",
        ),
        Binding(
            "enter",
            "practise",
            "Practise",
            tooltip="Practise the highlighted question",
            id="browser.practise",
            show=False,
        ),
        Binding(
            "exclamation_mark",
            "suspend",
            "Suspend",
            key_display="!",
            tooltip="Suspend or unsuspend: suspended questions are left out of drill",
            id="browser.suspend",
        ),
        Binding(
            "minus",
            "bury",
            "Bury",
            key_display="-",
            tooltip="Bury until tomorrow, or lift a bury",
            id="browser.bury",
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[BrowseRow] = []
        self.shown: list[BrowseRow] = []
        self.query_text = ""
        self._drawing = asyncio.Lock()  # one question's prompt laid out at a time

    def compose(self) -> ComposeResult:
        yield Static("Browser  ·  loading…", id="browser-title", classes="title-bar")
        yield Input(placeholder=SEARCH_HINTS[0], id="browser-search")
        table: DataTable[Text] = DataTable(
            id="browser-table", cursor_type="row", zebra_stripes=True
        )
        for name, width in COLUMNS:
            table.add_column(name, width=width, key=name)
        yield table
        with VerticalScroll(id="browser-detail"):
            yield Static("", id="browser-head")
            yield PromptView(id="browser-prompt")
            yield Static("", id="browser-options")
            yield Static("", id="browser-drawn")
            yield Static("", id="browser-history")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The search box types `/`, `!` and `-`: while it has focus they are not offered."""
        typed_here = isinstance(self.focused, Input)
        return not (typed_here and action in ("search", "suspend", "bury"))

    def on_resize(self) -> None:
        """The longest search hint the box shows whole (at 60 columns the full one was cut)."""
        box = self.query_one("#browser-search", Input)
        room = self.size.width - box.styles.gutter.width - 1  # the cursor's cell
        box.placeholder = next((h for h in SEARCH_HINTS if len(h) <= room), SEARCH_HINTS[-1])

    def on_mount(self) -> None:
        self.query_one("#browser-table").focus()
        self.load_rows()

    def on_screen_resume(self) -> None:
        if self.rows:  # back from practising: its history changed
            self.load_rows()

    def data_changed(self) -> None:
        """Packs were reloaded."""
        self.load_rows()

    # -- data, read in a worker ----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="browser")
    def load_rows(self) -> None:
        from qkv_drill.session.browser import browse_rows

        try:
            rows = browse_rows(*self.qkv_app.require_data())
        except Exception as exc:  # shown, never fatal
            self.app.call_from_thread(self.notify, f"{exc}", severity="error")
            return
        self.app.call_from_thread(self._rows_loaded, rows)

    def _rows_loaded(self, rows: list[BrowseRow]) -> None:
        if not self.is_attached:
            return
        self.rows = rows
        self._apply_search()

    def _now(self) -> datetime:
        clock = self.qkv_app.clock
        if clock is not None:
            return clock.now()
        from qkv_drill.store.records import now_utc

        return now_utc()

    def _apply_search(self) -> None:
        from qkv_drill.session.browser import search

        now = self._now()
        shown, parsed = search(self.rows, self.query_text, now)
        self.shown = shown
        table = self.query_one("#browser-table", DataTable)
        keep = self.current_id()
        table.clear()
        for r in shown:
            table.add_row(*self._cells(r, now), key=r.id)
        if keep is not None and keep in {r.id for r in shown}:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        title = Text.assemble(
            ("Browser", "bold"), f"  ·  {len(shown)} of {len(self.rows)} questions"
        )
        if parsed.errors:
            title.append("  ·  " + "; ".join(parsed.errors), style="red")
        self.query_one("#browser-title", Static).update(title)
        self._show_history()

    def _cells(self, r: BrowseRow, now: datetime) -> list[Text]:
        ident = Text(r.id)
        if r.suspended:
            ident.stylize("dim strike")
        due = _when(r.due, now)
        if r.buried_until is not None and r.buried_until > now:
            due = "buried"
        if r.suspended:
            due = "susp."
        mark, style = VERDICT_MARK.get(r.last_verdict or "", ("", ""))
        right = Text.assemble(f"{r.correct}/{r.answered} ", (mark, style))
        return [ident, Text(r.topic), Text(r.difficulty), Text(r.type), Text(due), right]

    def current_id(self) -> str | None:
        table = self.query_one("#browser-table", DataTable)
        if not self.shown or table.cursor_row is None or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key
        return str(key.value) if key.value is not None else None

    # -- history of the highlighted question -----------------------------------------------------

    @on(DataTable.RowHighlighted, "#browser-table")
    def _highlighted(self) -> None:
        self._show_history()

    def _show_history(self) -> None:
        qid = self.current_id()
        target = self.query_one("#browser-history", Static)
        if qid is None:
            for part in ("#browser-head", "#browser-prompt", "#browser-options", "#browser-drawn"):
                self.query_one(part).display = False
            target.update(Text("No question matches the search.", style="dim"))
            return
        self._load_history(qid)

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def _load_history(self, qid: str) -> None:
        from qkv_drill.session.browser import history

        packset, store = self.qkv_app.require_data()
        question = packset.questions.get(qid)
        if question is None:
            return
        found = history(store, question)
        pack = next(
            (lp.pack for lp in packset.packs if lp.pack and lp.pack.id == question.pack_id), None
        )
        title = pack.title if pack is not None else ""
        drawn = shown_question(question)
        self.app.call_from_thread(self._history_loaded, question, found, title, drawn)

    def _history_loaded(
        self, question: Question, h: QuestionHistory, pack_title: str, drawn: Shown
    ) -> None:
        if self.is_attached:  # laying out a prompt awaits its widgets
            self.run_worker(self._show_question(question, h, pack_title, drawn), group="shown")

    async def _show_question(
        self, question: Question, h: QuestionHistory, pack_title: str, drawn: Shown
    ) -> None:
        async with self._drawing:
            if not self.is_attached or self.current_id() != question.id:
                return
            head = Text(question.id, style="bold")
            head.append(f"  ·  {question.topic}  ·  {question.difficulty} {question.type}")
            self.query_one("#browser-head", Static).update(head)
            view = self.query_one("#browser-prompt", PromptView)
            await view.show(drawn.prompt, drawn.params)
            options = self.query_one("#browser-options", Static)
            options.update(options_text(drawn.options))
            options.display = bool(drawn.options)
            note = self.query_one("#browser-drawn", Static)
            note.update(Text(drawn.note, style="dim"))
            note.display = bool(drawn.note)
            for part in ("#browser-head", "#browser-prompt"):
                self.query_one(part).display = True
            shown = history_text(question, h, self._now(), pack_title)
            self.query_one("#browser-history", Static).update(shown)

    # -- actions -------------------------------------------------------------------------------

    @on(Input.Changed, "#browser-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._apply_search()

    @on(Input.Submitted, "#browser-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#browser-table").focus()

    @on(DataTable.RowSelected, "#browser-table")
    def _row_selected(self) -> None:
        self.action_practise()

    def action_search(self) -> None:
        self.query_one("#browser-search").focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#browser-table").focus()
            return
        self.app.pop_screen()

    def action_practise(self) -> None:
        qid = self.current_id()
        if qid is not None:
            self.app.push_screen(BrowserPracticeScreen(qid))

    def action_suspend(self) -> None:
        qid = self.current_id()
        if qid is not None:
            self._toggle(qid, "suspend")

    def action_bury(self) -> None:
        qid = self.current_id()
        if qid is not None:
            self._toggle(qid, "bury")

    @work(thread=True, exclusive=True, exit_on_error=False, group="browser-flag")
    def _toggle(self, qid: str, what: str) -> None:
        from qkv_drill.session.browser import toggle_buried, toggle_suspended

        _packset, store = self.qkv_app.require_data()
        if what == "suspend":
            on_now = toggle_suspended(store, qid)
            told = f"{qid} suspended." if on_now else f"{qid} unsuspended."
        else:
            until = toggle_buried(store, qid, self._now())
            told = f"{qid} buried until tomorrow." if until else f"{qid} unburied."
        self.app.call_from_thread(self.notify, told, timeout=3)
        self.load_rows()


def _indented(answer: str) -> str:
    """A stored answer whole; its later lines (an open answer, code) indented under the first."""
    return "\n    ".join(line.rstrip() for line in answer.strip().splitlines())


def options_text(options: list[str]) -> Content:
    """A choice question's options, lettered in the order practice shows them."""
    parts: list[Content | tuple[str, str]] = []
    for i, text in enumerate(options):
        parts += [(f"{option_letter(i)}) ", "bold"), option_text(text, code="bold")]
        parts.append(Content("\n" if i < len(options) - 1 else ""))
    return Content.assemble(*parts)


def history_text(
    question: Question, h: QuestionHistory, now: datetime, pack_title: str = ""
) -> Text:
    """Under the highlighted question's text: its pack in full (the table's columns are too
    narrow for it), its record, its last answers and mistakes."""
    out = Text()
    pack = f"{pack_title} ({question.pack_id})" if pack_title else question.pack_id
    out.append(f"{pack} · ", style="dim")
    state = f"attempts {h.attempts} · right {h.correct}/{h.answered}"
    if h.due is not None:
        state += f" · next due {h.due:%Y-%m-%d %H:%M} UTC ({_when(h.due, now)})"
    else:
        state += " · never drilled"
    out.append(state)
    if h.suspended:
        out.append(" · suspended", style="bold yellow")
    if h.buried_until is not None and h.buried_until > now:
        out.append(f" · buried until {h.buried_until:%Y-%m-%d %H:%M} UTC", style="bold yellow")
    if h.misconceptions:
        out.append("\nMisconceptions hit: ", style="bold")
        out.append(", ".join(f"{name} ×{n}" for name, n in h.misconceptions))
    if h.last_answers:
        out.append("\nLast answers:", style="bold")
        words = h.answer_words or [a.answer_text for a in h.last_answers]
        for a, said in zip(h.last_answers, words, strict=True):
            mark, style = VERDICT_MARK.get(a.verdict, ("?", ""))
            out.append(f"\n  {a.ts_utc:%Y-%m-%d %H:%M}  ")
            out.append(mark, style=style)
            out.append(f" {a.mode:<8} ")
            out.append(_indented(said) or "(skipped)")  # whole, wrapped
    else:
        out.append("\nNot answered yet. Enter practises it.", style="dim")
    return out
