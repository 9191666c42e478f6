"""A question's prompt as shown: its parameters filled in, then the line that says what precision
the answer needs. Without numpy, so a computed question can be shown before its answer is."""

from __future__ import annotations

from typing import Any

from qkv_drill.answers.numbers import format_number
from qkv_drill.packs.model import Tolerance
from qkv_drill.packs.numberless import fill_prompt


def precision_line(kind: str, tol: Tolerance, expected: Any) -> str:
    """What precision is expected, stated so nobody is marked wrong by an unstated rule.

    "Exact integer." / "Answer to within 0.01." / "Answer to within 5%." / "Answer to within
    0.01 plus 5%." (matrices: "Give each entry to within ..."). A tolerance written with only
    `abs` has rel 0, so no percentage tail appears.
    """
    if kind == "shape":
        return "Give the shape as a tuple, e.g. (2, 3)."
    if kind == "numeric" and not tol.explicit and float(expected) == int(float(expected)):
        return "Exact integer."
    if kind == "matrix" and not tol.explicit and expected is not None and _whole(expected):
        return "Give each entry as an exact integer."
    parts = []
    if tol.abs > 0:
        parts.append(format_number(tol.abs))
    if tol.rel > 0 and (tol.explicit or tol.abs == 0):
        parts.append(f"{tol.rel * 100:.6g}%")
    within = " plus ".join(parts)
    if kind == "matrix":
        return f"Give each entry to within {within}." if parts else "Give each entry exactly."
    return f"Answer to within {within}." if parts else "Answer exactly."


def _whole(a: Any) -> bool:
    import numpy as np  # (only for an answer, which the engine computed with numpy)

    arr = np.asarray(a, dtype=float)
    return bool(np.isfinite(arr).all() and (arr == np.round(arr)).all())


def _render_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return format_number(v)
    if isinstance(v, list):
        if v and isinstance(v[0], list):
            width = len(v[0])
            head = "|" + "   |" * width
            rule = "|" + "---|" * width
            rows = ["| " + " | ".join(format_number(x) for x in row) + " |" for row in v]
            return "\n\n" + "\n".join([head, rule, *rows]) + "\n\n"
        return "[" + ", ".join(format_number(x) for x in v) + "]"
    return str(v)


def render_prompt(template: str, params: dict[str, Any]) -> str:
    """Replace {name} by the parameter; {{name}} shows {name} as written."""
    return fill_prompt(template, params, _render_value)


def needs_answer(kind: str, tol: Tolerance) -> bool:
    """The precision line depends on the answer (an exact integer, or not): only with the
    tolerance left to its default."""
    return kind in ("numeric", "matrix") and not tol.explicit
