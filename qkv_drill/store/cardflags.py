"""Suspend, bury and undo in the progress store, plus the per-question reads the browser needs.

A suspended question is left out of drill until it is unsuspended; a buried one until the next
local midnight. Both live in `card_flags`, apart from the FSRS card, so a question never drilled
can be held back too. Undo deletes one answer (a trigger takes it out of the per-topic totals)
and puts the drill card back as it was before that answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from qkv_drill.store import operations as ops
from qkv_drill.store.records import ANSWERED_SQL, from_iso, to_iso

if TYPE_CHECKING:
    from collections.abc import Callable

    from qkv_drill.store.operations import WriteOp


@dataclass(frozen=True)
class CardFlags:
    """How a question is held back from drill."""

    suspended: bool = False
    buried_until: datetime | None = None

    def held_back(self, now: datetime) -> bool:
        return self.suspended or (self.buried_until is not None and self.buried_until > now)


@dataclass(frozen=True)
class QuestionTally:
    """Every stored answer to one question, summed (skips count as attempts, not answers)."""

    attempts: int
    answered: int
    correct: int
    last_utc: datetime | None
    last_verdict: str | None


class CardFlagsMixin:
    """Writes and reads for suspend, bury, undo and per-question history; mixed into `Store`."""

    _now: Callable[[], datetime]  # Store's clock

    if TYPE_CHECKING:

        def _write(self, op: WriteOp, *args: Any) -> Any: ...

        def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...

        def _day_start(self, day: date) -> str: ...

        def local_today(self, now: datetime | None = None) -> date: ...

    # --- suspend and bury -------------------------------------------------------------------

    def set_suspended(self, question_id: str, suspended: bool = True) -> None:
        """Suspend (left out of drill until unsuspended) or unsuspend one question."""
        self._write(ops.set_suspended, question_id, bool(suspended))

    def bury(self, question_id: str, now: datetime | None = None) -> datetime:
        """Leave one question out of drill until the next local midnight; returns that instant."""
        tomorrow = self.local_today(now) + timedelta(days=1)
        until = self._day_start(tomorrow)
        self._write(ops.set_buried, question_id, until)
        return from_iso(until)

    def unbury(self, question_id: str) -> None:
        self._write(ops.set_buried, question_id, None)

    def card_flags(self) -> dict[str, CardFlags]:
        """Every question with a flag set (suspended, or buried now or in the past)."""
        rows = self._rows("SELECT question_id, suspended, buried_until FROM card_flags")
        return {
            q: CardFlags(bool(s), from_iso(b) if b else None)
            for q, s, b in rows
            if s or b is not None
        }

    def held_back(self, now: datetime | None = None) -> set[str]:
        """Question ids drill must not ask now: suspended, or buried past `now`."""
        rows = self._rows(
            "SELECT question_id FROM card_flags WHERE suspended != 0 OR buried_until > ?",
            (to_iso(now or self._now()),),
        )
        return {r[0] for r in rows}

    # --- undo -------------------------------------------------------------------------------

    def delete_answer(self, answer_id: int) -> bool:
        """Remove one stored answer (undo); returns whether it existed."""
        return bool(self._write(ops.delete_answer, int(answer_id)))

    def restore_card(self, question_id: str, card_json: str | None, due: datetime | None) -> None:
        """Put a drill card back as it was; None removes it (the question was new)."""
        due_at = to_iso(due) if due is not None else None
        self._write(ops.restore_card, question_id, card_json, due_at, to_iso(self._now()))

    def card_due(self, question_id: str) -> datetime | None:
        rows = self._rows("SELECT due_utc FROM cards WHERE question_id = ?", (question_id,))
        return from_iso(rows[0][0]) if rows else None

    # --- per-question history ---------------------------------------------------------------

    def question_tallies(self) -> dict[str, QuestionTally]:
        """question id -> its attempts, answers, correct ones and the last one, in one pass."""
        # With a single MAX(), SQLite takes the bare `verdict` from the row that gave it.
        rows = self._rows(
            f"SELECT question_id, COUNT(*), SUM({ANSWERED_SQL}), SUM(verdict = 'correct'),"
            " MAX(ts_utc), verdict FROM answers GROUP BY question_id"
        )
        return {
            q: QuestionTally(int(n), int(a or 0), int(c or 0), from_iso(t) if t else None, v)
            for q, n, a, c, t, v in rows
        }

    def card_dues(self) -> dict[str, datetime]:
        """question id -> when its drill card is due (questions never drilled have none)."""
        return {q: from_iso(d) for q, d in self._rows("SELECT question_id, due_utc FROM cards")}
