"""`format_number`: how the app writes a number, kept apart from the parser so that a prompt can be
filled in without importing numpy."""

from __future__ import annotations

import math


def format_number(x: float, digits: int | None = None) -> str:
    """`64`, `0.125`, `1e-05`; exact round trip by default, `digits` significant for display."""
    x = float(x)
    if not math.isfinite(x):
        return repr(x)
    if digits is not None:
        text = f"{x:.{digits}g}"
        return text.replace("e+", "e")
    if x == math.floor(x) and abs(x) < 1e16:
        return str(int(x)) if x != 0 else "0"
    return repr(x).replace("e+", "e")
