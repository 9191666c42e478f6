"""One answer record builder for the store tests, which need many distinct answers and care only
about which question, seed and text each one has."""

from __future__ import annotations

from datetime import UTC, datetime

from qkv_drill.store import AnswerRecord


def answer_record(
    key: int | str, *, text: str | None = None, ts: datetime = datetime(2026, 1, 1, tzinfo=UTC)
) -> AnswerRecord:
    """A correct numeric answer to question `q.<key>`, answered at `ts` (2026-01-01 UTC) in 100 ms;
    the seed is `key` when it is a number, and the text is `key` unless `text` is given."""
    return AnswerRecord(
        question_id=f"q.{key}",
        pack_id="p",
        topic="shapes",
        difficulty="easy",
        qtype="numeric",
        params_json="{}",
        seed=key if isinstance(key, int) else 1,
        answer_text=str(key) if text is None else text,
        verdict="correct",
        response_ms=100,
        ts_utc=ts,
    )
