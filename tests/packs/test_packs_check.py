"""Checking typed answers: correct, wrong, unparseable (never wrong), misconceptions named."""

from __future__ import annotations

import numpy as np
import pytest

from qkv_drill.packs.check import check, grade_text, keyword_hit
from qkv_drill.packs.instance import display, draw, draw_fixed
from tests.helpers.questions import Option, RubricPoint, computed, question


def _fmt(m) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in r) + "]" for r in m) + "]"


# --- numeric ------------------------------------------------------------------------------------

KV = computed(
    "kv_cache",
    {
        "layers": [32],
        "kv_heads": [8],
        "heads": [32],
        "head_dim": [128],
        "seq": [1024],
        "batch": [4],
    },
    mcs=["kv_only_one", "forgot_layers", "kv_ignores_gqa", "forgot_batch"],
)


def test_numeric_correct_accepts_expressions():
    inst = draw(KV, 0)
    want = 2 * 32 * 8 * 128 * 2 * 1024 * 4
    assert inst.expected == want
    assert check(inst, str(want)).status == "correct"
    assert check(inst, "2*32*8*128*2*1024*4").status == "correct"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (str(32 * 8 * 128 * 2 * 1024 * 4), "kv_only_one"),
        (str(2 * 8 * 128 * 2 * 1024 * 4), "forgot_layers"),
        (str(2 * 32 * 32 * 128 * 2 * 1024 * 4), "kv_ignores_gqa"),
        (str(2 * 32 * 8 * 128 * 2 * 1024), "forgot_batch"),
    ],
)
def test_numeric_misconceptions_are_named(text, name):
    v = check(draw(KV, 0), text)
    assert v.status == "wrong" and v.misconception is not None
    assert v.misconception.name == name
    assert v.message == v.misconception.feedback


def test_numeric_plain_wrong_and_unparseable():
    inst = draw(KV, 0)
    wrong = check(inst, "12345")
    assert wrong.status == "wrong" and wrong.misconception is None
    assert inst.expected_display in wrong.message
    bad = check(inst, "12 banana")
    assert bad.status == "unparseable" and bad.message and bad.parsed is None
    assert check(inst, "").status == "unparseable"


def test_tolerance_edges_abs():
    q = computed("scale_factor", {"d_k": [64]}, tol=(0.01, 0.0))
    inst = draw(q, 0)  # 0.125
    assert check(inst, "0.1349").status == "correct"
    assert check(inst, "0.1151").status == "correct"
    assert check(inst, "0.1351").status == "wrong"
    assert check(inst, "0.1149").status == "wrong"
    assert check(inst, "1/sqrt(64)").status == "correct"


def test_tolerance_edges_rel():
    q = computed(
        "kv_cache_per_token", {"layers": [10], "kv_heads": [10], "head_dim": [10]}, tol=(0.0, 0.01)
    )
    inst = draw(q, 0)  # 2 * 10 * 10 * 10 * 2 = 4000
    assert check(inst, "4039").status == "correct"
    assert check(inst, "4041").status == "wrong"


def test_default_tolerance_is_tight():
    inst = draw(computed("head_dim", {"d_model": [512], "heads": [8]}), 0)
    assert check(inst, "64.0000000001").status == "correct"
    assert check(inst, "64.001").status == "wrong"


# --- shape --------------------------------------------------------------------------------------

SHAPE = computed(
    "shape",
    {"batch": [2], "seq": [10], "d_model": [512], "heads": [8]},
    type="shape",
    args={"which": "q_heads"},
    mcs=["forgot_batch", "no_head_split"],
)


def test_shape_exact():
    inst = draw(SHAPE, 0)
    assert inst.expected == (2, 8, 10, 64)
    assert check(inst, "(2, 8, 10, 64)").status == "correct"
    assert check(inst, "2x8x10x64").status == "correct"
    assert check(inst, "(2, 10, 8, 64)").status == "wrong"
    assert check(inst, "(8, 10, 64)").misconception.name == "forgot_batch"
    assert check(inst, "(2, 8, 10, 512)").misconception.name == "no_head_split"
    assert check(inst, "(2, 8, ").status == "unparseable"


# --- matrix -------------------------------------------------------------------------------------

MAT = computed(
    "attention_weights",
    {"Q": {"matrix": [2, 2], "values": [-2, 2]}, "K": {"matrix": [3, 2], "values": [-2, 2]}},
    type="matrix",
    tol=(0.01, 0.0),
    mcs=["no_scaling", "scale_by_dk", "softmax_wrong_axis"],
)


