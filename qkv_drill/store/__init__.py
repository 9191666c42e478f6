"""SQLite progress store: answers, drill cards and mock interviews (WAL, migrations)."""

from qkv_drill.store.store import (
    AnswerRecord,
    CardRow,
    MockAnswerRow,
    MockRow,
    Store,
)

__all__ = ["AnswerRecord", "CardRow", "MockAnswerRow", "MockRow", "Store"]
