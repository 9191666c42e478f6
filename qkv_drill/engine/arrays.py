"""The array types in the engine's signatures.

Inputs are `ArrayLike` (arrays or nested lists); each function turns them into arrays with
`np.asarray` before anything else. Results are `FloatArray`: float64 from integer or float64
inputs, float32 kept as float32 (benchmarks/engine.py runs both). Masks are `BoolArray` (True =
may attend, torch's SDPA convention) or a float array added to the scores; positions and head
indices are `IntArray`.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

FloatArray: TypeAlias = npt.NDArray[np.floating]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.integer]

__all__ = ["ArrayLike", "BoolArray", "FloatArray", "IntArray"]
