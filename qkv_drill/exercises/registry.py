"""The exercise registry: a task is what one kind of "implement it" exercise computes.

A task is named by a pack's `check.compute`. From the scalar parameters drawn for one case (sizes,
flags, a value scale) it builds the arguments of the user's function; the engine computes the
right result and, for each named mistake, the result someone making it would return (None when
the mistake changes nothing for that case).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Args = dict[str, Any]
Outputs = tuple[np.ndarray, ...]
Case = dict[str, Any]  # argument name -> np.ndarray | int | float | bool | None


@dataclass(frozen=True, kw_only=True)
class Task:
    """One exercise kind: its arguments, how to draw them, the right and the mistaken results."""

    name: str
    arguments: tuple[str, ...]  # the user's function is called with these keywords
    defaults: Mapping[str, Any]  # the scalar parameters a pack may set (check.params)
    build: Callable[[np.random.Generator, Args], Case]
    reference: Callable[[Case], Outputs]
    wrong: Mapping[str, Callable[[Case], Outputs | None]] = field(default_factory=dict)
    returns: str = "the output"  # what the function returns, in words (for messages)


TASKS: dict[str, Task] = {}


def register(task: Task) -> None:
    TASKS[task.name] = task


def values(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """Normal values rounded to two decimals, so a failing case reads easily."""
    return np.round(rng.standard_normal(shape) * scale, 2)


def lead(a: Args) -> tuple[int, ...]:
    """Leading (B,) and (H,) dims: 0 leaves that axis out."""
    return tuple(int(n) for n in (a.get("batch", 0), a.get("heads", 0)) if int(n) > 0)
