"""The timed mock interview: a fixed plan of questions, a countdown, no feedback until the end.

Time is `deadline - clock.monotonic()` (never counted ticks), checkpointed to the store every few
seconds and on every answer, so a killed process resumes with the time it had at the last
checkpoint. The running interview's saves (answers, flags, drafts, pauses, time) are issued to the
store's one writer thread (store/writes.py), so the screen that calls these methods never waits
for the disk; they are applied in the order given, `settle()` waits for them, and hand-in reads
the store only after every one is applied. The plan (question ids + instance seeds) is stored
when the interview is created, so a resume rebuilds exactly the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from qkv_drill.session import mock_drafts
from qkv_drill.session.clock import SYSTEM_CLOCK, Clock
from qkv_drill.session.mock_grading import grade_open_answers, hand_in, past_scores
from qkv_drill.session.mock_plan import MockSettings, plan_interview, plan_questions
from qkv_drill.session.mock_redraw import KEPT_WORDS
from qkv_drill.session.report import MockReport

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.mock_redraw import Changed
    from qkv_drill.store import MockRow, Store

# Names other modules import from here: the interview, its settings and its grading.
__all__ = [
    "CHECKPOINT_EVERY_S",
    "MockResumeError",
    "MockSession",
    "MockSettings",
    "ReviewRow",
    "changed_since_start",
    "grade_as_it_stands",
    "past_scores",
    "plan_questions",
    "unfinished",
]

CHECKPOINT_EVERY_S = 3.0


@dataclass(frozen=True, kw_only=True)
class ReviewRow:
    """One question on the review-before-hand-in list."""

    index: int
    question_id: str
    topic: str
    answered: bool
    flagged: bool
    answer: str | None  # the saved answer on one line
    time_s: float
    kept: bool = False  # answered before its question changed: kept as given, not graded
    typed: str | None = None  # typed in its box and not saved (a draft), on one line
    typed_problem: str | None = None  # why `typed` cannot be handed in; None: hand-in takes it


class MockResumeError(Exception):
    """The stored interview cannot be rebuilt (for example its pack was removed)."""


class MockSession:
    """One interview; the TUI and the plain mode drive it, tests drive it with a FakeClock."""

    def __init__(
        self,
        store: Store,
        mock_id: int,
        instances: list[Instance],
        duration_s: float,
        used_s: float,
        clock: Clock,
        seed: int | None = None,
        *,
        allow_pause: bool = False,
    ) -> None:
        self.store = store
        self.mock_id = mock_id
        self.instances = instances
        self.duration_s = float(duration_s)
        self.clock = clock
        self.seed = seed
        self.index = 0
        self.answers: list[str | None] = [None] * len(instances)
        self.flagged: set[int] = set()
        self.draw_errors: list[str] = []  # "skipped: ..." for questions left out at creation
        self.times: list[float] = [0.0] * len(instances)  # seconds spent on each question
        self.report: MockReport | None = None
        self.drafts: dict[int, str] = {}  # typed but not handed in (see mock_drafts)
        self.kept: set[int] = set()  # answered before their question changed: kept, not graded
        self.changed: list[Changed] = []  # questions a resume found drawing differently now
        self.stale_drafts: set[int] = set()  # drafts typed before their question changed
        self._already_recorded: set[str] = set()  # question ids recorded by a cut-short hand-in
        self._unsaved: set[int] = set()  # questions whose time grew since their row was saved
        self._used_at_start = min(float(used_s), self.duration_s)
        self._start = clock.monotonic()
        self.deadline = self._start + (self.duration_s - self._used_at_start)
        self._since = self._start
        self._last_checkpoint = self._start
        self.allow_pause = allow_pause
        self.pauses: list[float] = []  # seconds of each pause taken, in order
        self._paused_at: float | None = None
        self._pause_saved_at = 0.0  # monotonic time the running pause was last checkpointed

    # --- creating and resuming --------------------------------------------------------------
    @classmethod
    def create(
        cls, packset: PackSet, store: Store, settings: MockSettings, clock: Clock = SYSTEM_CLOCK
    ) -> MockSession:
        """A new interview, stored at once (ValueError when nothing matches the settings)."""
        planned = plan_interview(packset, settings)
        stored = asdict(settings) | {"seed": planned.seed}
        mock_id = store.create_mock(
            json.dumps(stored), planned.seed, planned.duration_s, json.dumps(planned.plan)
        )
        session = cls(
            store,
            mock_id,
            planned.instances,
            planned.duration_s,
            0.0,
            clock,
            planned.seed,
            allow_pause=settings.allow_pause,
        )
        session.draw_errors = planned.skipped
        return session

    @classmethod
    def resume(
        cls, packset: PackSet, store: Store, mock_id: int, clock: Clock = SYSTEM_CLOCK
    ) -> MockSession:
        """Rebuild an interrupted interview: same instances, saved answers and flags, and the time
        left at the last checkpoint."""
        from qkv_drill.session.mock_redraw import RedrawError, answered_indices, redraw

        row = store.get_mock(mock_id)
        if row is None:
            raise MockResumeError(f"no mock interview {mock_id}")
        stored = store.mock_answers(mock_id)
        plan = json.loads(row.plan_json)
        answered = answered_indices(stored)
        try:
            drawn = redraw(packset, plan, answered)
        except RedrawError as e:
            raise MockResumeError(f"{e} (interview {mock_id})") from e
        if drawn.plan != plan:  # a later resume judges against the draw asked from now on
            store.set_mock_plan(mock_id, json.dumps(drawn.plan))
        instances = drawn.instances
        settings = json.loads(row.settings_json or "{}")
        session = cls(
            store,
            mock_id,
            instances,
            row.duration_s,
            row.used_s or 0.0,
            clock,
            row.seed,
            allow_pause=bool(settings.get("allow_pause", False)),
        )
        session.kept = drawn.kept
        session.changed = drawn.changed
        for idx, a in stored.items():
            if not 0 <= idx < len(instances):  # drafts sit at negative indices
                continue
            session.answers[idx] = a.answer_text
            session.times[idx] = (a.time_ms or 0) / 1000
            if a.flagged:
                session.flagged.add(idx)
        session.drafts = mock_drafts.load(store, mock_id, len(instances))
        # typed for numbers no longer drawn: kept in the box, never handed in unless typed again
        session.stale_drafts = {c.index for c in drawn.changed} & set(session.drafts)
        session.pauses = mock_drafts.load_pauses(store, mock_id)  # one running at a kill included
        unanswered = [i for i, a in enumerate(session.answers) if a is None]
        # Back where the typing was (its draft is restored there), else the first unanswered.
        where = sorted(session.drafts) or unanswered or [0]
        session.index = where[0]
        return session

    # --- time -------------------------------------------------------------------------------
    def _now(self) -> float:
        """The monotonic clock, held still while paused."""
        return self._paused_at if self._paused_at is not None else self.clock.monotonic()

    def remaining(self) -> float:
        """Seconds left: deadline minus the monotonic clock, never below 0 (frozen in a pause)."""
        return max(0.0, self.deadline - self._now())

    def elapsed_on_current(self) -> float:
        """Seconds spent on the current question so far, this visit included."""
        now = min(self._now(), self.deadline)
        return self.times[self.index] + max(0.0, now - self._since)

    # --- pausing (only when the interview was set up to allow it) --------------------------
    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> None:
        """Stop the clock. Raises PermissionError when the interview does not allow pauses."""
        if not self.allow_pause:
            raise PermissionError("this interview was started without pauses")
        if self.paused or self.report is not None or self.time_up:
            return
        self.checkpoint()
        self._paused_at = self.clock.monotonic()
        self._pause_saved_at = self._paused_at
        mock_drafts.save_pauses(self.store, self.mock_id, [*self.pauses, 0.0])

    def unpause(self) -> float:
        """Start the clock again; the deadline moves by the pause. Returns the pause's length."""
        if self._paused_at is None:
            return 0.0
        length = max(0.0, self.clock.monotonic() - self._paused_at)
        self._paused_at = None
        self.deadline += length
        self._since += length
        self._last_checkpoint += length
        self.pauses.append(length)
        mock_drafts.save_pauses(self.store, self.mock_id, self.pauses)
        return length

    def _checkpoint_pause(self) -> None:
        """While paused, keep the pause's length so far: a killed interview still reports it."""
        now = self.clock.monotonic()
        if self._paused_at is not None and now - self._pause_saved_at >= CHECKPOINT_EVERY_S:
            self._pause_saved_at = now
            lengths = [*self.pauses, now - self._paused_at]
            mock_drafts.save_pauses(self.store, self.mock_id, lengths)

    def used_s(self) -> float:
        return self.duration_s - self.remaining()

    def _accumulate(self) -> None:
        now = min(self._now(), self.deadline)
        if now > self._since:
            self.times[self.index] += now - self._since
            self._unsaved.add(self.index)
        self._since = max(self._since, now)

    def checkpoint(self) -> None:
        """Store the time used, and the time spent on each question visited since the last one."""
        self._accumulate()
        for idx in sorted(self._unsaved):
            self._save(idx)
        self.store.checkpoint_mock(self.mock_id, self.used_s(), wait=False)
        self._last_checkpoint = self._now()

    def settle(self) -> None:
        """Wait until every save issued so far is written: before saying "saved"."""
        self.store.settle()

    def tick(self) -> bool:
        """Checkpoint the time used (every few seconds at most); True when time is up."""
        self._checkpoint_pause()
        if self._now() - self._last_checkpoint >= CHECKPOINT_EVERY_S:
            self.checkpoint()
        return self.remaining() <= 0

    @property
    def time_up(self) -> bool:
        return self.remaining() <= 0

    # --- navigation -------------------------------------------------------------------------
    @property
    def current(self) -> Instance:
        return self.instances[self.index]

    def goto(self, i: int) -> None:
        if not 0 <= i < len(self.instances):
            raise IndexError(f"question {i + 1} does not exist (1 to {len(self.instances)})")
        self._accumulate()
        self.index = i

    def next(self) -> None:
        self.goto(min(self.index + 1, len(self.instances) - 1))

    def prev(self) -> None:
        self.goto(max(self.index - 1, 0))

    # --- answering --------------------------------------------------------------------------
    def _save(self, idx: int) -> None:
        self._unsaved.discard(idx)
        self.store.save_mock_answer(
            self.mock_id,
            idx,
            self.answers[idx],
            round(self.times[idx] * 1000),
            idx in self.flagged,
            wait=False,
        )

    def answer(self, text: str) -> str | None:
        """Save the answer to the current question at once (no verdict until the end; issued to
        the writer thread: `settle()` before telling the user it is saved).

        Returns None when saved, or the parser's message (nothing saved) when the answer cannot
        be read, or a message when time is up.
        """
        from qkv_drill.answers.parse import ParseError, parse_answer

        if self.report is not None or self.time_up:
            return "Time is up: the interview is over."
        if self.index in self.kept:
            return KEPT_WORDS
        inst = self.current
        parsed = parse_answer(inst.question.type, text, len(inst.options) or None)
        if isinstance(parsed, ParseError):
            return parsed.message
        if inst.question.type == "matrix":  # a matrix of another shape is not an answer yet
            from qkv_drill.packs.check import check

            verdict = check(inst, text)  # (nothing of it is shown: only whether it reads)
            if verdict.status == "unparseable":
                return verdict.message
        self._accumulate()
        self.answers[self.index] = text
        self._save(self.index)
        if self.drafts.pop(self.index, None) is not None:
            mock_drafts.save(self.store, self.mock_id, self.index, None)
        self.checkpoint()
        return None

    def save_draft(self, text: str) -> None:
        """Checkpoint what is typed on the current question but not handed in (or clear it)."""
        idx = self.index
        keep = text if text.strip() and text != self.answers[idx] else None
        if keep == self.drafts.get(idx) or self.report is not None or idx in self.kept:
            return
        self.stale_drafts.discard(idx)  # typed again since the resume: the user's own now
        if keep is None:
            self.drafts.pop(idx, None)
        else:
            self.drafts[idx] = keep
        mock_drafts.save(self.store, self.mock_id, idx, keep)

    def draft_problem(self, idx: int) -> str | None:
        """Why question `idx`'s draft cannot be handed in (the parser's message), or None when
        it can (hand-in then takes it over the saved answer) or there is no draft."""
        from qkv_drill.answers.parse import ParseError, parse_answer

        text = self.drafts.get(idx)
        if text is None or idx in self.kept or idx in self.stale_drafts:
            return None  # (a draft for numbers no longer drawn is never handed in)
        inst = self.instances[idx]
        parsed = parse_answer(inst.question.type, text, len(inst.options) or None)
        return parsed.message if isinstance(parsed, ParseError) else None

    def handed_drafts(self) -> list[int]:
        """Questions whose draft hand-in considers (not those typed for numbers no longer
        drawn)."""
        return [i for i in sorted(self.drafts) if i not in self.kept and i not in self.stale_drafts]

    def unreadable_drafts(self) -> list[int]:
        """Questions whose last typed text would be dropped at hand-in: it cannot be read."""
        return [idx for idx in self.handed_drafts() if self.draft_problem(idx) is not None]

    def budget_s(self, idx: int) -> float:
        """The question's time budget, never more than the whole interview."""
        q = self.instances[idx].question
        return min(float(getattr(q, "time_budget", None) or 90), self.duration_s)

    def toggle_flag(self) -> None:
        self._accumulate()
        self.flagged ^= {self.index}
        self._save(self.index)

    @property
    def answered_count(self) -> int:
        return sum(a is not None for a in self.answers)

    def review_rows(self) -> list[ReviewRow]:
        """Every question for the review before hand-in: answered or not, flagged, time spent."""
        self._accumulate()
        return [
            ReviewRow(
                index=i,
                question_id=inst.question.id,
                topic=inst.question.topic,
                answered=answer is not None,
                flagged=i in self.flagged,
                answer=None if answer is None else " ".join(answer.split()),
                time_s=self.times[i],
                kept=i in self.kept,
                typed=None if i not in self.handed_drafts() else " ".join(self.drafts[i].split()),
                typed_problem=self.draft_problem(i),
            )
            for i, (inst, answer) in enumerate(zip(self.instances, self.answers, strict=True))
        ]

    # --- the end ----------------------------------------------------------------------------
    def finish(self) -> MockReport:
        """Grade every answer, record them (mode "mock"), make misses due in the drill, store the
        report. Open text answers wait for a self-grade in the report. Calling twice is harmless."""
        if self.report is not None:
            return self.report
        self.unpause()
        self._adopt_drafts()
        self.checkpoint()
        self.settle()  # grading reads the store: every answer issued is in it first
        self.report = hand_in(self)
        return self.report

    def grade_open_answers(self, grades: Mapping[int, Sequence[int]]) -> None:
        """Self-grades for the handed-in report's open answers, recorded with this clock."""
        if self.report is None:
            raise RuntimeError("the interview has not been handed in")
        grade_open_answers(self.store, self.report, grades, self.clock)

    def _adopt_drafts(self) -> None:
        """At hand-in a readable draft counts, as pens down keeps the one being typed (the
        review said which drafts cannot be read, and hand-in asked about them first)."""
        for idx, text in sorted(self.drafts.items()):
            if idx in self.kept or idx in self.stale_drafts:
                continue  # typed for numbers no longer drawn: not an answer to these
            if self.draft_problem(idx) is None:
                self.answers[idx] = text
                self._save(idx)
        self.drafts.clear()


def unfinished(store: Store) -> MockRow | None:
    """The interrupted interview to offer for resuming (the latest running one), if any."""
    return store.unfinished_mock()


def changed_since_start(packset: PackSet, store: Store, row: MockRow) -> list[Changed]:
    """The interrupted interview's questions that no longer draw as they were asked (nothing is
    written; a question that cannot be drawn at all is left to `resume` to refuse)."""
    from qkv_drill.session.mock_redraw import RedrawError, answered_indices, redraw

    answered = answered_indices(store.mock_answers(row.id))
    try:
        return redraw(packset, json.loads(row.plan_json), answered).changed
    except (RedrawError, ValueError, KeyError, TypeError):
        return []


def grade_as_it_stands(
    packset: PackSet, store: Store, mock_id: int, clock: Clock = SYSTEM_CLOCK
) -> MockReport:
    """Hand in an interrupted interview without resuming the countdown."""
    return MockSession.resume(packset, store, mock_id, clock).finish()
