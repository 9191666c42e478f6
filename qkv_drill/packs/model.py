"""Plain, immutable records of a loaded pack; everything here is JSON-able data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qkv_drill.packs.format import DEFAULT_TIME


@dataclass(frozen=True)
class Tolerance:
    """numpy isclose semantics: |a - b| <= abs + rel * |b|."""

    abs: float = 1e-6
    rel: float = 1e-9
    explicit: bool = False  # written in the pack (so the prompt states it)


@dataclass(frozen=True)
class Answer:
    compute: str
    args: dict[str, Any] = field(default_factory=dict)
    tolerance: Tolerance = Tolerance()

    def __hash__(self) -> int:
        return hash(self.compute)


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False
    why: str = ""
    misconception: str | None = None


@dataclass(frozen=True)
class RubricPoint:
    point: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Example:
    """A self-test: with these parameters (and this named `model` config), these answers are
    accepted / rejected, at the question's tolerance unless the example sets its own."""

    params: dict[str, Any]
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    model: str | None = None
    tolerance: Tolerance | None = None
    line: int = 0

    def __hash__(self) -> int:
        return hash((self.accept, self.reject, self.line))


@dataclass(frozen=True, kw_only=True)
class CodeSpec:
    """An "implement it" exercise: the user's function is run on drawn cases (see exercises/)."""

    function: str  # the name the user defines
    language: str  # "numpy" (receives and returns arrays) | "torch" (tensors)
    starter: str  # text pre-filled in the editor; never run by the app
    compute: str  # an exercise task (exercises.tasks.TASKS)
    cases: int = 8
    params: dict[str, Any] = field(default_factory=dict)  # scalar specs, drawn per case
    constraints: tuple[dict[str, Any], ...] = ()
    tolerance: Tolerance = Tolerance(1e-6, 1e-6)

    def __hash__(self) -> int:
        return hash((self.function, self.compute))


@dataclass(frozen=True, kw_only=True)
class Question:
    id: str
    pack_id: str
    topic: str
    difficulty: str
    type: str
    prompt: str
    explanation: str
    hints: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    time_budget: int = DEFAULT_TIME
    params: dict[str, Any] = field(default_factory=dict)  # name -> raw spec from the pack
    derive: dict[str, str] = field(default_factory=dict)  # name -> expression, in order
    constraints: tuple[dict[str, Any], ...] = ()
    answer: Answer | None = None
    misconceptions: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    shuffle: bool = True
    model_answer: str = ""
    rubric: tuple[RubricPoint, ...] = ()
    examples: tuple[Example, ...] = ()
    line: int = 0
    path: str = ""
    code: CodeSpec | None = None  # type "code" only
    pack_version: int = 1  # its pack's `version:` (stored with answers, shown when it changed)

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True, kw_only=True)
class Pack:
    id: str
    title: str
    description: str
    version: int
    author: str
    questions: tuple[Question, ...]
    path: str = ""

    def __hash__(self) -> int:
        return hash(self.id)
