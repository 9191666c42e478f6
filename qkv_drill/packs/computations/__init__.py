"""The named computations packs call with `answer.compute`, by topic.

A pack never stores a numeric, shape or matrix answer: the engine computes it from the
instance's parameters, and each named misconception (`engine.misconceptions`) gives its wrong
value from the same computation, so a wrong answer can be recognised and named.
"""

from qkv_drill.engine.shapes import SHAPE_NAMES
from qkv_drill.packs.computations import (  # noqa: F401  (register)
    attention,
    matrices,
    positions,
    quantities,
)
from qkv_drill.packs.computations.core import (
    COMPUTATIONS,
    MAX_ELEMENTS,
    MAX_MATRIX_DIM,
    Computation,
    Result,
    compute,
    misconception_value,
    resolve_args,
)

SHAPE_WHICH = SHAPE_NAMES

__all__ = [
    "COMPUTATIONS",
    "MAX_ELEMENTS",
    "MAX_MATRIX_DIM",
    "SHAPE_WHICH",
    "Computation",
    "Result",
    "compute",
    "misconception_value",
    "resolve_args",
]
