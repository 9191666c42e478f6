"""What undoing one answer needs: the stored row to delete and what to put back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance


@dataclass(frozen=True, kw_only=True)
class UndoEntry:
    """One recorded answer of this session, newest last on the session's undo stack."""

    answer_id: int
    instance: Instance  # the drawn question, asked again with the same numbers
    verdict: str
    card_json: str | None  # the drill card before this answer; None: none (or practice)
    hints_used: int = 0  # hints read before this answer: still read when it is asked again
