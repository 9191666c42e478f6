"""Drawing an exercise's cases: reproducible from (question id, seed), and chosen so that every
misconception the question lists gives a wrong result on at least one case.

Each case draws the pack's scalar parameters (`check.params`, as for other questions), fills the
task's defaults, and lets the task build the arrays from the same generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from qkv_drill.exercises.registry import Case, Outputs
from qkv_drill.exercises.tasks import TASKS
from qkv_drill.packs.params import constraint_holds, draw_once, rng_for

if TYPE_CHECKING:
    from qkv_drill.packs.model import CodeSpec, Question, Tolerance

MAX_SETS = 40  # case sets tried before giving up on telling every mistake apart
MAX_CASE_TRIES = 200


class CasesError(ValueError):
    """The exercise cannot produce cases that tell its listed mistakes from the right answer."""


@dataclass(frozen=True, kw_only=True)
class CodeCases:
    """The cases of one instance: inputs, the engine's results, and each mistake's results."""

    inputs: tuple[Case, ...]
    expected: tuple[Outputs, ...]
    wrong: dict[str, tuple[Outputs | None, ...]]  # misconception -> per case (None: no change)


def outputs_match(got: Outputs, want: Outputs, tol: Tolerance, equal_nan: bool = False) -> bool:
    """Same number of arrays, same shapes, entries within the tolerance."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want, strict=True):
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape:
            return False
        if not np.allclose(
            g.astype(float), w.astype(float), rtol=tol.rel, atol=tol.abs, equal_nan=equal_nan
        ):
            return False
    return True


def _case_params(spec: CodeSpec, question_id: str, seed: int, index: int) -> dict:
    stub = SimpleNamespace(params=spec.params, derive={}, constraints=())
    defaults = TASKS[spec.compute].defaults
    for attempt in range(MAX_CASE_TRIES):
        rng = rng_for(f"{question_id}#case{index}", seed, attempt)
        values = {**defaults, **draw_once(stub, rng)}
        if all(constraint_holds(c, values) for c in spec.constraints):
            return {"__rng": rng, **values}
    raise CasesError(f"no case parameters satisfy the constraints in {MAX_CASE_TRIES} draws")


def _one_set(question: Question, seed: int) -> CodeCases:
    spec = question.code
    assert spec is not None
    task = TASKS[spec.compute]
    inputs, expected = [], []
    wrong: dict[str, list[Outputs | None]] = {mc: [] for mc in question.misconceptions}
    for i in range(spec.cases):
        drawn = _case_params(spec, question.id, seed, i)
        rng = drawn.pop("__rng")
        case = task.build(rng, drawn)
        inputs.append(case)
        expected.append(tuple(np.asarray(x) for x in task.reference(case)))
        for mc in wrong:
            with np.errstate(all="ignore"):
                w = task.wrong[mc](case)
            wrong[mc].append(None if w is None else tuple(np.asarray(x) for x in w))
    return CodeCases(
        inputs=tuple(inputs),
        expected=tuple(expected),
        wrong={mc: tuple(v) for mc, v in wrong.items()},
    )


def _as_given(per_case: tuple[Outputs | None, ...], cases: CodeCases) -> list[Outputs]:
    """A mistake's results, with the right result where the mistake changes nothing."""
    return [e if w is None else w for w, e in zip(per_case, cases.expected, strict=True)]


def _same(a: list[Outputs], b: list[Outputs] | tuple[Outputs, ...], tol: Tolerance) -> bool:
    return all(outputs_match(x, y, tol, equal_nan=True) for x, y in zip(a, b, strict=True))


def undetected(question: Question, cases: CodeCases) -> list[str]:
    """Listed mistakes the cases cannot tell from the right answer, or from another listed one
    (the user would be told the wrong mistake)."""
    assert question.code is not None
    tol = question.code.tolerance
    given = {mc: _as_given(per_case, cases) for mc, per_case in cases.wrong.items()}
    out = [mc for mc, g in given.items() if _same(g, cases.expected, tol)]
    names = list(given)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a not in out and b not in out and _same(given[a], given[b], tol):
                out.append(f"{a} (same as {b})")
    return out


def draw_cases(question: Question, seed: int) -> CodeCases:
    """Cases for `seed` that show every listed mistake; re-drawn (seed-derived) until they do."""
    missed: list[str] = []
    for k in range(MAX_SETS):
        cases = _one_set(question, seed * MAX_SETS + k if k else seed)
        missed = undetected(question, cases)
        if not missed:
            return cases
    raise CasesError(
        f"misconception {', '.join(missed)} gives the right result on every case in {MAX_SETS} "
        "case sets; widen check.params (sizes, offsets, masked rows) or drop it"
    )
