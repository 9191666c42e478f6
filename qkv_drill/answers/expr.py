"""A small, safe arithmetic evaluator for typed answers and pack `derive:` lines.

Nothing here ever calls `eval`: text is tokenized and parsed by a Pratt parser into floats, so a
typo becomes an `ExprError` with a position instead of a wrong mark or a crash.

Accepted:
- numbers: `64`, `0.125`, `.5`, `1e-3`, `6.02E23`; `_` separators (`1_000`); a comma inside a
  number only when exactly three digits follow it and the groups are well formed (`1,024`,
  `12,288,000`); anything else with a comma is an error, so `1,02` is never read as 102
- operators: `+ - * /`, `×` `·` `⋅` (multiply), `÷`, `^` `**` (power, right associative), `−`
  (Unicode minus), unary `+`/`-` (`-2^2` is -4), parentheses, postfix `%` (`50%` is 0.5), `²` `³`
- functions: `sqrt(...)`, `√64` (applies to the next number, name or bracket), `exp`, `log` and
  `ln` (natural), `log2`, `log10`, `abs`; constants `pi`, `π`, `e`
- unit suffixes right after a number (a space between is fine): `k` `M` `G` `T` (1e3, 1e6, 1e9,
  1e12), `KiB` `MiB` `GiB` `TiB` (1024^n), `KB` `MB` `GB` `TB` (1000^n), each optionally followed
  by `B`/`bytes`; `B` or `bytes` alone is 1
- variables, when the caller passes them (`d_model / heads`)

Limits keep hostile input cheap: at most 500 characters, nesting depth 64, and any intermediate
result beyond 1e308 (or NaN) is refused at once; powers are floats, so `9^9^9` fails in
microseconds instead of building a huge integer.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_CHARS = 500
MAX_DEPTH = 64
LIMIT = 1e308

_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "abs": abs,
}
_CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}

_BYTE_WORDS = ("bytes", "byte", "B")
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
    return table


UNITS = _unit_table()

_MUL = {"*", "×", "·", "⋅"}
_DIV = {"/", "÷"}
_MINUS = {"-", "−", "–"}
_SUPERSCRIPTS = {"²": 2.0, "³": 3.0}


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


def _where(pos: int) -> str:
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
        raise ExprError(f"a lone '.' {_where(start)}; write a number like 0.5", start)
    expo = ""
    if i < n and text[i] in "eE":
        k = i + 1
        if k < n and text[k] in "+-":
            k += 1
        m = _scan_digits(text, k)
        if m > k:  # `1e-3`; a bare `2e` leaves the `e` to be read as a name
            expo = "e" + text[i + 1 : m]
            i = m
    literal = (int_part or "0") + frac + expo
    return i, literal.replace("_", "").replace(",", "")


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
                raise ExprError(f"cannot read the number {_where(i)}", i) from None
            unit = _match_unit(text, end)
            if unit is not None and unit[0] not in names:
                value *= UNITS[unit[0]]
                end = unit[1]
            if not math.isfinite(value) or abs(value) > LIMIT:
                raise ExprError(f"the number {_where(i)} is too large", i)
            tokens.append(Token("num", text[i:end], i, value))
            i = end
            continue
        if ch == ".":
            raise ExprError(f"a lone '.' {_where(i)}; write a number like 0.5", i)
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
        elif ch in _SUPERSCRIPTS:
            tokens.append(Token("op", ch, i, _SUPERSCRIPTS[ch]))
        elif ch in "([{":
            tokens.append(Token("(", ch, i))
        elif ch in ")]}":
            tokens.append(Token(")", ch, i))
        elif ch == "√":
            tokens.append(Token("√", ch, i))
        elif ch == ",":
            raise ExprError(
                f"unexpected ',' {_where(i)}; use '.' for decimals "
                "(a comma is only a thousands separator, as in 1,024)",
                i,
            )
        else:
            raise ExprError(f"unexpected {ch!r} {_where(i)}", i)
        i += 1
    tokens.append(Token("end", "", n))
    return tokens


def _checked(value: float, pos: int) -> float:
    if math.isnan(value):
        raise ExprError(f"the result {_where(pos)} is not a number", pos)
    if math.isinf(value) or abs(value) > LIMIT:
        raise ExprError(f"the result {_where(pos)} is too large", pos)
    return value


def _power(base: float, exponent: float, pos: int) -> float:
    try:
        value = math.pow(base, exponent)
    except OverflowError:
        raise ExprError(f"the power {_where(pos)} is too large", pos) from None
    except ValueError:
        if base == 0:
            raise ExprError(f"zero to a negative power {_where(pos)}", pos) from None
        raise ExprError(
            f"a negative number to a fractional power {_where(pos)} is not a real number", pos
        ) from None
    return _checked(value, pos)


_BINARY = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 30}
_PREFIX_POWER = 25  # unary minus binds looser than ^: -2^2 == -4


class _Parser:
    def __init__(self, text: str, variables: Mapping[str, float]) -> None:
        self.text = text
        self.variables = variables
        self.tokens = tokenize(text, variables)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> float:
        value = self.expression(0)
        tok = self.peek()
        if tok.kind != "end":
            raise self._trailing(tok)
        return value

    def _trailing(self, tok: Token) -> ExprError:
        prev = self.tokens[self.i - 1]
        if tok.kind == ")":
            return ExprError(
                f"unexpected {tok.text!r} {_where(tok.pos)}: nothing to close", tok.pos
            )
        if tok.kind in ("num", "name", "(", "√") and prev.kind in ("num", "name", ")"):
            between = self.text[prev.pos : tok.pos + len(tok.text)]
            if tok.kind == "num" and prev.kind == "num":
                hint = f"; did you mean {prev.text}*{tok.text} or {prev.text}{tok.text}?"
            else:
                hint = "; write '*' to multiply"
            return ExprError(
                f"missing operator between {between!r} {_where(tok.pos)}{hint}", tok.pos
            )
        return ExprError(f"unexpected {tok.text!r} {_where(tok.pos)}", tok.pos)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"nested too deeply {_where(pos)}", pos)

    def expression(self, min_power: int) -> float:
        self.enter(self.peek().pos)
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text == "%":
                self.take()
                left = left / 100.0
                continue
            if tok.kind == "op" and tok.text in _SUPERSCRIPTS:
                self.take()
                left = _power(left, tok.value, tok.pos)
                continue
            if tok.kind != "op" or tok.text not in _BINARY:
                break
            power = _BINARY[tok.text]
            if power < min_power:
                break
            self.take()
            if self.peek().kind == "end":
                raise ExprError(
                    f"the expression ends after {self.text[tok.pos]!r} {_where(tok.pos)}; "
                    "expected a number",
                    tok.pos,
                )
            # ^ is right associative: parse its right side at the same power.
            right = self.expression(power if tok.text == "^" else power + 1)
            left = self.apply(tok, left, right)
        self.depth -= 1
        return left

    def apply(self, tok: Token, left: float, right: float) -> float:
        op = tok.text
        if op == "+":
            return _checked(left + right, tok.pos)
        if op == "-":
            return _checked(left - right, tok.pos)
        if op == "*":
            return _checked(left * right, tok.pos)
        if op == "/":
            if right == 0:
                raise ExprError(f"division by zero {_where(tok.pos)}", tok.pos)
            return _checked(left / right, tok.pos)
        return _power(left, right, tok.pos)

    def prefix(self) -> float:
        tok = self.take()
        if tok.kind == "num":
            return tok.value
        if tok.kind == "op" and tok.text in "+-":
            if self.peek().kind == "end":
                raise ExprError(
                    f"the expression ends after {self.text[tok.pos]!r} {_where(tok.pos)}; "
                    "expected a number",
                    tok.pos,
                )
            value = self.expression(_PREFIX_POWER)
            return -value if tok.text == "-" else value
        if tok.kind == "(":
            return self.group(tok)
        if tok.kind == "√":
            self.enter(tok.pos)
            arg = self.atom()
            self.depth -= 1
            return self.call("sqrt", arg, tok.pos)
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "end":
            if tok.pos == 0 or not self.text[: tok.pos].strip():
                raise ExprError("type an answer first", tok.pos)
            raise ExprError("the expression ends too early; expected a number", tok.pos)
        raise ExprError(f"unexpected {tok.text!r} {_where(tok.pos)}", tok.pos)

    def atom(self) -> float:
        """The operand of √: a number, a name/call or a bracket, with no binary operator."""
        tok = self.take()
        if tok.kind == "num":
            return tok.value
        if tok.kind == "(":
            return self.group(tok)
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "√":
            self.enter(tok.pos)
            value = self.call("sqrt", self.atom(), tok.pos)
            self.depth -= 1
            return value
        if tok.kind == "end":
            raise ExprError(f"'√' needs a number after it {_where(tok.pos)}", tok.pos)
        raise ExprError(f"unexpected {tok.text!r} {_where(tok.pos)} after '√'", tok.pos)

    def group(self, open_tok: Token) -> float:
        if self.peek().kind == ")":
            raise ExprError(f"empty brackets {_where(open_tok.pos)}", open_tok.pos)
        value = self.expression(0)
        close = self.take()
        if close.kind != ")":
            if close.kind == "end":
                raise ExprError(
                    f"missing ')' to close the {open_tok.text!r} {_where(open_tok.pos)}",
                    open_tok.pos,
                )
            self.i -= 1
            raise self._trailing(close)
        return value

    def name(self, tok: Token) -> float:
        word = tok.text
        if word in _FUNCTIONS:
            if self.peek().kind != "(":
                raise ExprError(
                    f"{word!r} {_where(tok.pos)} needs brackets, as in {word}(2)", tok.pos
                )
            arg = self.group(self.take())
            return self.call(word, arg, tok.pos)
        if word in self.variables:
            value = float(self.variables[word])
        elif word in _CONSTANTS:
            value = _CONSTANTS[word]
        elif word in UNITS:
            raise ExprError(
                f"{word!r} {_where(tok.pos)} is a unit; put a number before it, as in 2 {word}",
                tok.pos,
            )
        else:
            raise ExprError(self.unknown(word, tok.pos, self.peek().kind == "("), tok.pos)
        if self.peek().kind == "(":
            raise ExprError(f"{word!r} {_where(tok.pos)} is not a function", tok.pos)
        return value

    def unknown(self, word: str, pos: int, called: bool) -> str:
        known = [*_FUNCTIONS] if called else [*self.variables, "pi"]
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown name {word!r} {_where(pos)}{hint}"

    def call(self, fn: str, arg: float, pos: int) -> float:
        if fn in ("sqrt",) and arg < 0:
            raise ExprError(f"square root of a negative number {_where(pos)}", pos)
        if fn in ("log", "ln", "log2", "log10") and arg <= 0:
            raise ExprError(f"{fn} of a number that is not positive {_where(pos)}", pos)
        try:
            return _checked(_FUNCTIONS[fn](arg), pos)
        except OverflowError:
            raise ExprError(f"{fn}(...) {_where(pos)} is too large", pos) from None


def evaluate(text: str, variables: Mapping[str, float] | None = None) -> float:
    """The value of an arithmetic expression; raises ExprError with a position and a hint."""
    if len(text) > MAX_CHARS:
        raise ExprError(f"too long: at most {MAX_CHARS} characters", MAX_CHARS)
    if not text.strip():
        raise ExprError("type an answer first", 0)
    return _Parser(text, variables or {}).parse()


def names_in(text: str) -> set[str]:
    """Names an expression refers to (for checking `derive:` lines before drawing)."""
    return {
        t.text
        for t in tokenize(text)
        if t.kind == "name" and t.text not in _FUNCTIONS and t.text not in _CONSTANTS
    }
