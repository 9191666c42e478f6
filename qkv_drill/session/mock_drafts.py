"""Drafts: what is typed in a mock answer box but not yet handed in, kept so a killed interview
loses nothing.

A draft is not an answer (the interview may still change it, and only enter, moving on or pens
down make it one), so it is stored beside the answers: in `mock_answers` at index `-1 - i` for
question `i`. No schema change is needed, and readers that only know answers skip negative
indices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkv_drill.store import MockAnswerRow, Store


def slot(idx: int) -> int:
    """The mock_answers index that holds question `idx`'s draft."""
    return -1 - idx


def load(store: Store, mock_id: int, n: int) -> dict[int, str]:
    """Question index -> non-empty draft text, for questions 0..n-1."""
    drafts = {}
    for idx, row in store.mock_answers(mock_id).items():
        question = slot(idx)  # slot() is its own inverse
        if idx < 0 and 0 <= question < n and row.answer_text:
            drafts[question] = row.answer_text
    return drafts


def save(store: Store, mock_id: int, idx: int, text: str | None) -> None:
    """Checkpoint (or, with None / empty text, clear) question `idx`'s draft."""
    store.save_mock_answer(mock_id, slot(idx), text or None, 0, False)


def answered(rows: dict[int, MockAnswerRow]) -> int:
    """How many questions have an answer (drafts not counted)."""
    return sum(1 for idx, row in rows.items() if idx >= 0 and row.answer_text is not None)
