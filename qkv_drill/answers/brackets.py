"""Brackets in typed answers: balanced, matched, unwrapped, and split only at the top level.

Shapes and matrices are bracketed lists (`(2, 10, 64)`, `[[1, 2], [3, 4]]`, `torch.Size([..])`);
these helpers find their structure before `parse` reads the values.
"""

from __future__ import annotations

from collections.abc import Callable

OPEN = {"(": ")", "[": "]", "{": "}"}
CLOSE = {v: k for k, v in OPEN.items()}


class Unreadable(Exception):
    """What was typed cannot be read; the message says why (a ParseError once it reaches
    `parse_answer`)."""


def check_brackets(text: str) -> None:
    """Balanced (), [], {}; the message names the bracket that is missing."""
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in OPEN:
            stack.append((ch, i))
        elif ch in CLOSE:
            if not stack:
                raise Unreadable(f"unexpected {ch!r} at position {i + 1}: nothing to close")
            opened, _ = stack.pop()
            if OPEN[opened] != ch:
                raise Unreadable(f"{ch!r} at position {i + 1} does not match {opened!r}")
    if stack:
        opened, pos = stack[-1]
        raise Unreadable(f"missing {OPEN[opened]!r} to close the {opened!r} at position {pos + 1}")


def matching(text: str, start: int) -> int:
    """Index of the bracket closing the one at `start` (brackets already balanced)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in OPEN:
            depth += 1
        elif text[i] in CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return -1  # pragma: no cover - balanced input always closes


def strip_wrapper(text: str, prefixes: tuple[str, ...]) -> str:
    """`torch.Size([..])` / `tensor([..])` -> `[..]`; outer brackets kept."""
    s = text.strip()
    low = s.lower()
    for p in prefixes:
        if low.startswith(p + "(") and s.endswith(")") and matching(s, len(p)) == len(s) - 1:
            return s[len(p) + 1 : -1].strip()
    return s


def unwrap(s: str) -> tuple[str, bool]:
    """Remove one pair of brackets that encloses the whole text."""
    s = s.strip()
    if s and s[0] in OPEN and matching(s, 0) == len(s) - 1:
        return s[1:-1].strip(), True
    return s, False


def nesting(ch: str, depth: int) -> int:
    """The bracket depth after `ch`: one deeper after an opening bracket, one less after a
    closing one."""
    return depth + (ch in OPEN) - (ch in CLOSE)


def split_top(s: str, is_sep: Callable[[str, int], int]) -> list[tuple[str, str]]:
    """Split at depth-0 separators; returns (piece, separator that ended it)."""
    parts: list[tuple[str, str]] = []
    depth, start, i = 0, 0, 0
    while i < len(s):
        depth = nesting(s[i], depth)
        width = is_sep(s, i) if depth == 0 and s[i] not in CLOSE else 0
        if width:
            parts.append((s[start:i], s[i : i + width]))
            start = i + width
            i += width
            continue
        i += 1
    parts.append((s[start:], ""))
    return parts