def test_matrix_correct_wrong_shape_and_misconception():
    inst = draw_fixed(MAT, {"Q": [[1, 0], [0, 2]], "K": [[1, 1], [2, 0], [0, -1]]})
    assert check(inst, inst.expected_display).status == "correct"
    assert check(inst, _fmt(inst.expected + 0.009)).status == "correct"
    assert check(inst, _fmt(inst.expected + 0.02)).status == "wrong"
    # A matrix of the wrong shape is not an answer yet: unreadable input naming the shape needed.
    shaped = check(inst, "[[1, 0], [0, 1], [0, 0]]")
    assert shaped.status == "unparseable"
    assert "2x3 matrix" in shaped.message and "3x2 matrix" in shaped.message
    # ...unless it is the answer transposed: a named mistake.
    flipped = check(inst, _fmt(inst.expected.T))
    assert flipped.status == "wrong" and flipped.misconception.name == "transposed_matrix"
    for name in ("no_scaling", "softmax_wrong_axis"):
        v = check(inst, _fmt(inst.wrong[name]))
        assert v.status == "wrong" and v.misconception.name == name
    assert check(inst, "[[1, 2], [3").status == "unparseable"


def test_matrix_misconception_values_come_from_the_engine():
    from qkv_drill.engine import attention_with_misconception

    inst = draw(MAT, 5)
    Q, K = np.array(inst.params["Q"], float), np.array(inst.params["K"], float)
    _, w = attention_with_misconception("no_scaling", Q, K, np.eye(3))
    assert np.array_equal(inst.wrong["no_scaling"], w)


# --- choice / multi ---------------------------------------------------------------------------

CHOICE = question(
    type="choice",
    shuffle=False,
    options=(
        Option("sqrt(d_k)", correct=True),
        Option("d_k", why="Over-shrinks.", misconception="scale_by_dk"),
        Option("nothing"),
    ),
)


def test_choice():
    inst = draw(CHOICE, 0)
    assert check(inst, "a").status == "correct" and check(inst, "1").status == "correct"
    v = check(inst, "b")
    assert v.status == "wrong" and v.message == "Over-shrinks."
    assert v.misconception.name == "scale_by_dk"
    plain = check(inst, "c")
    assert plain.status == "wrong" and plain.misconception is None and "a)" in plain.message
    assert check(inst, "z").status == "unparseable"
    assert check(inst, "a b").status == "unparseable"


def test_choice_feedback_follows_the_shuffle():
    q = question(type="choice", options=CHOICE.options)
    for s in range(10):
        inst = draw(q, s)
        pos = inst.options.index("d_k")
        assert check(inst, chr(97 + pos)).misconception.name == "scale_by_dk"


MULTI = question(
    type="multi",
    shuffle=False,
    options=(
        Option("Q", correct=True),
        Option("K", correct=True),
        Option("mask", why="The mask depends on positions only."),
    ),
)


def test_multi():
    inst = draw(MULTI, 0)
    assert check(inst, "a b").status == "correct"
    assert check(inst, "b, a").status == "correct"
    missed = check(inst, "a")
    assert missed.status == "wrong" and missed.message == "You missed b."
    extra = check(inst, "a b c")
    assert extra.status == "wrong"
    assert extra.message == "c) is not right: The mask depends on positions only."


def test_multi_names_each_wrong_tick_by_its_letter():
    q = question(
        type="multi",
        shuffle=False,
        options=(*MULTI.options, Option("V")),
    )
    inst = draw(q, 0)
    both = check(inst, "a b c d")
    assert both.message == ("c) is not right: The mask depends on positions only. d) is not right.")


# --- text ---------------------------------------------------------------------------------------

TEXT = question(
    type="text",
    model_answer="Q looks, K offers.",
    rubric=(
        RubricPoint("Q is what a position looks for", ("looking for", "search")),
        RubricPoint("scaled by sqrt(d_k)", ("sqrt", "scale")),
    ),
)


def test_text_self_grade_with_keyword_hints():
    inst = draw(TEXT, 0)
    v = check(inst, "The query is what we are LOOKING FOR; scores are scaled.")
    assert v.status == "self_grade" and v.rubric_hits == (True, True)
    assert check(inst, "no idea").rubric_hits == (False, False)
    assert grade_text(inst, [0, 1]).status == "correct"
    partial = grade_text(inst, [0])
    assert partial.status == "wrong" and "scaled by sqrt(d_k)" in partial.message
    assert partial.rubric_hits == (True, False)


def test_keyword_matching_is_wordish():
    assert keyword_hit("scores are scaled", "scale")
    assert not keyword_hit("we rescale", "scale")
    assert keyword_hit("use SQRT(d_k)", "sqrt")


def test_display_of_misconception_values_is_rejected_and_named():
    """What validate relies on: a wrong value, shown the way the app shows numbers, is named."""
    for s in range(10):
        inst = draw(MAT, s)
        for name, value in inst.wrong.items():
            v = check(inst, display("matrix", value, MAT.answer.tolerance))
            assert v.status == "wrong" and v.misconception is not None, name
