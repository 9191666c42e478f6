"""Drafts: what is typed in a mock answer box but not yet handed in, kept so a killed interview
loses nothing; and the pauses taken, kept so a resumed interview's report still shows them.

A draft is not an answer (the interview may still change it, and only enter, moving on or pens
down make it one), so it is stored beside the answers: in `mock_answers` at index `-1 - i` for
question `i`. The pauses (seconds each, as JSON) sit at `PAUSES_SLOT`, far below any draft. No
schema change is needed, and readers that only know answers skip negative indices.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkv_drill.store import MockAnswerRow, Store

PAUSES_SLOT = -1_000_000  # below the draft of any question an interview can hold


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
    """Checkpoint (or, with None / empty text, clear) question `idx`'s draft (issued to the
    store's writer thread, in order behind the answers before it)."""
    store.save_mock_answer(mock_id, slot(idx), text or None, 0, False, wait=False)


def answered(rows: dict[int, MockAnswerRow]) -> int:
    """How many questions have an answer (drafts not counted)."""
    return sum(1 for idx, row in rows.items() if idx >= 0 and row.answer_text is not None)


def save_pauses(store: Store, mock_id: int, lengths: list[float]) -> None:
    """Checkpoint the pauses taken so far (the one still running with its length so far)."""
    text = json.dumps([round(x, 3) for x in lengths]) if lengths else None
    store.save_mock_answer(mock_id, PAUSES_SLOT, text, 0, False, wait=False)


def load_pauses(store: Store, mock_id: int) -> list[float]:
    """The pauses checkpointed for this interview; anything unreadable counts as none."""
    row = store.mock_answers(mock_id).get(PAUSES_SLOT)
    try:
        lengths = json.loads(row.answer_text) if row is not None and row.answer_text else []
    except (TypeError, ValueError):
        return []
    if not isinstance(lengths, list):
        return []
    return [
        float(x)
        for x in lengths
        if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x >= 0
    ]
