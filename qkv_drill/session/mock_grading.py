"""Grading a mock interview: at hand-in every answer is checked, recorded (mode "mock") and
turned into a report item; open answers are graded later against their rubric. Every record is
made by `records.make_record` with the session's clock, and the report stays plain data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from qkv_drill.packs.fingerprint import drawn
from qkv_drill.present.formats import shape_tuple
from qkv_drill.present.trace_text import step_note
from qkv_drill.session.clock import SYSTEM_CLOCK, Clock
from qkv_drill.session.drill import schedule_misses
from qkv_drill.session.records import asked_of, make_record, misconception_name
from qkv_drill.session.report import MockReport, PastScore, ReportItem
from qkv_drill.store.records import asked_fields

KEPT_MESSAGE = (
    "Kept as given, not graded: the question changed in its pack after this answer (shown "
    "here as it was asked); its numbers are no longer drawn."
)

if TYPE_CHECKING:
    from qkv_drill.engine.trace import Trace
    from qkv_drill.packs.instance import Instance
    from qkv_drill.session.mock import MockSession
    from qkv_drill.store import Store


def hand_in(session: MockSession) -> MockReport:
    """Grade every answer, record them, make misses due in the drill, store the report. Open
    text answers wait for a self-grade. A hand-in killed half-way left some answers recorded:
    those are never recorded twice."""
    from qkv_drill.exercises.warm import prestart_for
    from qkv_drill.packs.check import check

    for inst, text in zip(session.instances, session.answers, strict=True):
        if text is not None:  # an exercise is graded by a waiting child, as on the code screen
            prestart_for(inst.question)
    store = session.store
    now = session.clock.now()
    already = store.recorded_for_mock(session.mock_id)
    items: list[ReportItem] = []
    misses: list[str] = []

    def record(inst: Instance, idx: int, text: str, verdict: str, mis: str | None) -> None:
        if inst.question.id in already:
            return
        ms = round(session.times[idx] * 1000)
        store.record_answer(
            make_record(
                inst,
                answer_text=text,
                verdict=verdict,
                misconception=mis,
                response_ms=ms,
                mode="mock",
                ts=now,
                mock_id=session.mock_id,
            )
        )

    for idx, inst in enumerate(session.instances):
        item = report_item(session, idx, inst)
        text = session.answers[idx]
        if idx in session.kept:  # answered, then its question changed: nothing checks it fairly
            item.status = "kept"
            item.message = KEPT_MESSAGE
            items.append(item)
            continue
        verdict = check(inst, text) if text is not None else None
        if text is None or verdict is None or verdict.status == "unparseable":
            item.status = "unanswered"
            item.user_answer = None
            record(inst, idx, "", "skipped", None)
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
                item.misconception_title = m.title
                item.misconception_feedback = m.feedback
            record(inst, idx, text, verdict.status, misconception_name(verdict))
            if verdict.status != "correct":
                misses.append(inst.question.id)
        items.append(item)
    schedule_misses(store, misses, now)
    row = store.get_mock(session.mock_id)
    report = MockReport(
        mock_id=session.mock_id,
        started_utc=_iso(row.started_utc) if row is not None else "",
        finished_utc=_iso(now),
        duration_s=session.duration_s,
        used_s=round(session.used_s(), 3),
        seed=session.seed,
        items=items,
        history=past_scores(store, exclude=session.mock_id),
        pauses=[round(p, 3) for p in session.pauses],
    )
    store.finish_mock(session.mock_id, report.to_json())
    return report


def grade_open_answers(
    store: Store,
    report: MockReport,
    grades: Mapping[int, Sequence[int]],
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Self-grades for open answers ({question index: covered points, 0-based}): the report is
    updated and stored; an answer graded for the first time is recorded, a miss made due."""
    now = clock.now()
    first_time = report.apply_self_grades(grades)
    for item in first_time:
        store.record_answer(
            make_record(
                item,
                answer_text=item.user_answer or "",
                verdict=item.status,
                misconception=None,
                response_ms=round(item.time_s * 1000),
                mode="mock",
                ts=now,
                mock_id=report.mock_id,
            )
        )
    schedule_misses(store, [i.question_id for i in first_time if i.status != "correct"], now)
    store.finish_mock(report.mock_id, report.to_json())


def trace_lines(trace: Trace | None) -> list[str]:
    """One line per derivation step: "name: formula  (shape) (note)"."""
    lines = []
    for step in trace.steps if trace is not None else ():
        shape = step.shape
        line = f"{step.name}: {step.formula}" + (f"  {shape_tuple(shape)}" if shape else "")
        note = step_note(step)
        lines.append(line + (f" ({note})" if note else ""))
    return lines


def report_item(session: MockSession, idx: int, inst: Instance) -> ReportItem:
    """The question as asked and as answered; `hand_in` fills in the verdict."""
    q = inst.question
    return ReportItem(
        idx=idx,
        **asked_fields(asked_of(inst)),
        prompt=inst.prompt,
        user_answer=session.answers[idx],
        expected=inst.expected_display,
        status="unanswered",
        explanation=q.explanation or "",
        trace=trace_lines(inst.trace),
        time_s=round(session.times[idx], 3),
        budget_s=session.budget_s(idx),
        flagged=idx in session.flagged,
        options=list(inst.options),
        model_answer=q.model_answer or "",
        rubric=[r.point for r in q.rubric],
        pack_version=q.pack_version,
        drawn=drawn(inst),
    )


def _iso(value: datetime | str) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value)


def past_scores(store: Store, exclude: int | None = None) -> list[PastScore]:
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
                # graded questions only: an open answer never graded is not a wrong one
                total=int(summary.get("total", 0))
                - len(summary.get("pending", []))
                - len(summary.get("kept", [])),
            )
        )
    return out
