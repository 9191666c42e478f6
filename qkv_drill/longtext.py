"""Text that may be too long to show whole: an error's details, a value from a hostile file.

What a user must act on is shown whole (the screen wraps it). Only text that can be arbitrarily
large (a 1 MB line in a pack, a runaway traceback) is bounded, and then the cut is said where it
is made: "… (12,345 more characters)". Nothing is ever cut silently at a fixed length.
"""

from __future__ import annotations

MAX_DETAIL_CHARS = 4_000  # an error's details: far more than any real message, bounded for junk


def left_out(n: int, which: str = "more") -> str:
    """The marker for `n` characters not shown: "… (1,234 more characters)"."""
    return f"… ({n:,} {which} character{'' if n == 1 else 's'})"


def bounded(text: str, limit: int = MAX_DETAIL_CHARS) -> str:
    """`text` whole when it has at most `limit` characters, else its start and how much is left
    out."""
    if len(text) <= limit:
        return text
    return text[:limit] + " " + left_out(len(text) - limit)


def bounded_tail(text: str, limit: int = MAX_DETAIL_CHARS) -> str:
    """The same, keeping the end (a traceback's last lines hold the error)."""
    if len(text) <= limit:
        return text
    return with_earlier(text[-limit:], len(text) - limit)


def with_earlier(tail: str, earlier: int) -> str:
    """A tail someone else kept, with how much came before it said first."""
    return f"{left_out(earlier, 'earlier')}\n{tail}" if earlier > 0 else tail


def one_line_detail(error: BaseException | str, limit: int = MAX_DETAIL_CHARS) -> str:
    """An exception's message on one line (its whitespace runs made single spaces), bounded."""
    return bounded(" ".join(str(error).split()), limit)
