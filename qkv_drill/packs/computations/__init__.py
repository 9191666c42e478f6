"""The named computations packs call with `answer.compute`, by topic.

A pack never stores a numeric, shape or matrix answer: the engine computes it from the
instance's parameters, and each named misconception (`engine.misconceptions`) gives its wrong
value from the same computation, so a wrong answer can be recognised and named.
"""

from qkv_drill.engine.shapes import SHAPE_NAMES
from qkv_drill.packs.computations import (  # noqa: F401  (importing registers them)
    architecture,
    attention,
    matrices,
    modern,
    positions,
    quantities,
)
from qkv_drill.packs.computations.core import (
    CHOICE_ARGS,
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
LITERAL_ARGS = ("which", "field", *CHOICE_ARGS)
"""`answer.args` whose text is the value itself, never the name of a parameter."""

__all__ = [
    "CHOICE_ARGS",
    "COMPUTATIONS",
    "LITERAL_ARGS",
    "MAX_ELEMENTS",
    "MAX_MATRIX_DIM",
    "SHAPE_WHICH",
    "Computation",
    "Result",
    "compute",
    "misconception_value",
    "resolve_args",
]
