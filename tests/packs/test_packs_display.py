"""How answers are shown and read back: whole numbers in full, precision lines, lenient vectors,
the two-thirds rule for text, and one-line errors for questions that cannot be drawn."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.answers.parse import Ok, parse_answer
from qkv_drill.packs.check import as_expected_shape, check, grade_text, text_passes
from qkv_drill.packs.instance import InstanceError, display, draw, precision_line
from qkv_drill.packs.loader import load_paths
from qkv_drill.packs.model import Tolerance
from qkv_drill.packs.params import ImpossibleConstraints
from tests.helpers.questions import RubricPoint, computed, question

HERE = Path(__file__).parent

# --- expected_display ----------------------------------------------------------------------------


def _back(text: str) -> float:
    parsed = parse_answer("numeric", text)
    assert isinstance(parsed, Ok), text
    return parsed.value


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**15) + 1, 10**15 - 1))
def test_whole_numbers_are_written_in_full_and_read_back(n):
    text = display("numeric", float(n), Tolerance())
    assert "e" not in text.lower()
    assert _back(text) == float(n)


def test_thousands_separators():
    assert display("numeric", 13421772800.0, Tolerance()) == "13,421,772,800"
    assert display("numeric", 64.0, Tolerance()) == "64"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(1e-3, 1e12, allow_nan=False).filter(lambda x: x != math.floor(x)),
    st.sampled_from([(1e-6, 1e-9), (0.01, 0.0), (0.0, 0.05), (1e-3, 0.01)]),
)
def test_other_numbers_read_back_within_tolerance(x, tol):
    t = Tolerance(*tol, explicit=True)
    text = display("numeric", x, t)
    assert abs(_back(text) - x) <= t.abs + t.rel * abs(x)
    if 1e-3 <= x < 1e15:
        assert "e" not in text  # 12,300 rather than 1.23e04


def test_non_integers_are_short():
    assert display("numeric", 1 / 3, Tolerance(0.01, 0.0, True)) == "0.333"
    assert display("numeric", 12345.678, Tolerance(0.0, 0.05, True)) == "12,300"
    assert display("numeric", 2.0 / 7.0, Tolerance()) == "0.2857143"


def test_big_cache_answer_displays_in_full_and_is_accepted():
    q = computed(
        "kv_cache",
        {"layers": [40], "kv_heads": [40], "head_dim": [128], "seq": [4096], "batch": [4]},
    )
    inst = draw(q, 0)
    assert inst.expected_display == "13,421,772,800"
    assert check(inst, inst.expected_display).status == "correct"
    assert check(inst, "13421772800").status == "correct"


# --- precision line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "tol", "expected", "line"),
    [
        ("numeric", Tolerance(), 64.0, "Exact integer."),
        ("numeric", Tolerance(0.01, 0.0, True), 0.5, "Answer to within 0.01."),
        ("numeric", Tolerance(0.0, 0.05, True), 32.3, "Answer to within 5%."),
        ("numeric", Tolerance(0.0, 0.001, True), 32.3, "Answer to within 0.1%."),
        ("numeric", Tolerance(0.01, 0.05, True), 32.3, "Answer to within 0.01 plus 5%."),
        ("numeric", Tolerance(), 0.5, "Answer to within 1e-06."),
        ("matrix", Tolerance(0.01, 0.0, True), None, "Give each entry to within 0.01."),
        ("matrix", Tolerance(0.0, 0.05, True), None, "Give each entry to within 5%."),
        ("matrix", Tolerance(0.0, 0.0, True), None, "Give each entry exactly."),
        ("matrix", Tolerance(), [[1.0, -2.0]], "Give each entry as an exact integer."),
        ("matrix", Tolerance(), [[1.5, -2.0]], "Give each entry to within 1e-06."),
    ],
)
def test_precision_lines(kind, tol, expected, line):
    assert precision_line(kind, tol, expected) == line


def test_abs_only_tolerance_from_a_pack_has_no_percentage_tail():
    pack = load_paths([HERE / "good" / "demo.yaml"])
    lines = [
        draw(q, 0).prompt.splitlines()[-1]
        for q in pack.questions.values()
        if q.answer and q.answer.tolerance.explicit and q.answer.tolerance.rel == 0
    ]
    assert lines and all("%" not in line for line in lines)


# --- vectors and one-row matrices ----------------------------------------------------------------

ROW = computed(  # X (1, 3) @ W (3, 2): the answer is a (1, 2) matrix
    "project",
    {"X": {"matrix": [1, 3], "values": [-2, 2]}, "W": {"matrix": [3, 2], "values": [-2, 2]}},
    type="matrix",
    tol=(0.01, 0.0),
)
VEC = computed("softmax", {"z": {"matrix": [3], "values": [-2, 2]}}, type="matrix", tol=(0.01, 0))


def _entries(a) -> list[str]:
    return [f"{float(x):.6f}" for x in np.ravel(a)]


def test_a_vector_is_accepted_for_a_one_row_matrix():
    for seed in range(5):
        inst = draw(ROW, seed)
        assert np.shape(inst.expected) == (1, 2)
        vec = "[" + ", ".join(_entries(inst.expected)) + "]"
        assert check(inst, vec).status == "correct"


def test_a_row_or_column_is_accepted_for_a_vector():
    inst = draw(VEC, 0)
    e = _entries(inst.expected)
    assert check(inst, "[[" + ", ".join(e) + "]]").status == "correct"
    assert check(inst, "[" + ", ".join(f"[{x}]" for x in e) + "]").status == "correct"


def test_other_shapes_are_unreadable_with_the_shape_message():
    inst = draw(VEC, 0)
    v = check(inst, "[[0.3, 0.3], [0.4, 0.0]]")
    assert v.status == "unparseable" and "a vector of 3" in v.message
    row = draw(ROW, 0)
    v = check(row, "[1, 2, 3]")
    assert v.status == "unparseable" and "1x2 matrix" in v.message
    assert check(row, "[[1], [2], [5]]").status == "unparseable"  # 3 rows: not this answer


def test_lenient_reshape_keeps_the_values_in_order():
    got = as_expected_shape(np.array([1.0, 2.0, 3.0]), (1, 3))
    assert got.shape == (1, 3) and got.tolist() == [[1.0, 2.0, 3.0]]
    assert as_expected_shape(np.array([[1.0], [2.0]]), (2,)).tolist() == [1.0, 2.0]
    same = np.ones((2, 2))
    assert as_expected_shape(same, (4,)) is same


# --- text: two thirds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("covered", "total", "passes"),
    [(2, 3, True), (1, 3, False), (3, 4, True), (2, 4, False), (4, 6, True), (3, 5, False)],
)
def test_text_passes_at_two_thirds(covered, total, passes):
    assert text_passes(covered, total) is passes


def test_an_empty_rubric_never_passes():
    assert not text_passes(0, 0)


RUBRIC4 = question(
    type="text",
    model_answer="...",
    rubric=tuple(RubricPoint(f"point {i}", (f"kw{i}",)) for i in range(4)),
)


@pytest.mark.parametrize("mask", range(16))
def test_grade_text_follows_the_rule(mask):
    inst = draw(RUBRIC4, 0)
    covered = [i for i in range(4) if mask >> i & 1]
    v = grade_text(inst, covered)
    assert (v.status == "correct") is text_passes(len(covered), 4)
    assert v.rubric_hits == tuple(bool(mask >> i & 1) for i in range(4))
    for i in range(4):
        assert (f"point {i}" in v.message) is (i not in covered)


def test_grade_text_ignores_out_of_range_and_repeated_points():
    inst = draw(RUBRIC4, 0)
    assert grade_text(inst, [0, 0, 0, 9, -1]).status == "wrong"


# --- questions that cannot be drawn --------------------------------------------------------------


def test_impossible_constraints_name_the_question_and_its_line():
    packs = load_paths([HERE / "broken" / "impossible_constraints.yaml"])
    q = packs.questions["broken.constraints"]
    with pytest.raises(InstanceError) as err:
        draw(q, 3)
    msg = str(err.value)
    assert "\n" not in msg
    assert "broken.constraints" in msg and f"impossible_constraints.yaml:{q.line}" in msg
    assert q.line > 0
    assert isinstance(err.value, ImpossibleConstraints)  # validate still reports it as such
    assert err.value.reason in msg and "broken.constraints" not in err.value.reason


def test_a_failing_computation_is_an_instance_error_too():
    q = computed("head_dim", {"d_model": [10], "heads": [3]}, path="mine.yaml", line=12)
    with pytest.raises(InstanceError) as err:
        draw(q, 0)
    msg = str(err.value)
    assert msg.startswith("question t.q (mine.yaml:12) cannot be drawn with seed 0: ")
    assert "not divisible" in msg and "\n" not in msg
