"""Where a mock interview's answers are when grading fails: what the user may be told.

"Every answer is saved" is true only when the store is writing its file and nothing waits behind
another program's lock; otherwise the sentence says where the answers are and what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkv_drill.store import Store

RESUME = "Restart qkv-drill and choose Grade on the resume screen."


def where_answers_are(store: Store) -> str:
    """One or two sentences, true for the store's state right now."""
    if not store.persistent:
        return (
            "Progress is not being saved (the progress store said why): the answers are in "
            "memory only and are lost when qkv-drill closes, so no restart can grade them."
        )
    waiting = store.pending
    if not waiting:
        return f"Every answer is saved. {RESUME}"
    writes = f"{waiting} write{'s' if waiting != 1 else ''}"
    kept = store.journal_path
    if kept is not None:
        return (
            f"{writes} wait for another program to release the progress file; they are kept in "
            f"{kept} and written once it is free, or at the next start. {RESUME}"
        )
    return (
        f"{writes} wait for another program to release the progress file and are in memory "
        "only: keep qkv-drill open until it says they are saved, then restart and choose Grade "
        "on the resume screen."
    )
