"""Question + seed -> Instance: the numbers, the rendered prompt and the computed answer.

The answer is always computed here by the engine from exactly the numbers shown in the prompt.
When a named misconception would give (within tolerance) the same answer, the numbers cannot
tell a right answer from that mistake, so the instance is re-drawn.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

import numpy as np

from qkv_drill.answers.parse import format_matrix, format_number
from qkv_drill.packs.budget import check_compute
from qkv_drill.packs.computations import (
    COMPUTATIONS,
    LITERAL_ARGS,
    Result,
    compute,
    misconception_value,
)
from qkv_drill.packs.configs import CONFIGS
from qkv_drill.packs.drawn import Instance as Instance  # where every caller has found it
from qkv_drill.packs.model import Example, Question, Tolerance
from qkv_drill.packs.numberless import WORDY, wordy_instance
from qkv_drill.packs.param_specs import spec_kind
from qkv_drill.packs.params import (
    ImpossibleConstraints,
    draw_once,
    draw_params,
    rng_for,
)
from qkv_drill.packs.prompt_text import precision_line as precision_line
from qkv_drill.packs.prompt_text import render_prompt as render_prompt
from qkv_drill.present.formats import shape_tuple

MAX_REDRAWS = 50


class InstanceError(ValueError):
    """The question cannot produce a usable instance for this seed (reported by `validate`).

    From `draw`, the message is one line naming the question and where it is written, so a
    session can skip the question and show why; `reason` is the bare cause.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = message if reason is None else reason


class ConstraintsError(InstanceError, ImpossibleConstraints):
    """`draw` found no parameters meeting the question's constraints."""


def _cannot_draw(question: Question, seed: int, e: Exception) -> InstanceError:
    reason = getattr(e, "reason", None) or str(e) or type(e).__name__
    reason = " ".join(str(reason).split())  # one line
    where = f"{question.path or '?'}:{question.line}"
    message = f"question {question.id} ({where}) cannot be drawn with seed {seed}: {reason}"
    cls = ConstraintsError if isinstance(e, ImpossibleConstraints) else InstanceError
    return cls(message, reason)


# --- comparing answers ------------------------------------------------------------------------


def matches(kind: str, given: Any, expected: Any, tol: Tolerance) -> bool:
    """The same closeness rule for checking answers and for spotting misconception collisions."""
    if given is None or expected is None:
        return False
    if kind == "numeric":
        a, b = float(given), float(expected)
        return abs(a - b) <= tol.abs + tol.rel * abs(b) or a == b  # numpy isclose semantics
    if kind == "shape":
        return tuple(given) == tuple(expected)
    g, e = np.asarray(given, dtype=float), np.asarray(expected, dtype=float)
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=tol.rel, atol=tol.abs))


MAX_PLAIN = 1e15  # whole numbers below this are written out in full, never as 1.3e10


def display(kind: str, value: Any, tol: Tolerance) -> str:
    """The shortest rendering that still parses back well within the tolerance.

    Whole numbers are written in full with thousands separators (`1,342,177,280`), which the
    answer parser reads back; other numbers get just enough significant digits.
    """
    if kind == "shape":
        return shape_tuple(value)
    if kind == "numeric":
        x = float(value)
        if math.isfinite(x) and x == math.floor(x) and abs(x) < MAX_PLAIN:
            return f"{int(x):,}"
    tight = Tolerance(tol.abs / 10, tol.rel / 10)
    fmt = _plain_number if kind == "numeric" else format_matrix
    for digits in range(3, 17):
        text = fmt(value, digits)
        back = _back(kind, text)
        if back is not None and matches(kind, back, value, tight):
            return text
    return fmt(value)


def _plain_number(x: Any, digits: int | None = None) -> str:
    """`digits` significant digits, positional for everyday magnitudes (12,300 not 1.23e04)."""
    text = format_number(x, digits)
    if "e" not in text:
        return text
    v = float(text)
    if not (math.isfinite(v) and 1e-4 <= abs(v) < MAX_PLAIN):
        return text
    if v == math.floor(v):
        return f"{int(v):,}"
    return np.format_float_positional(v, trim="-")


def _back(kind: str, text: str) -> Any:
    from qkv_drill.answers.parse import Ok, parse_answer

    p = parse_answer("numeric" if kind == "numeric" else "matrix", text)
    return p.value if isinstance(p, Ok) else None


# --- rendering ----------------------------------------------------------------------------------


