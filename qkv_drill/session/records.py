"""Turning an answered instance into a stored `AnswerRecord` (one place, so every mode agrees)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from qkv_drill.packs.fingerprint import drawn, params_json
from qkv_drill.store.records import AnswerRecord, Asked, asked_fields

if TYPE_CHECKING:
    from qkv_drill.packs.check import Verdict
    from qkv_drill.packs.instance import Instance


def self_grade_passes(covered: Sequence[int], n_points: int) -> bool:
    """The pack layer's rule, so every mode agrees: at least two thirds of the rubric points."""
    from qkv_drill.packs.check import text_passes  # checking (numpy) loads only when grading

    return text_passes(len({i for i in covered if 0 <= i < n_points}), n_points)


def stored_text(text: str) -> str:
    """An answer as stored: whole up to the limit, so no answer can take more than its share."""
    from qkv_drill.packs.limits import MAX_STORED_ANSWER_TEXT_BYTES as cap

    data = text.encode("utf-8")
    if len(data) <= cap:
        return text
    kept = data[: cap - 64].decode("utf-8", errors="ignore")
    return f"{kept}\n[... cut: the answer was {len(data):,} bytes; {cap:,} are kept]"


def misconception_name(verdict: Verdict) -> str | None:
    m = verdict.misconception
    return m.name if m is not None else None


def asked_of(instance: Instance) -> Asked:
    """What a drawn instance asks, as the store keeps it."""
    q = instance.question
    return Asked(
        question_id=q.id,
        pack_id=q.pack_id,
        topic=q.topic,
        difficulty=q.difficulty,
        qtype=q.type,
        params_json=params_json(instance.params),
        seed=instance.seed,
    )


def make_record(
    asked: Instance | Asked,
    *,
    answer_text: str,
    verdict: str,
    misconception: str | None,
    response_ms: int,
    mode: str,
    ts: datetime,
    mock_id: int | None = None,
) -> AnswerRecord:
    """An `AnswerRecord` for the store; `verdict` is 'correct', 'wrong' or 'skipped'.

    `asked` is a drawn instance or anything that is an `Asked` (a mock report item, which
    carries its draw's pack version and digest too). The record keeps both, so a later redraw
    from its id and seed can be told to be the draw answered or not."""
    if isinstance(asked, Asked):
        version, digest = getattr(asked, "pack_version", None), getattr(asked, "drawn", None)
    else:
        version, digest = asked.question.pack_version, drawn(asked)
        asked = asked_of(asked)
    if asked.qtype == "code":
        from qkv_drill.exercises.instance import stored_code

        answer_text = stored_code(answer_text)
    return AnswerRecord(
        ts_utc=ts,
        **asked_fields(asked),
        answer_text=stored_text(answer_text),
        verdict=verdict,
        misconception=misconception,
        response_ms=int(response_ms),
        mode=mode,
        mock_id=mock_id,
        pack_version=version,
        drawn=digest,
    )
