"""Reading a parameter spec as written, without drawing: its kind, its fixed value and the largest
number it can draw. Load-time checks and cost budgets need these; drawing is packs/params.py."""

from __future__ import annotations

from typing import Any

from qkv_drill.packs.format import PARAM_KINDS


def spec_kind(spec: Any) -> str:
    """'list' | 'range' | 'value' | 'fixed' | 'config' | 'matrix' | 'literal'.

    `{fixed: x}` and `{value: x}` are the same fixed value (a number, a vector or a matrix).
    """
    if isinstance(spec, list):
        return "list"
    if isinstance(spec, dict):
        for k in PARAM_KINDS:
            if k in spec:
                return k
    return "literal"


def fixed_value(spec: dict[str, Any]) -> Any:
    """The value of a `{fixed: ...}` / `{value: ...}` spec."""
    return spec["fixed"] if "fixed" in spec else spec["value"]


def max_value(spec: Any) -> float | None:
    """The largest number a scalar spec can draw (for size limits at load time)."""
    kind = spec_kind(spec)
    if kind == "list":
        nums = [v for v in spec if isinstance(v, int | float) and not isinstance(v, bool)]
        return max(nums) if nums else None
    if kind == "range":
        top: float = spec["range"][1]
        return top
    if kind in ("value", "fixed") and isinstance(fixed_value(spec), int | float):
        value: float = fixed_value(spec)
        return value
    if kind == "literal" and isinstance(spec, int | float) and not isinstance(spec, bool):
        return spec
    return None