def answer_args(question: Question, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters plus `answer.args` (a string naming a parameter takes that parameter's value)."""
    values = dict(params)
    if question.answer:
        for k, v in question.answer.args.items():
            named = isinstance(v, str) and k not in LITERAL_ARGS and v in params
            values[k] = params[v] if named else v
    return values


# --- drawing ------------------------------------------------------------------------------------


def evaluate(question: Question, params: dict[str, Any]) -> tuple[Result, dict[str, Any]]:
    """(Result, {misconception: wrong value}) for a computed question at these parameters."""
    assert question.answer is not None
    values = answer_args(question, params)
    try:
        check_compute(question.answer.compute, values)
        result = compute(question.answer.compute, values)
        wrong = {}
        comp = COMPUTATIONS[question.answer.compute]
        for mc in question.misconceptions:
            if mc in comp.misconceptions:
                w = misconception_value(question.answer.compute, mc, values)
                if w is not None:
                    wrong[mc] = w
    except (ValueError, ZeroDivisionError, KeyError, TypeError, OverflowError) as e:
        raise InstanceError(f"{question.answer.compute} failed: {e}") from None
    return result, wrong


def collisions(question: Question, expected: Any, wrong: dict[str, Any]) -> list[str]:
    """Misconceptions whose value cannot be told apart from the right answer."""
    tol = question.answer.tolerance if question.answer else Tolerance()
    return [mc for mc, w in wrong.items() if matches(question.type, w, expected, tol)]


Pair = tuple[str, str]


def pair_collisions(question: Question, wrong: dict[str, Any]) -> set[Pair]:
    """Pairs of misconceptions whose answers cannot be told apart (the user would be told the
    wrong one)."""
    tol = question.answer.tolerance if question.answer else Tolerance()
    names = list(wrong)
    return {
        (a, b)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if matches(question.type, wrong[a], wrong[b], tol)
        or matches(question.type, wrong[b], wrong[a], tol)
    }


PROBE_DRAWS = 8  # draws that decide which pairs of mistakes are equal by construction


@functools.lru_cache(maxsize=512)
def equal_by_construction(question: Question) -> frozenset[Pair]:
    """Pairs of misconceptions that give the same answer in every probe draw of this question
    (`kv_only_one` and `forgot_layers` when layers is fixed at 2): no re-draw can separate
    them, so feedback names both instead."""
    if question.answer is None or len(question.misconceptions) < 2:
        return frozenset()
    always: set[Pair] | None = None
    for probe in range(PROBE_DRAWS):
        try:
            params, _ = draw_params(question, -1 - probe)
            _, wrong = evaluate(question, params)
        except (ValueError, KeyError, TypeError, ZeroDivisionError, OverflowError):
            continue  # a probe that cannot be drawn decides nothing
        pairs = pair_collisions(question, wrong)
        always = pairs if always is None else always & pairs
        if not always:
            return frozenset()
    return frozenset(always or ())


def _same_groups(pairs: frozenset[Pair], wrong: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    same: dict[str, list[str]] = {}
    for a, b in sorted(pairs):
        if a in wrong and b in wrong:
            same.setdefault(a, []).append(b)
            same.setdefault(b, []).append(a)
    return {k: tuple(v) for k, v in same.items()}


def build(question: Question, seed: int, params: dict[str, Any]) -> Instance:
    """The instance for exactly these parameters (no re-draw)."""
    prompt = render_prompt(question.prompt, params).rstrip()
    if question.type in WORDY:
        return wordy_instance(question, seed, params, prompt)
    if question.type == "code":
        from qkv_drill.exercises.instance import build_code

        return build_code(question, seed, prompt)
    result, wrong = evaluate(question, params)
    assert question.answer is not None  # evaluate has checked it
    tol = question.answer.tolerance
    expected: Any = result.value
    if question.type == "numeric":
        expected = float(expected)
    prompt += "\n\n" + precision_line(question.type, tol, expected)
    return Instance(
        question=question,
        seed=seed,
        params=params,
        prompt=prompt,
        expected=expected,
        expected_display=display(question.type, expected, tol),
        trace=result.trace,
        heatmap=None if result.heatmap is None else np.asarray(result.heatmap),
        wrong=wrong,
    )


def draw(question: Question, seed: int) -> Instance:
    """A reproducible instance for `seed`; re-drawn while a misconception collides.

    Raises InstanceError (a one-line message naming the question and its file:line) when the
    question cannot be drawn.
    """
    try:
        return _draw(question, seed)
    except Exception as e:
        raise _cannot_draw(question, seed, e) from e


def _draw(question: Question, seed: int) -> Instance:
    attempt = 0
    clashes: list[str] = []
    pairs: set[Pair] = set()
    allowed = equal_by_construction(question) if len(question.misconceptions) > 1 else frozenset()
    for redraws in range(MAX_REDRAWS):
        params, used = draw_params(question, seed, attempt)
        inst = build(question, seed, params)
        clashes = collisions(question, inst.expected, inst.wrong)
        pairs = pair_collisions(question, inst.wrong) - allowed if not clashes else set()
        if not clashes and not pairs:
            same = _same_groups(allowed, inst.wrong)
            return dataclasses.replace(inst, same=same, redraws=redraws)
        attempt = used + 1
    if clashes:
        raise InstanceError(
            f"misconception {', '.join(clashes)} gives the right answer (within tolerance) in "
            f"{MAX_REDRAWS} draws; widen the parameters or drop it"
        )
    told = ", ".join(f"{a} = {b}" for a, b in sorted(pairs))
    raise InstanceError(
        f"misconceptions give the same answer ({told}) in {MAX_REDRAWS} draws; widen the "
        "parameters so they differ, or drop one"
    )


def example_params(question: Question, example: Example) -> dict[str, Any]:
    """An example's fixed parameters, with its `model:` config's fields filled in."""
    fixed = dict(example.params)
    if example.model is not None:
        cfg = CONFIGS[example.model]
        for name, spec in question.params.items():
            if spec_kind(spec) == "config":
                fixed.setdefault(name, cfg.display)
        for k, v in cfg.fields().items():
            fixed.setdefault(k, v)
    return fixed


def draw_fixed(question: Question, fixed: dict[str, Any], seed: int = 0) -> Instance:
    """An instance with some parameters fixed (the pack's self-test `examples`)."""
    params = draw_once(question, rng_for(question.id, seed), fixed)
    return build(question, seed, params)
