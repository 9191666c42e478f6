"""Where a wrong matrix answer parts from the engine's: which entries, and at which step.

Headless (numpy only), so the TUI, plain mode and tests share one answer. A wrong matrix is most
often a correct intermediate handed in too early (the weights instead of the output, the scores
before the softmax) or a slip at one step; naming that step teaches more than "not quite".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qkv_drill.packs.model import Tolerance


@dataclass(frozen=True)
class Parting:
    """The differing entries (a boolean mask, same shape as the answer) and a sentence saying
    at which derivation step the user's matrix and the engine's part."""

    differs: np.ndarray | None
    step_note: str


def _close(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol.rel, atol=tol.abs))


def differing(given: Any, expected: Any, tol: Tolerance) -> np.ndarray | None:
    """True where an entry is off by more than the tolerance; None if the shapes differ."""
    g, e = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return None
    off: np.ndarray = ~np.isclose(g, e, rtol=tol.rel, atol=tol.abs)
    return off


def _said(step: Any) -> str:
    """`name = formula`, without saying the name twice when the formula starts with it."""
    formula = str(step.formula)
    return formula if formula.startswith(f"{step.name} ") else f"{step.name} = {formula}"


def parting(
    given: Any, expected: Any, trace: Any, tol: Tolerance, inputs: frozenset[str] = frozenset()
) -> Parting:
    """The differing entries and the first derivation step the user's matrix does not reach.

    `inputs` names the given matrices: a step that only restates one is not working.
    """
    g = np.asarray(given, dtype=float)
    steps = [
        s for s in (getattr(trace, "steps", None) or ()) if getattr(s, "value", None) is not None
    ]
    mask = differing(g, expected, tol)
    for k, step in enumerate(steps):
        value = np.asarray(step.value, dtype=float)
        if not _close(g, value, tol):
            continue
        if k + 1 < len(steps):
            nxt = steps[k + 1]
            return Parting(
                mask,
                f"Your matrix is step {k + 1} ({step.name}) of the derivation: you part from "
                f"the engine at step {k + 2}, {_said(nxt)}.",
            )
    same_shape = [
        k for k, s in enumerate(steps) if np.shape(s.value) == g.shape and s.name not in inputs
    ]
    if same_shape:
        k = same_shape[0]
        step = steps[k]
        return Parting(
            mask,
            f"No step of the derivation gives your matrix; the first result of this shape is "
            f"step {k + 1} ({_said(step)}): check your working from there.",
        )
    return Parting(mask, "")
