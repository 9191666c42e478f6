"""Turn what people type into typed answers, or a message saying what form is expected.

A typo must never become a wrong mark: anything that cannot be read unambiguously is a
`ParseError` whose message shows an example of the expected form. Numbers go through the safe
evaluator in `expr`; nothing is ever passed to `eval`.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from qkv_drill.answers.brackets import (
    Unreadable,
    check_brackets,
    matching,
    nesting,
    split_top,
    strip_wrapper,
    unwrap,
)
from qkv_drill.answers.expr import ExprError, evaluate
from qkv_drill.answers.numbers import format_number as format_number  # (callers find it here)
from qkv_drill.present.forms import answer_form

KINDS = ("numeric", "shape", "matrix", "choice", "multi", "text", "code")
MAX_ANSWER_CHARS = 10_000
MAX_DIM = 10**15  # a shape entry larger than this is a typo, not a tensor
MAX_MATRIX_ENTRIES = 4096
EMPTY = "type an answer first"


@dataclass(frozen=True)
class Ok:
    value: Any


@dataclass(frozen=True)
class ParseError:
    message: str


Parsed = Ok | ParseError


def parse_answer(kind: str, text: str, n_options: int | None = None) -> Parsed:
    """Parse typed text as `kind`; never raises for any text."""
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}")
    if not isinstance(text, str) or not text.strip():
        return ParseError(EMPTY)
    if kind == "code":  # run, not parsed: exercises/runner.py has its own size limit
        return Ok(text)
    if len(text) > MAX_ANSWER_CHARS:
        return ParseError(f"that answer is too long (over {MAX_ANSWER_CHARS:,} characters)")
    if kind in ("numeric", "shape", "matrix"):
        text = _sentence_end(text)
    try:
        if kind == "numeric":
            return Ok(_number(text))
        if kind == "shape":
            return Ok(_shape(text))
        if kind == "matrix":
            return Ok(_matrix(text))
        if kind == "choice":
            return Ok(_choice(text, n_options))
        if kind == "multi":
            return Ok(_multi(text, n_options))
        return Ok(text.strip())
    except Unreadable as e:
        message = str(e)
        if kind in ("shape", "matrix") and "e.g." not in message:
            message += f"; write {answer_form(kind)}"
        return ParseError(message)
    except (RecursionError, MemoryError):  # belt and braces; limits should prevent these
        return ParseError(f"could not read that; expected {answer_form(kind)}")


def _sentence_end(text: str) -> str:
    """`0.125.` or `(2, 4).`: the full stop ends a sentence, it is not part of the answer."""
    s = text.rstrip()
    if len(s) > 1 and s.endswith(".") and s[-2] not in ". ":
        return s[:-1]
    return text


# --- numbers ---------------------------------------------------------------------------


_FACTOR = re.compile(r"^(?:[xX×]\s*(?P<lead>\S.*)|(?P<body>.*?\S)\s*(?:[xX×]|times|-?\s*fold))$")
"""`8x`, `×8`, `8 times`, `8-fold`: how a factor is said; the number alone is the answer."""


def _number(text: str, what: str = "numeric") -> float:
    text = text.strip()
    if text[:1] in ("=", "≈", "~"):  # people write "= 64" or "≈ 0.88"
        text = text[1:]
    factor = _FACTOR.match(text.strip()) if what == "numeric" else None
    if factor is not None:
        with contextlib.suppress(ExprError):
            return evaluate(factor.group("lead") or factor.group("body"))
    try:
        return evaluate(text)
    except ExprError as e:
        if e.message == EMPTY:
            raise Unreadable(EMPTY) from None
        joint = " " if e.message.endswith("?") else ". "
        raise Unreadable(f"{e.message}{joint}Write {answer_form(what)}.") from None


def _refuse_leading_zero(piece: str) -> None:
    """`(2,048)` or `1,024` in a list: commas separate entries here, so `048` would silently
    become 48. A leading zero before a digit is refused instead of guessed."""
    m = re.match(r"^[+\-−]?0\d", piece)
    if m:
        raise Unreadable(
            f"{piece!r} starts with 0: commas separate entries here, so write 1024 "
            "rather than 1,024 (and 0.5 rather than 0,5)"
        )


# --- shapes ----------------------------------------------------------------------------

_SHAPE_EX = "e.g. (2, 10, 64)"


def _shape_sep(s: str, i: int) -> int:
    ch = s[i]
    if ch in ",×":
        return 1
    if ch in "xX":
        before = s[i - 1] if i else " "
        after = s[i + 1] if i + 1 < len(s) else " "
        return 0 if (before.isalpha() or before == "_" or after.isalpha() or after == "_") else 1
    if ch == "*":
        # `**` is still a power inside an entry (2**6); a single `*` separates dimensions.
        if s.startswith("**", i) or (i and s[i - 1] == "*"):
            return 0
        return 1
    return 0


_BY = re.compile(r"(?<=[\w)\]])\s+by\s+(?=[\w(\[])", re.IGNORECASE)
"""`2 by 4`, as a shape is said out loud."""


def _shape(text: str) -> tuple[int, ...]:
    check_brackets(text)
    text = _BY.sub(" x ", text)
    s = strip_wrapper(text, ("torch.size", "size"))
    s, _ = unwrap(s)
    if s.startswith("[") or s.startswith("("):
        s, _ = unwrap(s)  # torch.Size([..]) and ([..])
    if not s:
        return ()
    parts = split_top(s, _shape_sep)
    if len(parts) > 1 and not parts[-1][0].strip() and parts[-2][1] == ",":
        parts = parts[:-1]  # (64,) has a trailing comma
    dims: list[int] = []
    for n, (piece, sep) in enumerate(parts, start=1):
        piece = piece.strip()
        if not piece:
            after = parts[n - 2][1] if n > 1 else sep
            where = f"after {after!r}" if n > 1 else f"before {sep!r}"
            raise Unreadable(f"a dimension is missing {where}; write a shape {_SHAPE_EX}")
        _refuse_leading_zero(piece)
        if re.search(r"[\d.)]\s+[\d.(]", piece) and not re.search(r"[+\-*/^×·÷]", piece):
            raise Unreadable(
                f"{piece!r} has spaces between numbers; separate dimensions with commas, "
                f"{_SHAPE_EX}"
            )
        try:
            value = evaluate(piece)
        except ExprError as e:
            raise Unreadable(
                f"dimension {n} ({piece!r}): {e.message}; write a shape {_SHAPE_EX}"
            ) from None
        if value <= 0 or value != math.floor(value):
            raise Unreadable(
                f"dimension {n} is {_fmt(value)}; dimensions are positive whole numbers"
            )
        if value > MAX_DIM:
            raise Unreadable(f"dimension {n} is too large")
        dims.append(int(value))
    return tuple(dims)


# --- matrices --------------------------------------------------------------------------

_MATRIX_EX = "e.g. [[1, 2], [3, 4]] or 1 2; 3 4"
_BINARY_ONLY = set("*/^×·÷⋅%")


def _entries(row: str) -> list[str]:
    """Entries of one row: commas if there are any, else spaces between whole expressions."""
    pieces = split_top(row, lambda s, i: 1 if s[i] == "," else 0)
    if len(pieces) > 1:
        if not pieces[-1][0].strip():
            pieces = pieces[:-1]  # `1, 2,` trailing comma
        return [p.strip() for p, _ in pieces]
    # Space separated: a space splits unless an operator sits on either side of it;
    # `1 -2` is two entries (numpy prints that way), `1 - 2` is one.
    out: list[str] = []
    depth, cur, i, s = 0, "", 0, row.strip()
    while i < len(s):
        ch = s[i]
        depth = nesting(ch, depth)
        if ch.isspace() and depth == 0:
            j = i
            while j < len(s) and s[j].isspace():
                j += 1
            prev = cur.rstrip()[-1:] if cur.strip() else ""
            nxt = s[j] if j < len(s) else ""
            nxt2 = s[j + 1] if j + 1 < len(s) else ""
            joins = (
                prev in _BINARY_ONLY
                or prev in "+-−("
                or nxt in _BINARY_ONLY
                or (nxt in "+-−" and (nxt2.isspace() or nxt2 == ""))
                or s.startswith("**", j)
            )
            if joins:
                cur += " "
            else:
                out.append(cur)
                cur = ""
            i = j
            continue
        cur += ch
        i += 1
    out.append(cur)
    return [p.strip() for p in out]


def _rows_from_groups(s: str) -> list[str] | None:
    """`[1, 2], [3, 4]` (or numpy's `[1 2]\\n [3 4]`, or Python's tuples `(1, 2), (3, 4)`) ->
    row texts; None if not that form. A bracket group is a row when it is a list `[...]`, or a
    tuple with a comma in it (`(1+1) 2` is a row of expressions, not a row of tuples)."""
    rows: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isspace() or ch in ",;":
            i += 1
            continue
        if ch not in "[(":
            return None
        end = matching(s, i)
        row = s[i + 1 : end]
        if ch == "(" and not any(sep == "," for _, sep in split_top(row, _comma)):
            return None
        rows.append(row)
        i = end + 1
    return rows or None


def _comma(s: str, i: int) -> int:
    return 1 if s[i] == "," else 0


def _matrix(text: str) -> np.ndarray:
    check_brackets(text)
    s = strip_wrapper(text, ("np.array", "numpy.array", "array", "torch.tensor", "tensor"))
    inner, wrapped = unwrap(s)
    groups = _rows_from_groups(inner) if wrapped else _rows_from_groups(s)
    if groups is not None:
        rows, two_d = groups, True
    else:
        body = inner if wrapped else s
        raw = split_top(body, lambda t, i: 1 if t[i] in ";\n" else 0)
        rows = [r for r, _ in raw]
        while len(rows) > 1 and not rows[-1].strip():
            rows.pop()  # `1 2; 3 4;`
        rows = [r for n, r in enumerate(rows) if r.strip() or n == 0]
        rows = [unwrap(r.strip().rstrip(","))[0] for r in rows]
        two_d = len(rows) > 1
    values: list[list[float]] = []
    count = 0
    for r, row in enumerate(rows, start=1):
        entries = _entries(row)
        count += len(entries)
        if count > MAX_MATRIX_ENTRIES:
            raise Unreadable(f"too many numbers (over {MAX_MATRIX_ENTRIES})")
        parsed = []
        for c, entry in enumerate(entries, start=1):
            if not entry:
                raise Unreadable(f"row {r} has an empty entry {c}; write numbers {_MATRIX_EX}")
            _refuse_leading_zero(entry)
            if entry[0] in "[(" and unwrap(entry)[1] and "[" in entry:
                raise Unreadable(f"row {r} has a nested list; write numbers {_MATRIX_EX}")
            try:
                parsed.append(evaluate(entry))
            except ExprError as e:
                where = f"row {r}, entry {c}" if two_d else f"entry {c}"
                raise Unreadable(
                    f"{where} ({entry!r}): {e.message}; write numbers {_MATRIX_EX}"
                ) from None
        values.append(parsed)
    widths = [len(v) for v in values]
    if len(set(widths)) > 1:
        first = widths[0]
        bad = next(i for i, w in enumerate(widths) if w != first)
        raise Unreadable(
            f"row {bad + 1} has {_count(widths[bad])} but row 1 has {_count(first)}; "
            "every row needs the same count"
        )
    arr = np.array(values, dtype=np.float64)  # (rows, cols)
    return arr if two_d else arr[0]


def _count(n: int) -> str:
    return f"{n} number" if n == 1 else f"{n} numbers"


# --- options ---------------------------------------------------------------------------

_OPTION = re.compile(r"^\(?\s*([A-Za-z]|\d+)\s*[).:]?$")


def _option_range(n: int | None) -> str:
    if n is None:
        return "a letter like b or a number like 2"
    last = chr(ord("a") + n - 1) if n <= 26 else "z"
    return f"pick a to {last} (or 1 to {n})"


def _option_index(token: str, n: int | None) -> int:
    m = _OPTION.match(token.strip())
    if not m:
        raise Unreadable(f"{token.strip()!r} is not an option; {_option_range(n)}")
    g = m.group(1)
    idx = ord(g.lower()) - ord("a") if g.isalpha() else int(g) - 1 if len(g) < 6 else -1
    if idx < 0 or (n is not None and idx >= n):
        raise Unreadable(f"there is no option {g!r}; {_option_range(n)}")
    return idx


_SAID = re.compile(r"^(?:option|answer|choice)\s*[:=]?\s*|\s+is\s+(?:correct|right)\.?$", re.I)
"""`option b`, `answer: b`, `b is correct`: the words around a pick."""


def _choice(text: str, n: int | None) -> int:
    s = _SAID.sub("", text.strip())
    if re.search(r"[\s,;]", s.strip("() ")):
        raise Unreadable(f"pick one option only; {_option_range(n)}")
    return _option_index(s, n)


def _multi(text: str, n: int | None) -> frozenset[int]:
    s = text.strip()
    if s[:1] in "[{" and s[-1:] in "]}":
        s = s[1:-1]  # `[a, c]`, `{a, c}`
    s = re.sub(r"['\"]", " ", s)  # `['a', 'c']`
    tokens = [t for t in re.split(r"[\s,;&+/]+|\band\b", s.strip()) if t]
    picks: set[int] = set()
    for tok in tokens:
        bare = tok.strip("().:")
        if len(bare) > 1 and bare.isalpha():
            picks.update(_option_index(ch, n) for ch in bare)  # `ac`
        else:
            picks.add(_option_index(tok, n))
    if not picks:
        raise Unreadable(f"type one or more options, e.g. a c; {_option_range(n)}")
    return frozenset(picks)


# --- formatting (the display side; each parses back to the same value) -----------------


def _fmt(x: float) -> str:
    return format_number(x)


def format_matrix(a: np.ndarray, digits: int | None = None) -> str:
    """`[0.5, 0.25]` or `[[1, 2], [3, 4]]`; parse_answer("matrix", ...) reads it back."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        return "[" + ", ".join(format_number(v, digits) for v in arr) + "]"
    if arr.ndim == 2:
        rows = ("[" + ", ".join(format_number(v, digits) for v in row) + "]" for row in arr)
        return "[" + ", ".join(rows) + "]"
    raise ValueError(f"format_matrix takes 1-D or 2-D arrays, not {arr.ndim}-D")
