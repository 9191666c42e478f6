"""The same answer from the torch backend: the engine's second opinion.

numpy is the readable reference; torch (SDPA, F.linear, torch.softmax) must agree with it. The
validator runs this on every computed question, and the app shows it under a derivation. torch is
imported here only when a cross-check is asked for, so callers run it off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qkv_drill.packs.computations import COMPUTATIONS, compute
from qkv_drill.packs.instance import Instance, answer_args

RTOL, ATOL = 1e-7, 1e-9


@dataclass(frozen=True)
class CrossCheck:
    computation: str
    agrees: bool
    max_abs_diff: float  # inf when the shapes differ

    def describe(self) -> str:
        if self.agrees:
            # The bound, not the exact difference: that depends on the BLAS build underneath.
            return f"torch agrees with the numpy engine on {self.computation} (within {ATOL:g})"
        return (
            f"torch and the numpy engine DISAGREE on {self.computation} "
            f"(largest difference {self.max_abs_diff:.1e})"
        )


def has_torch_path(instance: Instance) -> bool:
    answer = instance.question.answer
    return answer is not None and COMPUTATIONS[answer.compute].torch_fn is not None


def cross_check(instance: Instance) -> CrossCheck | None:
    """Recompute the instance's answer on torch; None when the computation has no torch path."""
    answer = instance.question.answer
    if answer is None or not has_torch_path(instance):
        return None
    name = answer.compute
    values = answer_args(instance.question, instance.params)
    ours = np.asarray(compute(name, values).value, dtype=float)
    theirs = np.asarray(compute(name, values, backend="torch").value, dtype=float)
    if ours.shape != theirs.shape:
        return CrossCheck(name, False, float("inf"))
    diff = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    return CrossCheck(name, bool(np.allclose(ours, theirs, rtol=RTOL, atol=ATOL)), diff)
