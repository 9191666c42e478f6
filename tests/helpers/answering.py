"""Typing right and wrong answers for an instance, the way a person would.

Right answers are the instance's own displayed answer read back; wrong ones are built to differ
(a different number, dimension, option).
"""

from __future__ import annotations

import numpy as np


def letters(indices) -> str:
    return " ".join(chr(97 + i) for i in sorted(indices))


def right(inst) -> str:
    kind = inst.question.type
    if kind == "choice":
        return letters([inst.expected])
    if kind == "multi":
        return letters(inst.expected)
    if kind == "text":
        return "Q is what a position is looking for; scores are scaled by sqrt(d_k)."
    return inst.expected_display


def typed_right(inst) -> str:
    """The right answer as typed at a plain prompt (a text answer ends with a blank line)."""
    return right(inst) + ("\n\n" if inst.question.type == "text" else "\n")


def wrong(inst) -> str:
    kind = inst.question.type
    if kind == "numeric":
        return repr(float(inst.expected) * 3 + 7)
    if kind == "shape":
        dims = list(inst.expected)
        dims[0] += 1
        return "(" + ", ".join(str(d) for d in dims) + ")"
    if kind == "matrix":
        return str((np.asarray(inst.expected) + 5).tolist())
    if kind == "choice":
        return letters([(inst.expected + 1) % len(inst.options)])
    if kind == "multi":
        rest = [i for i in range(len(inst.options)) if i not in inst.expected]
        return letters(rest[:1]) if rest else letters(sorted(inst.expected)[:-1] or [0])
    return "I do not know."
