"""Command-line numbers, checked where they are parsed: finite, whole where they must be, and in a
stated range, so `--minutes inf` is a usage message and never a stored interview nobody can open.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from qkv_drill.longtext import left_out

MINUTES = (0.01, 600.0)  # a mock interview: under a second (for scripts) to 10 hours
QUESTIONS = (1, 200)  # questions in one mock interview
COUNT = (1, 100_000)  # practice / drill: stop after N questions
SEED = (0, 2**63 - 1)  # stored as a SQLite integer
MOCK_ID = (1, 2**63 - 1)  # SQLite row ids
SEEDS = (1, 10_000)  # validate: instances drawn per question


def _fmt(x: float) -> str:
    return f"{x:,}" if float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"


def _shown(text: str) -> str:
    """The argument as typed, quoted; a pasted screenful is bounded, the cut said."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + " " + left_out(len(text) - 40)


def number(lo: float, hi: float, *, whole: bool) -> Callable[[str], float | int]:
    """An argparse `type=` accepting a finite number in [lo, hi] (whole when `whole`)."""
    what = "a whole number" if whole else "a number"
    expect = f"{what} from {_fmt(lo)} to {_fmt(hi)}"

    def parse(text: str) -> float | int:
        raw = text.strip().replace("_", "")
        try:
            value: float | int = int(raw) if whole else float(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not {expect}") from None
        if not whole and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{_shown(text)} is not finite: expected {expect}")
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{_shown(text)} is out of range: expected {expect}")
        return value

    parse.__name__ = what  # argparse names the type in some messages
    return parse


minutes = number(*MINUTES, whole=False)
questions = number(*QUESTIONS, whole=True)
count = number(*COUNT, whole=True)
seed = number(*SEED, whole=True)
mock_id = number(*MOCK_ID, whole=True)
seeds = number(*SEEDS, whole=True)
