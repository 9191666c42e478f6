"""The shared formatters: what plain mode, the app and export print for letters, shapes, numbers,
times, answer forms and a reviewed question."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qkv_drill.answers.parse import KINDS, Ok, parse_answer
from qkv_drill.present.formats import (
    lettered,
    m_ss,
    mm_ss,
    mock_time_left,
    option_letter,
    option_letters,
    percent,
    shape_by,
    shape_tuple,
    short_number,
)
from qkv_drill.present.forms import answer_form, answer_placeholder
from qkv_drill.present.report_item import item_markdown
from qkv_drill.present.trace_text import step_note
from qkv_drill.session.report import ReportItem

# --- options ------------------------------------------------------------------------------------


def test_letters_are_what_the_checker_reads_back():
    assert [option_letter(i) for i in range(4)] == ["a", "b", "c", "d"]
    assert option_letters({3, 0}) == "a d"
    assert option_letters([2, 0], sep=", ") == "a, c"
    assert lettered(["yes", "no"]) == ["a) yes", "b) no"]
    picked = parse_answer("multi", option_letters({1, 3}), 4)
    assert isinstance(picked, Ok) and picked.value == frozenset({1, 3})


# --- shapes -------------------------------------------------------------------------------------


@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=6))
def test_a_shape_tuple_parses_back_to_itself(dims):
    parsed = parse_answer("shape", shape_tuple(dims))
    assert isinstance(parsed, Ok) and parsed.value == tuple(dims)


def test_shapes_read_as_python_tuples_or_compactly():
    assert shape_tuple((2, 10, 64)) == "(2, 10, 64)"
    assert shape_tuple((64,)) == "(64,)"
    assert shape_tuple(()) == "()"
    assert shape_by((2, 4)) == "2x4"
    assert shape_by(()) == "scalar"


# --- numbers ------------------------------------------------------------------------------------


def test_short_numbers_keep_four_digits_and_never_show_minus_zero():
    assert short_number(0.123456) == "0.1235"
    assert short_number(12345.0) == "1.234e+04"
    assert short_number(-0.0) == "0"
    assert short_number(-1e-9) == "-1e-09"


def test_percent_of_nothing_is_a_dash():
    assert percent(2, 3) == "67%"
    assert percent(0, 0) == "-"


# --- time ---------------------------------------------------------------------------------------


@given(st.floats(min_value=0, max_value=5 * 3600, allow_nan=False))
def test_countdown_reads_zero_only_when_time_is_really_up(seconds):
    text = mm_ss(seconds)
    mm, ss = text.split(":")
    shown = int(mm) * 60 + int(ss)
    assert len(mm) >= 2 and len(ss) == 2 and 0 <= int(ss) < 60
    # Rounded up: never shows less time than is left, never a whole second more.
    assert shown >= seconds - 1e-6
    assert shown < seconds + 1
    assert (text == "00:00") == (seconds <= 1e-9)
    assert m_ss(seconds) == text.removeprefix("0")  # the same time, minutes unpadded


def test_time_left_of_an_interrupted_interview():
    assert mock_time_left(SimpleNamespace(duration_s=600.0, used_s=45.5)) == 554.5
    assert mock_time_left(SimpleNamespace(duration_s=600.0, used_s=None)) == 600.0
    assert mock_time_left(SimpleNamespace(duration_s=60.0, used_s=90.0)) == 0.0


# --- answer forms -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_box_placeholder_is_the_start_of_the_full_form(kind):
    """One text per kind: the short placeholder can never drift from the help and messages."""
    full, short = answer_form(kind), answer_placeholder(kind)
    assert len(full) > 10
    assert full.startswith(short) or short == "your answer"


@pytest.mark.parametrize(
    ("kind", "typed"),
    [("numeric", "512/8"), ("numeric", "2 MiB"), ("shape", "2x10x64"), ("matrix", "1 2; 3 4")],
)
def test_every_example_in_a_form_is_accepted(kind, typed):
    assert typed in answer_form(kind)
    assert isinstance(parse_answer(kind, typed), Ok)


def test_a_parse_message_names_the_form():
    message = parse_answer("shape", "(2, x)").message
    assert answer_form("shape") in message or "e.g." in message


# --- a reviewed question ------------------------------------------------------------------------


def _item(**kw) -> ReportItem:
    base: dict[str, Any] = dict(
        idx=0,
        question_id="q1",
        pack_id="p",
        topic="t",
        difficulty="easy",
        qtype="numeric",
        prompt="What is 2 + 2?",
        seed=1,
        params_json="{}",
        user_answer="5",
        expected="4",
        status="wrong",
    )
    return ReportItem(**(base | kw))


def test_item_markdown_shows_both_answers_and_the_why():
    md = item_markdown(_item(explanation="Two and two.", trace=["a: x", "b: y"]))
    assert "**Your answer:** `5`" in md and "**Expected:** `4`" in md
    assert "**Why.** Two and two." in md
    assert "1. `a: x`" in md and "2. `b: y`" in md


def test_item_markdown_leaves_out_an_empty_why_and_marks_no_answer():
    md = item_markdown(_item(user_answer=None))
    assert "*(no answer)*" in md
    assert "Why" not in md


def test_item_markdown_letters_the_options():
    md = item_markdown(_item(qtype="choice", options=["yes", "no"], user_answer="b"))
    assert "- **a)** yes" in md and "- **b)** no" in md


def test_item_markdown_ticks_the_covered_rubric_points_only_when_asked():
    item = _item(
        qtype="text",
        user_answer="because",
        model_answer="Scale keeps the softmax soft.",
        rubric=["variance", "softmax"],
        covered=[1],
    )
    with_points = item_markdown(item, rubric=True)
    assert "- [ ] variance" in with_points and "- [x] softmax" in with_points
    assert "variance" not in item_markdown(item)  # the app draws its own tick boxes


def test_item_markdown_keeps_the_lines_of_code():
    md = item_markdown(_item(qtype="code", user_answer="def f(x):\n    return x\n"))
    assert "```python\ndef f(x):\n    return x\n```" in md


def test_item_markdown_says_the_answer_and_the_named_mistake_once():
    plain_miss = item_markdown(_item(message="Not quite: the answer is 4."))
    assert "the answer is 4" not in plain_miss and plain_miss.count("`4`") == 1
    feedback = "That uses d_model where d_k was meant."
    named = item_markdown(
        _item(
            message=feedback,
            misconception="no_head_split",
            misconception_title="Per-head size not used",
            misconception_feedback=feedback,
        )
    )
    assert named.count(feedback) == 1
    assert "**Misconception: Per-head size not used.** " + feedback in named
    why = item_markdown(_item(qtype="choice", options=["a", "b"], message="The softmax does."))
    assert "\n\nThe softmax does." in why  # a message that says more stays


# --- derivations --------------------------------------------------------------------------------


def test_a_product_step_reads_its_operand_shapes_and_keeps_the_engines_note():
    import numpy as np

    from qkv_drill.engine.trace import Trace, trace_project

    step = trace_project(np.ones((2, 4)), np.ones((4, 3)))["XW"]
    assert step.operand_shapes == ((2, 4), (4, 3))  # data in the engine, no text
    assert step_note(step) == "(2x4) @ (4x3)"
    tr = Trace()
    tr.add("P", "P = A B", np.ones((1, 1)), note="one cell", operands=(np.ones((1, 5)), [[1]] * 5))
    assert step_note(tr["P"]) == "(1x5) @ (5x1); one cell"
    tr.add("s", "s", 2.0)
    assert step_note(tr["s"]) == ""
