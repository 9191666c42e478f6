"""What one draw of a question is: the `Instance` every mode shows, checks and records.

A record with no behaviour, apart from drawing (packs/instance.py) and checking (packs/check.py),
so the code exercises can build and grade one without importing either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qkv_drill.packs.model import Question

if TYPE_CHECKING:  # numpy only in annotations: an instance of a choice question needs none
    import numpy as np

    from qkv_drill.engine.trace import Trace


@dataclass(frozen=True, kw_only=True)
class Instance:
    question: Question
    seed: int
    params: dict[str, object]  # JSON-able (matrices as nested lists)
    prompt: str  # Markdown, parameters substituted, precision line appended
    # by question type: float | tuple[int, ...] | np.ndarray | int | frozenset[int] | None
    expected: Any
    expected_display: str
    options: list[str] = field(default_factory=list)  # choice/multi in display order
    trace: Trace | None = None  # the derivation of a computed answer
    heatmap: np.ndarray | None = None  # (T, S) attention weights, when there are some
    wrong: dict[str, object] = field(default_factory=dict)  # misconception -> its wrong answer
    order: tuple[int, ...] = ()  # display position -> index in question.options
    # misconception -> the others that give the same answer by construction (named together)
    same: dict[str, tuple[str, ...]] = field(default_factory=dict)
    redraws: int = 0  # draws thrown away because two answers could not be told apart

    def __hash__(self) -> int:
        return hash((self.question.id, self.seed))
