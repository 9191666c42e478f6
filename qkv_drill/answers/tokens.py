"""Typed arithmetic split into tokens: numbers (with separators and unit suffixes), names,
operators and brackets. The grammar they form is read by `expr`; the accepted forms are listed
there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

LIMIT = 1e308
"""Any number or intermediate result beyond this (or NaN) is refused."""

_BYTE_WORDS = ("bytes", "byte", "B")
AMBIGUOUS_UNITS = {"B": "bytes or billions (175B parameters)"}
"""Right after a number these are refused: `512 B` in a memory question, `7B` in a model's
name; reading either as the other is a wrong mark for an honest answer."""
_COUNT_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_PREFIXES = {
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "Ki": 1024.0,
    "Mi": 1024.0**2,
    "Gi": 1024.0**3,
    "Ti": 1024.0**4,
}


def _unit_table() -> dict[str, float]:
    table: dict[str, float] = {w: 1.0 for w in _BYTE_WORDS}
    for prefix, mult in _PREFIXES.items():
        if not prefix.endswith("i"):
            table[prefix] = mult  # `2k`, `7M`
        for word in _BYTE_WORDS:
            table[prefix + word] = mult  # `KB`, `MiB`, `Gbytes`
    for unit in [u for u in table if len(u) in (2, 3) and u.endswith("B")]:
        table.setdefault(unit.lower(), table[unit])  # `3gb`, `2 mib`: typed in a hurry
    table.update(_COUNT_WORDS)  # `7 billion`
    return table


UNITS = _unit_table()

_MUL = {"*", "×", "·", "⋅"}
_DIV = {"/", "÷"}
_MINUS = {"-", "−", "–"}
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_MINUS = "⁻"
"""A run of superscript digits (after an optional ⁻) is one exponent: 10²³ is 10^23."""


class ExprError(ValueError):
    """A typed expression that cannot be read; `position` is a 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "(", ")", "√", "end"
    text: str
    pos: int
    value: float = 0.0


def where(pos: int) -> str:
    return f"at position {pos + 1}"


def _is_name_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ch == "π"


def _is_name_char(ch: str) -> bool:
    return ch.isalpha() or (ch.isdigit() and ch.isascii()) or ch == "_"


def _scan_digits(text: str, i: int) -> int:
    """Index after a run of digits with single `_` separators between digits."""
    n = len(text)
    while i < n:
        digit = text[i].isdigit() and text[i].isascii()
        separator = text[i] == "_" and i + 1 < n and text[i + 1].isdigit() and text[i - 1].isdigit()
        if not (digit or separator):
            break
        i += 1
    return i


def _scan_number(text: str, start: int) -> tuple[int, str]:
    """Read one number literal; returns the end index and the text float() understands."""
    n = len(text)
    i = _scan_digits(text, start)
    int_part = text[start:i]
    # Thousands separators: only `d{1,3}(,ddd)+` with nothing digit-like after a group.
    if 1 <= len(int_part) <= 3 and "_" not in int_part:
        j = i
        groups = int_part
        while (
            j + 4 <= n
            and text[j] == ","
            and text[j + 1 : j + 4].isdigit()
            and text[j + 1 : j + 4].isascii()
            and not int_part.startswith("0")  # `0,125` is a decimal comma, never 125
            and not (j + 4 < n and (text[j + 4].isdigit() or text[j + 4] == "_"))
        ):
            groups += text[j + 1 : j + 4]
            j += 4
        if j != i:
            i, int_part = j, groups
    frac = ""
    if i < n and text[i] == ".":
        k = _scan_digits(text, i + 1)
        frac = "." + text[i + 1 : k]
        i = k
    if not int_part and frac == ".":
        raise ExprError(f"a lone '.' {where(start)}; write a number like 0.5", start)
    expo = ""
    if i < n and text[i] in "eE":
        k = i + 1
        sign = ""
        if k < n and text[k] in "+-−–":  # `1e−3`: the minus of typeset prose
            sign = "-" if text[k] in "-−–" else "+"
            k += 1
        m = _scan_digits(text, k)
        if m > k:  # `1e-3`; a bare `2e` leaves the `e` to be read as a name
            expo = "e" + sign + text[k:m]
            i = m
    literal = (int_part or "0") + frac + expo
    return i, literal.replace("_", "").replace(",", "")


