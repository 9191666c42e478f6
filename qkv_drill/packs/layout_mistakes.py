"""Two mistakes of layout rather than arithmetic: a transposed matrix and a permuted shape.

Both are seen in the answer alone, for any matrix or shape question, so the checker spots them
itself. The engine's registry is the one home of misconceptions: when it lists
`transposed_matrix` and `permuted_shape`, its objects are used; until then these stand in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qkv_drill.engine.misconceptions import MISCONCEPTIONS, Misconception
from qkv_drill.packs.model import Tolerance

TRANSPOSED = MISCONCEPTIONS.get("transposed_matrix") or Misconception(
    name="transposed_matrix",
    title="Matrix transposed",
    feedback=(
        "Your matrix is the answer with rows and columns swapped. In attention each row belongs "
        "to one query position and each column to a key (or a feature): Q K^T is (T_q, T_k), "
        "not (T_k, T_q)."
    ),
)
PERMUTED = MISCONCEPTIONS.get("permuted_shape") or Misconception(
    name="permuted_shape",
    title="Dimensions in the wrong order",
    feedback=(
        "The sizes are right but in the wrong order. Write the dimensions in the order the "
        "tensor is laid out, e.g. (B, H, T, d_k) once the heads are split and moved before T."
    ),
)


def is_transposed(given: Any, expected: Any, tol: Tolerance) -> bool:
    """`given` is `expected` transposed (and not simply right, as a symmetric matrix would be)."""
    g, e = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    if g.ndim != 2 or g.T.shape != e.shape:
        return False

    def close(a: np.ndarray, b: np.ndarray) -> bool:
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol.rel, atol=tol.abs))

    return close(g.T, e) and not close(g, e)


def is_permuted(given: Any, expected: Any) -> bool:
    """The same dimensions as `expected`, in another order."""
    g, e = tuple(int(x) for x in given), tuple(int(x) for x in expected)
    return g != e and sorted(g) == sorted(e)
