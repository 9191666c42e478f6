"""Instance + typed text -> Verdict. Unreadable input is never marked wrong."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from qkv_drill.answers.parse import Ok, parse_answer
from qkv_drill.engine.misconceptions import MISCONCEPTIONS, Misconception
from qkv_drill.packs.instance import Instance, matches
from qkv_drill.packs.layout_mistakes import PERMUTED, TRANSPOSED, is_permuted, is_transposed
from qkv_drill.packs.model import Tolerance
from qkv_drill.packs.verdict import Verdict as Verdict  # where every caller has found it
from qkv_drill.present.formats import option_letter, option_letters, shape_tuple


def _mc(name: str | None) -> Misconception | None:
    return MISCONCEPTIONS.get(name) if name else None


def named_together(name: str, others: Sequence[str]) -> Misconception | None:
    """The misconception, or, when others give the same answer by construction, one naming all
    of them: the numbers cannot say which mistake was made, so the feedback must not guess."""
    first = _mc(name)
    rest = [m for m in (_mc(o) for o in others) if m is not None]
    if first is None or not rest:
        return first
    every = [first, *rest]
    return dataclasses.replace(
        first,
        title=" or ".join(m.title for m in every),
        feedback="That answer comes from either of these mistakes (they give the same number "
        "here). " + " ".join(f"{m.title}: {m.feedback}" for m in every),
    )


def keyword_hit(text: str, keyword: str) -> bool:
    """Case-insensitive match at the start of a word ("scale" finds "scaled", not "rescale")."""
    pattern = r"(?<![a-z0-9])" + re.escape(keyword.lower().strip())
    return re.search(pattern, text.lower()) is not None


def check(instance: Instance, text: str) -> Verdict:
    q = instance.question
    shown = instance.expected_display
    if q.type == "code":
        from qkv_drill.exercises.instance import check_code

        return check_code(instance, text)
    if q.type == "text":
        hits = tuple(any(keyword_hit(text, k) for k in p.keywords) for p in q.rubric)
        return Verdict(
            "self_grade",
            "Compare with the model answer and tick the points you covered.",
            shown,
            None,
            text.strip(),
            hits,
        )
    n = len(instance.options) if q.type in ("choice", "multi") else None
    parsed = parse_answer(q.type, text, n)
    if not isinstance(parsed, Ok):
        return Verdict("unparseable", parsed.message, shown, None, None)
    value = parsed.value
    if q.type == "choice":
        return _check_choice(instance, value)
    if q.type == "multi":
        return _check_multi(instance, value)
    tol = q.answer.tolerance if q.answer else Tolerance()
    if q.type == "matrix":
        value = as_expected_shape(value, np.shape(instance.expected))
        got, want = np.shape(value), np.shape(instance.expected)
        if got != want:
            named = _named_mistake(instance, value, tol)  # a transposed answer, say
            if named is not None:
                return named
            # Not an answer to this question yet: say what shape it needs, mark nothing.
            return Verdict("unparseable", shape_message(got, want), shown, None, None)
    if matches(q.type, value, instance.expected, tol):
        return Verdict("correct", f"Correct: {shown}.", shown, None, value)
    named = _named_mistake(instance, value, tol)
    if named is not None:
        return named
    return Verdict("wrong", f"Not quite: the answer is {shown}.", shown, None, value)


def _named_mistake(instance: Instance, value: object, tol: Tolerance) -> Verdict | None:
    """The verdict naming the misconception whose answer `value` is, if there is one."""
    q = instance.question
    for name, wrong in instance.wrong.items():
        if matches(q.type, value, wrong, tol):
            mc = named_together(name, instance.same.get(name, ()))
            msg = mc.feedback if mc else f"That is the {name} mistake."
            return Verdict("wrong", msg, instance.expected_display, mc, value)
    layout = _layout_mistake(q.type, value, instance.expected, tol)
    if layout is not None:
        return Verdict("wrong", layout.feedback, instance.expected_display, layout, value)
    return None


def _layout_mistake(
    kind: str, value: object, expected: object, tol: Tolerance
) -> Misconception | None:
    """A transposed matrix or a shape in the wrong order, when no pack mistake matched."""
    if kind == "matrix" and is_transposed(value, expected, tol):
        return TRANSPOSED
    if kind == "shape" and is_permuted(value, expected):
        return PERMUTED
    return None


def _describe(shape: tuple[int, ...]) -> str:
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    if len(shape) == 2:
        rows, cols = shape
        return f"a {rows}x{cols} matrix ({rows} row{'s' if rows != 1 else ''} of {cols})"
    return f"an array of shape {shape_tuple(shape)}"


def shape_message(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """Why a matrix of the wrong shape is not read as an answer, and how to write it."""
    return (
        f"This needs {_describe(want)}; what you typed reads as {_describe(got)}. "
        "Separate the rows with ';' or write one row per line."
    )


def as_expected_shape(value: np.ndarray, want: tuple[int, ...]) -> np.ndarray:
    """A vector typed for a one-row matrix (or a row/column typed for a vector) is read as meant.

    Only the same n entries in a different bracketing are forgiven; any other shape is left as
    given, so it is marked wrong with the expected-shape message.
    """
    got = np.shape(value)
    if got == want:
        return value
    n = int(np.prod(want)) if want else 1
    if len(want) == 2 and want[0] == 1 and got == (n,):
        return np.reshape(value, want)  # (n,) -> (1, n)
    if len(want) == 1 and got in ((1, n), (n, 1)):
        return np.reshape(value, want)  # (1, n) or (n, 1) -> (n,)
    return value


def _check_choice(instance: Instance, pick: int) -> Verdict:
    shown = instance.expected_display
    if pick == instance.expected:
        return Verdict("correct", f"Correct: {shown}.", shown, None, pick)
    opt = instance.question.options[instance.order[pick]]
    msg = opt.why or f"Not that one: the answer is {shown}."
    return Verdict("wrong", msg, shown, _mc(opt.misconception), pick)


def _check_multi(instance: Instance, picks: frozenset[int]) -> Verdict:
    shown = instance.expected_display
    want = instance.expected
    if picks == want:
        return Verdict("correct", f"Correct: {shown}.", shown, None, picks)
    extra = sorted(picks - want)
    if extra:
        # Each wrong tick by its letter: with several ticks, a bare reason does not say which.
        opts = [instance.question.options[instance.order[i]] for i in extra]
        why = " ".join(
            f"{option_letter(i)}) is not right" + (f": {o.why}" if o.why else ".")
            for i, o in zip(extra, opts, strict=True)
        )
        return Verdict("wrong", why, shown, _mc(opts[0].misconception), picks)
    return Verdict(
        "wrong", f"You missed {option_letters(want - picks, sep=', ')}.", shown, None, picks
    )


def text_passes(covered: int, total: int) -> bool:
    """The one pass rule for a self-graded text answer: at least two thirds of the points.

    An interviewer accepts a good answer that skips a detail; 2 of 3 passes, 1 of 3 does not.
    An empty rubric never passes (the pack format requires one).
    """
    return total > 0 and 3 * covered >= 2 * total


def grade_text(instance: Instance, covered: Sequence[int]) -> Verdict:
    """After self-grading: correct when `text_passes` (two thirds of the rubric points)."""
    rubric = instance.question.rubric
    got = {i for i in covered if 0 <= i < len(rubric)}
    hits = tuple(i in got for i in range(len(rubric)))
    missed = [p.point for i, p in enumerate(rubric) if i not in got]
    shown = instance.expected_display
    passed = text_passes(len(got), len(rubric))
    if not missed:
        return Verdict("correct", "All points covered.", shown, None, None, hits)
    tally = f"{len(got)} of {len(rubric)} points"
    if passed:
        msg = f"Enough covered ({tally}). Also mention: " + "; ".join(missed)
        return Verdict("correct", msg, shown, None, None, hits)
    msg = f"Not enough ({tally}; two thirds needed). Missed: " + "; ".join(missed)
    return Verdict("wrong", msg, shown, None, None, hits)
