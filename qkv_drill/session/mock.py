"""The timed mock interview: a fixed plan of questions, a countdown, no feedback until the end.

Time is `deadline - clock.monotonic()` (never counted ticks), checkpointed to the store every few
seconds and on every answer, so a killed process resumes with the time it had at the last
checkpoint. The plan (question ids + instance seeds) is stored when the interview is created, so
a resume rebuilds exactly the same numbers.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from qkv_drill.present.formats import shape_tuple
from qkv_drill.session import mock_drafts
from qkv_drill.session.clock import SYSTEM_CLOCK, Clock
from qkv_drill.session.drill import schedule_misses
from qkv_drill.session.filters import Filter
from qkv_drill.session.records import make_record, misconception_name
from qkv_drill.session.report import MockReport, PastScore, ReportItem

CHECKPOINT_EVERY_S = 3.0
SEED_RANGE = 2**31
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}


@dataclass
class MockSettings:
    minutes: float = 20.0
    questions: int = 10
    topics: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    seed: int | None = None
    packs: tuple[str, ...] = ()  # pack ids; empty means every pack
    code: bool = False  # include one "implement it" exercise (its time budget is added)
    allow_pause: bool = False  # a real interview has no pause button; off unless asked for

    @classmethod
    def from_args(cls, args: Any) -> MockSettings:
        return cls(
            minutes=float(getattr(args, "minutes", 20.0) or 20.0),
            questions=int(getattr(args, "questions", 10) or 10),
            topics=tuple(getattr(args, "topic", None) or ()),
            difficulties=tuple(getattr(args, "difficulty", None) or ()),
            seed=getattr(args, "seed", None),
            packs=tuple(getattr(args, "pack_id", None) or ()),
            code=bool(getattr(args, "code", False)),
            allow_pause=bool(getattr(args, "allow_pause", False)),
        )


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


class MockResumeError(Exception):
    """The stored interview cannot be rebuilt (for example its pack was removed)."""


def plan_questions(pool: list[Any], n: int, rng: random.Random) -> list[Any]:
    """Pick n questions balanced across topics and difficulties.

    Round-robin over topic buckets (in a seeded order, always serving the topic with the fewest
    picks); from each bucket take the difficulty least represented so far. One open "say it out
    loud" question is reserved first when the pool has any, and asked last. Never the same
    question twice.
    """
    buckets: dict[str, dict[str, list[Any]]] = {}
    for q in sorted(pool, key=lambda q: q.id):
        buckets.setdefault(q.topic, {}).setdefault(q.difficulty, []).append(q)
    for by_diff in buckets.values():
        for qs in by_diff.values():
            rng.shuffle(qs)
    topics = sorted(buckets)
    rng.shuffle(topics)
    per_diff: Counter[str] = Counter()
    per_topic: Counter[str] = Counter()
    chosen: list[Any] = []

    def take(q: Any) -> None:
        buckets[q.topic][q.difficulty].remove(q)
        chosen.append(q)
        per_diff[q.difficulty] += 1
        per_topic[q.topic] += 1

    texts = sorted((q for q in pool if q.type == "text"), key=lambda q: q.id)
    if texts and n > 0:
        take(rng.choice(texts))
    while len(chosen) < n:
        open_topics = [t for t in topics if any(buckets[t].values())]
        if not open_topics:
            break
        topic = min(open_topics, key=lambda t: per_topic[t])
        avail = [d for d, qs in sorted(buckets[topic].items()) if qs]
        rng.shuffle(avail)
        d = min(avail, key=lambda d: per_diff[d])
        take(buckets[topic][d][-1])
    if texts and len(chosen) > 1:
        chosen.append(chosen.pop(0))  # the open question closes the interview
    return chosen


class MockSession:
    """One interview; the TUI and the plain mode drive it, tests drive it with a FakeClock."""

    def __init__(
        self,
        store: Any,
        mock_id: int,
        instances: list[Any],
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

    # --- creating and resuming --------------------------------------------------------------
    @classmethod
    def create(
        cls, packset: Any, store: Any, settings: MockSettings, clock: Clock = SYSTEM_CLOCK
    ) -> MockSession:
        from qkv_drill.cliargs import MINUTES
        from qkv_drill.packs.instance import InstanceError, draw

        minutes = float(settings.minutes)
        if not (math.isfinite(minutes) and MINUTES[0] <= minutes <= MINUTES[1]):
            raise ValueError(
                f"minutes must be from {MINUTES[0]:g} to {MINUTES[1]:g}, not {minutes}"
            )
        seed = settings.seed
        if seed is None:
            seed = random.SystemRandom().randrange(SEED_RANGE)
        rng = random.Random(seed)
        flt = Filter(
            topics=frozenset(settings.topics),
            packs=frozenset(settings.packs),
            difficulties=frozenset(settings.difficulties),
        )
        pool = flt.select(packset.questions.values())
        # Code exercises take minutes each: one is asked only with --code (or when the filter
        # leaves nothing else).
        coding = sorted((q for q in pool if q.type == "code"), key=lambda q: q.id)
        if len(coding) < len(pool) or settings.code:
            pool = [q for q in pool if q.type != "code"]
        exercise = rng.choice(coding) if settings.code and coding else None
        questions = plan_questions(pool, settings.questions - (exercise is not None), rng)
        if exercise is not None:
            questions.append(exercise)
        if not questions:
            raise ValueError(f"no questions match ({flt.describe()})")
        plan, instances = [], []
        skipped: list[str] = []
        for q in questions:
            seed_q = rng.randrange(SEED_RANGE)
            try:
                instances.append(draw(q, seed_q))
            except InstanceError as e:
                skipped.append(f"skipped: {e}")  # left out of the interview, and said why
                continue
            plan.append({"question_id": q.id, "seed": seed_q})
        if not instances:
            raise ValueError("none of the matching questions can be drawn; run qkv-drill validate")
        duration = minutes * 60.0
        if exercise is not None and any(i.question is exercise for i in instances):
            duration += exercise.time_budget
        stored = asdict(settings) | {"seed": seed}
        mock_id = store.create_mock(json.dumps(stored), seed, duration, json.dumps(plan))
        session = cls(
            store,
            mock_id,
            instances,
            duration,
            0.0,
            clock,
            seed,
            allow_pause=settings.allow_pause,
        )
        session.draw_errors = skipped
        return session

    @classmethod
    def resume(
        cls, packset: Any, store: Any, mock_id: int, clock: Clock = SYSTEM_CLOCK
    ) -> MockSession:
        """Rebuild an interrupted interview: same instances, saved answers and flags, and the time
        left at the last checkpoint."""
        from qkv_drill.packs.instance import InstanceError, draw

        row = store.get_mock(mock_id)
        if row is None:
            raise MockResumeError(f"no mock interview {mock_id}")
        instances = []
        for p in json.loads(row.plan_json):
            question = packset.questions.get(p["question_id"])
            if question is None:
                raise MockResumeError(
                    f"question {p['question_id']} of interview {mock_id} is no longer in any pack"
                )
            try:
                instances.append(draw(question, int(p["seed"])))
            except InstanceError as e:
                raise MockResumeError(str(e)) from e
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
        for idx, a in store.mock_answers(mock_id).items():
            if not 0 <= idx < len(instances):  # drafts sit at negative indices
                continue
            session.answers[idx] = a.answer_text
            session.times[idx] = (a.time_ms or 0) / 1000
            if a.flagged:
                session.flagged.add(idx)
        session.drafts = mock_drafts.load(store, mock_id, len(instances))
        unanswered = [i for i, a in enumerate(session.answers) if a is None]
        session.index = unanswered[0] if unanswered else 0
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
        return length

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
        self.store.checkpoint_mock(self.mock_id, self.used_s())
        self._last_checkpoint = self._now()

    def tick(self) -> bool:
        """Checkpoint the time used (every few seconds at most); True when time is up."""
        if self._now() - self._last_checkpoint >= CHECKPOINT_EVERY_S:
            self.checkpoint()
        return self.remaining() <= 0

    @property
    def time_up(self) -> bool:
        return self.remaining() <= 0

    # --- navigation -------------------------------------------------------------------------
    @property
    def current(self) -> Any:
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
            self.mock_id, idx, self.answers[idx], round(self.times[idx] * 1000), idx in self.flagged
        )

    def answer(self, text: str) -> str | None:
        """Save the answer to the current question at once (no verdict until the end).

        Returns None when saved, or the parser's message (nothing saved) when the answer cannot
        be read, or a message when time is up.
        """
        from qkv_drill.answers.parse import ParseError, parse_answer

        if self.report is not None or self.time_up:
            return "Time is up: the interview is over."
        inst = self.current
        parsed = parse_answer(inst.question.type, text, len(inst.options) or None)
        if isinstance(parsed, ParseError):
            return parsed.message
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
        if keep == self.drafts.get(idx) or self.report is not None:
            return
        if keep is None:
            self.drafts.pop(idx, None)
        else:
            self.drafts[idx] = keep
        mock_drafts.save(self.store, self.mock_id, idx, keep)

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
            )
            for i, (inst, answer) in enumerate(zip(self.instances, self.answers, strict=True))
        ]

    # --- the end ----------------------------------------------------------------------------
    def finish(self) -> MockReport:
        """Grade every answer, record them (mode "mock"), make misses due in the drill, store the
        report. Open text answers wait for a self-grade in the report. Calling twice is harmless."""
        if self.report is not None:
            return self.report
        from qkv_drill.packs.check import check

        self.unpause()
        self._adopt_drafts()
        self.checkpoint()
        now = self.clock.now()
        # A hand-in killed half-way left some answers recorded: never record those twice.
        self._already_recorded = self.store.recorded_for_mock(self.mock_id)
        items, misses = [], []
        for idx, inst in enumerate(self.instances):
            item = self._item(idx, inst)
            text = self.answers[idx]
            verdict = check(inst, text) if text is not None else None
            if text is None or verdict is None or verdict.status == "unparseable":
                item.status = "unanswered"
                item.user_answer = None
                self._record(inst, idx, "", "skipped", None, now)
                misses.append(inst.question.id)
            elif verdict.status == "self_grade":
                item.status = "pending"
                item.rubric_hits = [bool(h) for h in verdict.rubric_hits]
            else:
                item.status = verdict.status
                item.message = verdict.message
                item.expected = verdict.expected_display or item.expected
                m = verdict.misconception
                if m is not None:
                    item.misconception = m.name
                    item.misconception_title = getattr(m, "title", "")
                    item.misconception_feedback = getattr(m, "feedback", "")
                self._record(inst, idx, text, verdict.status, misconception_name(verdict), now)
                if verdict.status != "correct":
                    misses.append(inst.question.id)
            items.append(item)
        schedule_misses(self.store, misses, now)
        row = self.store.get_mock(self.mock_id)
        self.report = MockReport(
            mock_id=self.mock_id,
            started_utc=_iso(getattr(row, "started_utc", "")),
            finished_utc=_iso(now),
            duration_s=self.duration_s,
            used_s=round(self.used_s(), 3),
            seed=self.seed,
            items=items,
            history=past_scores(self.store, exclude=self.mock_id),
            store=self.store,
            pauses=[round(p, 3) for p in self.pauses],
        )
        self.store.finish_mock(self.mock_id, self.report.to_json())
        return self.report

    def _adopt_drafts(self) -> None:
        """At hand-in a readable draft counts, as pens down keeps the one being typed."""
        from qkv_drill.answers.parse import ParseError, parse_answer

        for idx, text in sorted(self.drafts.items()):
            inst = self.instances[idx]
            n = len(inst.options) or None
            if not isinstance(parse_answer(inst.question.type, text, n), ParseError):
                self.answers[idx] = text
                self._save(idx)
        self.drafts.clear()

    def _record(self, inst: Any, idx: int, text: str, verdict: str, mis: str | None, now) -> None:
        rec = make_record(
            inst,
            answer_text=text,
            verdict=verdict,
            misconception=mis,
            response_ms=round(self.times[idx] * 1000),
            mode="mock",
            ts=now,
            mock_id=self.mock_id,
        )
        if inst.question.id in self._already_recorded:
            return
        self.store.record_answer(rec)

    def _item(self, idx: int, inst: Any) -> ReportItem:
        q = inst.question
        trace = getattr(inst, "trace", None)
        steps = []
        for step in getattr(trace, "steps", None) or ():
            shape = getattr(step, "shape", None)
            line = f"{step.name}: {step.formula}" + (f"  {shape_tuple(shape)}" if shape else "")
            steps.append(line + (f" ({step.note})" if getattr(step, "note", "") else ""))
        from qkv_drill.session.records import params_json

        return ReportItem(
            idx=idx,
            question_id=q.id,
            pack_id=q.pack_id,
            topic=q.topic,
            difficulty=q.difficulty,
            qtype=q.type,
            prompt=inst.prompt,
            seed=inst.seed,
            params_json=params_json(inst.params),
            user_answer=self.answers[idx],
            expected=inst.expected_display,
            status="unanswered",
            explanation=q.explanation or "",
            trace=steps,
            time_s=round(self.times[idx], 3),
            budget_s=self.budget_s(idx),
            flagged=idx in self.flagged,
            options=list(inst.options),
            model_answer=q.model_answer or "",
            rubric=[getattr(r, "point", str(r)) for r in (q.rubric or ())],
        )


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value)


def past_scores(store: Any, exclude: int | None = None) -> list[PastScore]:
    """Scores of the finished interviews, oldest first."""
    out = []
    for row in store.mock_history():
        if row.id == exclude or not row.report_json:
            continue
        summary = json.loads(row.report_json).get("summary", {})
        out.append(
            PastScore(
                mock_id=row.id,
                finished_utc=_iso(row.finished_utc or ""),
                correct=int(summary.get("correct", 0)),
                total=int(summary.get("total", 0)),
            )
        )
    return out


def unfinished(store: Any) -> Any | None:
    """The interrupted interview to offer for resuming (the latest running one), if any."""
    return store.unfinished_mock()


def grade_as_it_stands(
    packset: Any, store: Any, mock_id: int, clock: Clock = SYSTEM_CLOCK
) -> MockReport:
    """Hand in an interrupted interview without resuming the countdown."""
    return MockSession.resume(packset, store, mock_id, clock).finish()
