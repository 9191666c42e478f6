"""Grade the user's code: run it on the instance's cases, compare with the engine, name the bug.

Outcomes, each told plainly: syntax error (with its line), exception (their traceback, trimmed to
their file), timeout, wrong shape, wrong values, right; and for bad returns (a list, a tensor where
numpy is expected, None, a missing function) what came back instead. On wrong values the report
holds the first failing case, expected and got (one 2-D slice when there are batch/head axes) and
which entries differ; when the output equals a listed mistake's output on every case the mistake
is named, and a transposed or permuted output is named too.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from qkv_drill.exercises.cases import CodeCases, outputs_match
from qkv_drill.exercises.mistakes import lookup
from qkv_drill.exercises.runner import RunResult, run_code
from qkv_drill.exercises.tasks import TASKS

if TYPE_CHECKING:
    from qkv_drill.engine.misconceptions import Misconception
    from qkv_drill.packs.model import CodeSpec, Question, Tolerance

Outcome = Literal[
    "right",
    "syntax_error",
    "exception",
    "timeout",
    "wrong_shape",
    "wrong_values",
    "bad_output",
    "no_function",
    "exited",
    "crashed",
    "empty",
]
MAX_PERMUTED_NDIM = 5


@dataclass(frozen=True, kw_only=True)
class Failure:
    """The first failing case: its inputs, and the part of the output that is wrong."""

    case: int
    inputs: dict[str, object]
    part: int  # which returned array (0 unless the function returns a tuple)
    where: tuple[int, ...]  # leading index of the 2-D slice shown ((b, h) for (B, H, T, d))
    expected: np.ndarray  # the 2-D (or 1-D) slice
    got: np.ndarray | None  # same slice of the user's output (None when the shape is wrong)
    differ: np.ndarray | None  # True where the entries differ beyond the tolerance


@dataclass(frozen=True, kw_only=True)
class CodeReport:
    outcome: Outcome
    message: str  # the headline, plain text
    misconception: Misconception | None = None
    failure: Failure | None = None
    line: int | None = None
    detail: str = ""  # trimmed traceback or offending source line
    printed: str = ""
    printed_chars: int = 0  # how much the code printed in all (only `printed` is kept)
    seconds: float = 0.0
    cases: int = 0
    passed: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def right(self) -> bool:
        return self.outcome == "right"


def grade(code: str, question: Question, cases: CodeCases) -> CodeReport:
    """Run `code` on the cases and say what happened. Never raises for anything the code does."""
    spec = question.code
    assert spec is not None
    if not code.strip():
        return CodeReport(outcome="empty", message="There is no code to run yet.")
    run = run_code(code, function=spec.function, language=language_of(spec), cases=cases.inputs)
    return judge(run, question, cases)


def language_of(spec: CodeSpec) -> Literal["numpy", "torch"]:
    return "torch" if spec.language == "torch" else "numpy"


def judge(run: RunResult, question: Question, cases: CodeCases) -> CodeReport:
    """What a finished run means: the outcome, the failing case, the named mistake."""
    common = {
        "printed": run.printed,
        "printed_chars": max(run.printed_chars, len(run.printed)),
        "seconds": run.seconds,
        "cases": len(cases.inputs),
    }
    if run.status != "ok":
        return _not_run(run, question, cases, common)
    return _compare(run, question, cases, common)


def _not_run(run: RunResult, question: Question, cases: CodeCases, common: dict) -> CodeReport:
    spec = question.code
    assert spec is not None
    failure = _inputs_only(cases, run.case) if run.case is not None else None
    if run.status == "no_function":
        others = ", ".join(run.defined) if run.defined else "no functions"
        if run.defined_more:
            others += f" and {run.defined_more} more"
        msg = f"No function named {spec.function} in your code (it defines {others})."
        return CodeReport(outcome="no_function", message=msg, **common)
    if run.status == "bad_output":
        want = "a torch tensor" if spec.language == "torch" else "a numpy array"
        task = TASKS[spec.compute]
        got = "None (no return statement?)" if run.message == "NoneType" else run.message
        msg = f"{spec.function} returned {got}; it should return {want}: {task.returns}."
        return CodeReport(outcome="bad_output", message=msg, failure=failure, **common)
    outcome: Outcome = run.status  # type: ignore[assignment]  # the remaining statuses are outcomes
    return CodeReport(
        outcome=outcome,
        message=run.message,
        failure=failure,
        line=run.line,
        detail=run.detail,
        **common,
    )


def _inputs_only(cases: CodeCases, i: int) -> Failure:
    want = cases.expected[i][0]
    return Failure(
        case=i, inputs=dict(cases.inputs[i]), part=0, where=(), expected=want, got=None, differ=None
    )


def _compare(run: RunResult, question: Question, cases: CodeCases, common: dict) -> CodeReport:
    spec = question.code
    assert spec is not None
    tol = spec.tolerance
    passed = [
        outputs_match(got, want, tol) for got, want in zip(run.outputs, cases.expected, strict=True)
    ]
    n_pass = sum(passed)
    common = {**common, "passed": n_pass}
    if all(passed):
        msg = f"Right: your {spec.function} agrees with the engine on all {len(passed)} cases."
        return CodeReport(outcome="right", message=msg, **common)
    i = passed.index(False)
    got, want = run.outputs[i], cases.expected[i]
    task = TASKS[spec.compute]
    if len(got) != len(want):
        noun = "tensor" if spec.language == "torch" else "array"  # what each language returns
        n = f"one {noun}" if len(got) == 1 else f"{len(got)} {noun}s"
        msg = f"{spec.function} returned {n}; it should return {len(want)}: {task.returns}."
        return CodeReport(
            outcome="bad_output", message=msg, failure=_inputs_only(cases, i), **common
        )
    part = next(j for j in range(len(want)) if not outputs_match((got[j],), (want[j],), tol))
    named = named_mistake(question, run, cases)
    label = f" (returned value {part + 1})" if len(want) > 1 else ""
    g, w = np.asarray(got[part]), np.asarray(want[part])
    notes = _notes(g, w)
    if g.shape != w.shape:
        outcome: Outcome = "wrong_shape"
        msg = (
            f"Wrong shape{label} on case {i + 1}: expected {_shape(w.shape)}, "
            f"got {_shape(g.shape)}."
        )
        failure = Failure(
            case=i,
            inputs=dict(cases.inputs[i]),
            part=part,
            where=(),
            expected=w,
            got=None,
            differ=None,
        )
    else:
        outcome = "wrong_values"
        failure = _slice_failure(i, dict(cases.inputs[i]), part, w, g, tol)
        bad = int(np.count_nonzero(~_close(g, w, tol)))
        msg = f"Wrong values{label} on case {i + 1}: {bad} of {w.size} entries differ."
    permuted = None if named else _permutation(run, cases, part, tol)
    if named is not None:
        msg += " " + named.feedback
    elif permuted:
        msg += " " + permuted
    return CodeReport(
        outcome=outcome, message=msg, misconception=named, failure=failure, notes=notes, **common
    )


def _shape(s: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def _close(g: np.ndarray, w: np.ndarray, tol: Tolerance) -> np.ndarray:
    return np.isclose(g.astype(float), w.astype(float), rtol=tol.rel, atol=tol.abs)


def _notes(g: np.ndarray, w: np.ndarray) -> tuple[str, ...]:
    notes = []
    gf = g.astype(float)
    if np.isnan(gf).any() and not np.isnan(w.astype(float)).any():
        notes.append(
            "Your output contains NaN (a 0/0 or inf - inf somewhere: a fully masked row?)."
        )
    if np.isinf(gf).any() and not np.isinf(w.astype(float)).any():
        notes.append("Your output contains inf (an overflow: exp of a large score?).")
    return tuple(notes)


def _slice_failure(i: int, inputs: dict, part: int, w: np.ndarray, g: np.ndarray, tol) -> Failure:
    """The 2-D slice holding the first differing entry, with the differing entries marked."""
    differ = ~_close(g, w, tol)
    first = tuple(int(x) for x in np.argwhere(differ)[0]) if differ.any() else (0,) * w.ndim
    where = first[:-2] if w.ndim > 2 else ()
    return Failure(
        case=i,
        inputs=inputs,
        part=part,
        where=where,
        expected=w[where],
        got=g[where],
        differ=differ[where],
    )


def named_mistake(question: Question, run: RunResult, cases: CodeCases) -> Misconception | None:
    """The first listed mistake whose results the user's output equals on every case."""
    assert question.code is not None
    tol = question.code.tolerance
    for mc, per_case in cases.wrong.items():
        shows = False
        for got, wrong, right in zip(run.outputs, per_case, cases.expected, strict=True):
            target = right if wrong is None else wrong
            if not outputs_match(got, target, tol, equal_nan=True):
                break
            shows = shows or (wrong is not None and not outputs_match(wrong, right, tol, True))
        else:
            if shows:
                return lookup(mc)
    return None


