"""A small, safe arithmetic evaluator for typed answers and pack `derive:` lines.

Nothing here ever calls `eval`: text is tokenized and parsed by a Pratt parser into floats, so a
typo becomes an `ExprError` with a position instead of a wrong mark or a crash.

Accepted:
- numbers: `64`, `0.125`, `.5`, `1e-3`, `6.02E23`; `_` separators (`1_000`); a comma inside a
  number only when exactly three digits follow it and the groups are well formed (`1,024`,
  `12,288,000`); anything else with a comma is an error, so `1,02` is never read as 102 and
  `0,125` never as 125
- operators: `+ - * /`, `×` `·` `⋅` (multiply), `÷`, `^` `**` (power, right associative), `−`
  (Unicode minus, in an exponent too: `1e−3`), unary `+`/`-` (`-2^2` is -4), parentheses,
  postfix `%` (`50%` is 0.5), superscript exponents (`2¹⁰`, `10⁻³`, `3.2·10²³`)
- functions: `sqrt(...)`, `√64` (applies to the next number, name or bracket), `exp`, `log` and
  `ln` (natural), `log2`, `log10`, `abs`; constants `pi`, `π`, `e`
- unit suffixes right after a number (a space between is fine): `k` `M` `G` `T` (1e3, 1e6, 1e9,
  1e12), `KiB` `MiB` `GiB` `TiB` (1024^n), `KB` `MB` `GB` `TB` (1000^n), each optionally followed
  by `B`/`bytes` (byte units in lower case too: `3gb`); `bytes` alone is 1; `thousand`,
  `million`, `billion`, `trillion`. A bare `B` after a number is refused: it means bytes
  (`512 B`) as often as billions (`7B`)
- variables, when the caller passes them (`d_model / heads`)

Limits keep hostile input cheap: at most 500 characters, nesting depth 64, and any intermediate
result beyond 1e308 (or NaN) is refused at once; powers are floats, so `9^9^9` fails in
microseconds instead of building a huge integer.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping

from qkv_drill.answers.tokens import LIMIT, UNITS, ExprError, Token, tokenize, where

__all__ = ["MAX_CHARS", "ExprError", "evaluate", "names_in"]

MAX_CHARS = 500
MAX_DEPTH = 64

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


def _checked(value: float, pos: int) -> float:
    if math.isnan(value):
        raise ExprError(f"the result {where(pos)} is not a number", pos)
    if math.isinf(value) or abs(value) > LIMIT:
        raise ExprError(f"the result {where(pos)} is too large", pos)
    return value


def _power(base: float, exponent: float, pos: int) -> float:
    try:
        value = math.pow(base, exponent)
    except OverflowError:
        raise ExprError(f"the power {where(pos)} is too large", pos) from None
    except ValueError:
        if base == 0:
            raise ExprError(f"zero to a negative power {where(pos)}", pos) from None
        raise ExprError(
            f"a negative number to a fractional power {where(pos)} is not a real number", pos
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
            return ExprError(f"unexpected {tok.text!r} {where(tok.pos)}: nothing to close", tok.pos)
        if tok.kind in ("num", "name", "(", "√") and prev.kind in ("num", "name", ")"):
            between = self.text[prev.pos : tok.pos + len(tok.text)]
            if tok.kind == "num" and prev.kind == "num":
                hint = f"; did you mean {prev.text}*{tok.text} or {prev.text}{tok.text}?"
            else:
                hint = "; write '*' to multiply"
            return ExprError(
                f"missing operator between {between!r} {where(tok.pos)}{hint}", tok.pos
            )
        return ExprError(f"unexpected {tok.text!r} {where(tok.pos)}", tok.pos)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"nested too deeply {where(pos)}", pos)

    def expression(self, min_power: int) -> float:
        self.enter(self.peek().pos)
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text == "%":
                self.take()
                left = left / 100.0
                continue
            if tok.kind == "sup":
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
                    f"the expression ends after {self.text[tok.pos]!r} {where(tok.pos)}; "
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
                raise ExprError(f"division by zero {where(tok.pos)}", tok.pos)
            return _checked(left / right, tok.pos)
        return _power(left, right, tok.pos)

    def prefix(self) -> float:
        tok = self.take()
        if tok.kind == "num":
            return tok.value
        if tok.kind == "op" and tok.text in "+-":
            if self.peek().kind == "end":
                raise ExprError(
                    f"the expression ends after {self.text[tok.pos]!r} {where(tok.pos)}; "
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
        raise ExprError(f"unexpected {tok.text!r} {where(tok.pos)}", tok.pos)

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
            raise ExprError(f"'√' needs a number after it {where(tok.pos)}", tok.pos)
        raise ExprError(f"unexpected {tok.text!r} {where(tok.pos)} after '√'", tok.pos)

    def group(self, open_tok: Token) -> float:
        if self.peek().kind == ")":
            raise ExprError(f"empty brackets {where(open_tok.pos)}", open_tok.pos)
        value = self.expression(0)
        close = self.take()
        if close.kind != ")":
            if close.kind == "end":
                raise ExprError(
                    f"missing ')' to close the {open_tok.text!r} {where(open_tok.pos)}",
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
                    f"{word!r} {where(tok.pos)} needs brackets, as in {word}(2)", tok.pos
                )
            arg = self.group(self.take())
            return self.call(word, arg, tok.pos)
        if word in self.variables:
            value = float(self.variables[word])
        elif word in _CONSTANTS:
            value = _CONSTANTS[word]
        elif word in UNITS:
            raise ExprError(
                f"{word!r} {where(tok.pos)} is a unit; put a number before it, as in 2 {word}",
                tok.pos,
            )
        else:
            raise ExprError(self.unknown(word, tok.pos, self.peek().kind == "("), tok.pos)
        if self.peek().kind == "(":
            raise ExprError(f"{word!r} {where(tok.pos)} is not a function", tok.pos)
        return value

    def unknown(self, word: str, pos: int, called: bool) -> str:
        known = [*_FUNCTIONS] if called else [*self.variables, "pi"]
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown name {word!r} {where(pos)}{hint}"

    def call(self, fn: str, arg: float, pos: int) -> float:
        if fn in ("sqrt",) and arg < 0:
            raise ExprError(f"square root of a negative number {where(pos)}", pos)
        if fn in ("log", "ln", "log2", "log10") and arg <= 0:
            raise ExprError(f"{fn} of a number that is not positive {where(pos)}", pos)
        try:
            return _checked(_FUNCTIONS[fn](arg), pos)
        except OverflowError:
            raise ExprError(f"{fn}(...) {where(pos)} is too large", pos) from None


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
