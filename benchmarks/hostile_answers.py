"""Hostile typed answers: how long refusing them takes, against reading the largest valid answer.

Every hostile input (a power tower, 10,000 nested brackets, a 12,000-character line, numbers past
1e308) must be refused with a message, never hang the answer box. The tests check each refusal
and its message; this script times them. The baseline, measured in the same run and interleaved
with the cases, is the same reader on the largest answer it accepts: a 499-character flat sum for
the evaluator, a 64 x 64 matrix (4,096 entries, the most allowed) for `parse_answer`. A refusal
should cost no more than that.

    .venv/bin/python benchmarks/hostile_answers.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from summary import summary  # noqa: E402

from qkv_drill.answers.expr import ExprError, evaluate  # noqa: E402
from qkv_drill.answers.parse import KINDS, Ok, ParseError, parse_answer  # noqa: E402

TARGET_RATIO = 1.0

EXPR_CASES = {
    "10^400": "10^400",
    "2**1024": "2**1024",
    "exp(1000)": "exp(1000)",
    "1e400": "1e400",
    "400 nines": "9" * 400,
    "1.7e308 + 1.7e308": "1.7e308 + 1.7e308",
    "10,000 nested ( )": "(" * 10_000 + "1" + ")" * 10_000,
    "sqrt( x 1,000": "sqrt(" * 1000,
    "1+ x 300": "1+" * 300 + "1",
    "- x 499": "-" * 499 + "1",
    "200 nested ( )": "(" * 200 + "1" + ")" * 200,
    "√ x 200": "√" * 200 + "4",
}
PARSE_CASES = {
    "power tower 9^9^9^9": "9^9^9^9",
    "10,000 nested ( )": "(" * 10_000 + "1" + ")" * 10_000,
    "sqrt( x 1,000": "sqrt(" * 1000,
    "3,000 nested [ ]": "[" * 3000 + "]" * 3000,
    "12,000 characters": "1 " * 6000,
    "3,000 nested ( )": "(" * 3000 + "1" + ")" * 3000,
}
EXPR_BASELINE = "1+" * 249 + "1"  # 499 characters, the longest the evaluator reads
PARSE_BASELINE = "; ".join(" ".join("1" for _ in range(64)) for _ in range(64))  # 64 x 64


def _refused_by_evaluate(text: str) -> None:
    try:
        evaluate(text)
    except ExprError:
        return
    raise AssertionError(f"{text[:30]!r} was not refused")


def _parsed_every_kind(text: str) -> None:
    for kind in KINDS:
        result = parse_answer(kind, text, 4)
        assert isinstance(result, Ok | ParseError)


def _median_ms(func: Callable[[str], object], text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func(text)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _table(
    title: str,
    cases: dict[str, str],
    func: Callable[[str], object],
    baseline: Callable[[], float],
    repeats: int,
) -> float:
    """Print one table; return the worst ratio. The baseline is re-measured before each case."""
    print(title)
    print(f"{'case':<24}{'chars':>8}{'refusal':>12}{'baseline':>12}{'ratio':>8}")
    worst = 0.0
    for name, text in cases.items():
        base = baseline()
        ms = _median_ms(func, text, repeats)
        worst = max(worst, ms / base)
        print(f"{name:<24}{len(text):>8,}{ms:>9.3f} ms{base:>9.3f} ms{ms / base:>7.2f}x")
    print()
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timings per case (median kept)")
    args = parser.parse_args(argv)
    n = args.repeats

    assert evaluate(EXPR_BASELINE) == 250
    matrix = parse_answer("matrix", PARSE_BASELINE)
    assert isinstance(matrix, Ok) and matrix.value.shape == (64, 64)

    expr_worst = _table(
        f"evaluate(): refusal against a {len(EXPR_BASELINE)}-character sum (median of {n}, ms)",
        EXPR_CASES,
        _refused_by_evaluate,
        lambda: _median_ms(evaluate, EXPR_BASELINE, n),
        n,
    )
    parse_worst = _table(
        "parse_answer() for all 7 kinds: refusal against one 64 x 64 matrix "
        f"({len(PARSE_BASELINE):,} characters; median of {n}, ms)",
        PARSE_CASES,
        _parsed_every_kind,
        lambda: _median_ms(lambda t: parse_answer("matrix", t), PARSE_BASELINE, n),
        n,
    )
    ok = expr_worst <= TARGET_RATIO and parse_worst <= TARGET_RATIO
    summary(
        "hostile expression refused / largest valid one",
        f"{expr_worst:.2f}x",
        f"<= {TARGET_RATIO:g}x",
        expr_worst <= TARGET_RATIO,
    )
    summary(
        "hostile answer, all kinds / largest valid matrix",
        f"{parse_worst:.2f}x",
        f"<= {TARGET_RATIO:g}x",
        parse_worst <= TARGET_RATIO,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