def _permutation(run: RunResult, cases: CodeCases, part: int, tol) -> str | None:
    """Right values with the axes in another order (or only reshaped), on every case."""
    gots = [np.asarray(o[part]) for o in run.outputs]
    wants = [np.asarray(e[part]) for e in cases.expected]

    def all_match(turn) -> bool:
        for g, w in zip(gots, wants, strict=True):
            t = turn(g)
            if t is None or t.shape != w.shape or not bool(np.all(_close(t, w, tol))):
                return False
        return True

    if all_match(lambda g: np.swapaxes(g, -1, -2) if g.ndim >= 2 else None):
        return "Your output is the right one transposed: its last two axes are swapped."
    nd = wants[0].ndim
    if all(g.ndim == nd == w.ndim for g, w in zip(gots, wants, strict=True)) and (
        2 < nd <= MAX_PERMUTED_NDIM
    ):
        for perm in itertools.permutations(range(nd)):
            if perm != tuple(range(nd)) and all_match(lambda g, p=perm: np.transpose(g, p)):
                return (
                    "Your output has the right values with its axes in another order: "
                    f"transposing yours by {perm} gives the expected one."
                )
    return _reshaped(gots, wants, tol)


def _reshaped(gots: list[np.ndarray], wants: list[np.ndarray], tol) -> str | None:
    if all(
        g.size == w.size and bool(np.all(_close(g.reshape(w.shape), w, tol)))
        for g, w in zip(gots, wants, strict=True)
    ):
        return "Your output holds the right numbers in the right order but in the wrong shape."
    return None
