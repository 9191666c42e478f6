"""Time as the mock interview shows it: the countdown, budgets and the report's timings."""

from __future__ import annotations

import math


def format_mmss(seconds: float) -> str:
    """Whole seconds rounded up, so the display only reads 00:00 when time is really up."""
    total = max(0, math.ceil(seconds - 1e-9))
    return f"{total // 60:02d}:{total % 60:02d}"
