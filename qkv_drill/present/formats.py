"""Small formatters: option letters, shapes, numbers and clock times.

Each reading has one function, named for where it is used, so plain mode, the app and export
agree on what "b)", "(2, 10, 64)" or "04:59" look like.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkv_drill.store import MockRow


# --- options ------------------------------------------------------------------------------------


def option_letter(index: int) -> str:
    """0 -> "a", 1 -> "b": the letter an option is shown and typed with."""
    return chr(97 + index)


def option_letters(indices: Iterable[int], sep: str = " ") -> str:
    """{2, 0} -> "a c": letters in order, as the checker reads them back."""
    return sep.join(option_letter(i) for i in sorted(indices))


def lettered(options: Iterable[str]) -> list[str]:
    """["yes", "no"] -> ["a) yes", "b) no"]."""
    return [f"{option_letter(i)}) {text}" for i, text in enumerate(options)]


# --- shapes -------------------------------------------------------------------------------------


def shape_tuple(shape: Iterable[int]) -> str:
    """`(2, 10, 64)`, `(64,)`, `()` as Python prints tuples: the form an answer is typed in."""
    dims = [str(int(d)) for d in shape]
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(dims) + ")"


def shape_by(shape: Iterable[int]) -> str:
    """(2, 4) -> "2x4": the compact form written beside a formula; () -> "scalar"."""
    dims = [str(int(d)) for d in shape]
    return "x".join(dims) if dims else "scalar"


def part_shown(parts: Iterable[tuple[int, int, str]]) -> str | None:
    """What a cut picture leaves out, said on screen: [(16, 64, "queries"), (4, 4, "keys")] ->
    "Showing the first 16 of 64 queries." (None when everything is shown)."""
    cut = [f"the first {shown} of {total} {word}" for shown, total, word in parts if shown < total]
    return f"Showing {' and '.join(cut)}." if cut else None


# --- numbers ------------------------------------------------------------------------------------


def short_number(x: float) -> str:
    """4 significant digits for a matrix cell (`0.1235`, `1e+04`); never `-0`."""
    return f"{float(x) + 0.0:.4g}"


def percent(part: int, whole: int) -> str:
    """ "67%", or "-" when there is nothing to count."""
    return f"{100 * part / whole:.0f}%" if whole else "-"


# --- time ---------------------------------------------------------------------------------------


def _whole_seconds(seconds: float) -> int:
    """Rounded up, so a countdown reads zero only when time is really up."""
    return max(0, math.ceil(seconds - 1e-9))


def mm_ss(seconds: float) -> str:
    """ "04:59": the countdown and times shown on screen, minutes always two digits."""
    s = _whole_seconds(seconds)
    return f"{s // 60:02d}:{s % 60:02d}"


def m_ss(seconds: float) -> str:
    """ "4:59": a length of time in the exported report and its sentences."""
    s = _whole_seconds(seconds)
    return f"{s // 60}:{s % 60:02d}"


def mock_time_left(row: MockRow) -> float:
    """Seconds an interrupted interview still had at its last checkpoint."""
    return max(0.0, float(row.duration_s) - float(row.used_s or 0.0))