def _scan_superscript(text: str, start: int) -> tuple[int, float]:
    """`²³` -> (end, 23.0); `⁻¹` -> (end, -1.0)."""
    i = start + (text[start] == SUPERSCRIPT_MINUS)
    j = i
    while j < len(text) and text[j] in SUPERSCRIPT_DIGITS:
        j += 1
    if j == i or j - i > 3:
        raise ExprError(f"cannot read the exponent {where(start)}; write 10^-3", start)
    digits = "".join(str(SUPERSCRIPT_DIGITS.index(ch)) for ch in text[i:j])
    return j, float(digits) * (-1.0 if i > start else 1.0)


def _match_unit(text: str, i: int) -> tuple[str, int] | None:
    """A unit word starting at i (after optional spaces) that is a whole word."""
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    k = j
    while k < len(text) and _is_name_char(text[k]):
        k += 1
    word = text[j:k]
    if word in UNITS:
        return word, k
    return None


def tokenize(text: str, names: Mapping[str, float] | None = None) -> list[Token]:
    """Split text into tokens; raises ExprError on a character that has no meaning here."""
    names = names or {}
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if (ch.isdigit() and ch.isascii()) or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            end, literal = _scan_number(text, i)
            try:
                value = float(literal)
            except ValueError:  # pragma: no cover - the scanner only builds valid literals
                raise ExprError(f"cannot read the number {where(i)}", i) from None
            unit = _match_unit(text, end)
            if unit is not None and unit[0] in AMBIGUOUS_UNITS and unit[0] not in names:
                raise ExprError(
                    f"{unit[0]!r} {where(end)} could mean {AMBIGUOUS_UNITS[unit[0]]}; "
                    "write 512 bytes, or 7e9 (7 billion)",
                    end,
                )
            if unit is not None and unit[0] not in names:
                value *= UNITS[unit[0]]
                end = unit[1]
            if not math.isfinite(value) or abs(value) > LIMIT:
                raise ExprError(f"the number {where(i)} is too large", i)
            tokens.append(Token("num", text[i:end], i, value))
            i = end
            continue
        if ch == ".":
            raise ExprError(f"a lone '.' {where(i)}; write a number like 0.5", i)
        if _is_name_start(ch):
            j = i + 1
            if ch != "π":
                while j < n and _is_name_char(text[j]):
                    j += 1
            tokens.append(Token("name", text[i:j], i))
            i = j
            continue
        if text.startswith("**", i):
            tokens.append(Token("op", "^", i))
            i += 2
            continue
        if ch in _MUL:
            tokens.append(Token("op", "*", i))
        elif ch in _DIV:
            tokens.append(Token("op", "/", i))
        elif ch in _MINUS:
            tokens.append(Token("op", "-", i))
        elif ch in "+^%":
            tokens.append(Token("op", ch, i))
        elif ch in SUPERSCRIPT_DIGITS or ch == SUPERSCRIPT_MINUS:
            end, exponent = _scan_superscript(text, i)
            tokens.append(Token("sup", text[i:end], i, exponent))
            i = end
            continue
        elif ch in "([{":
            tokens.append(Token("(", ch, i))
        elif ch in ")]}":
            tokens.append(Token(")", ch, i))
        elif ch == "√":
            tokens.append(Token("√", ch, i))
        elif ch == ",":
            raise ExprError(
                f"unexpected ',' {where(i)}; use '.' for decimals "
                "(a comma is only a thousands separator, as in 1,024)",
                i,
            )
        else:
            raise ExprError(f"unexpected {ch!r} {where(i)}", i)
        i += 1
    tokens.append(Token("end", "", n))
    return tokens
