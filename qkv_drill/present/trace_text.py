"""A derivation's steps as text: the engine's Trace keeps arrays and shapes, this reads them out.

The engine holds data only; shown forms ("2x4", "(2x4) @ (4x2)") are decided here, once, for the
app, plain mode and the mock report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qkv_drill.present.formats import shape_by

if TYPE_CHECKING:
    from qkv_drill.engine.trace import Step, Trace


def step_note(step: Step) -> str:
    """The note shown under a step: a product's operand shapes, then the engine's own note."""
    parts = []
    if step.operand_shapes:
        parts.append(" @ ".join(f"({shape_by(s)})" for s in step.operand_shapes))
    if step.note:
        parts.append(step.note)
    return "; ".join(parts)


def trace_flow(trace: Trace) -> str:
    """One line: "X (2x4) -> Q = X W_Q (2x2) -> ...": the flow without the weight matrices."""
    parts = []
    for step in trace.steps:
        if step.name.startswith(("W_", "b_")):
            continue
        label = step.name if step.formula == step.name else step.formula
        parts.append(f"{label} ({shape_by(step.shape)})")
    return " -> ".join(parts)
