"""parse_answer for every kind: documented forms, typos as messages, and display round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qkv_drill.answers.parse import (
    KINDS,
    Ok,
    ParseError,
    format_matrix,
    format_number,
    parse_answer,
)
from qkv_drill.present.formats import shape_tuple
from qkv_drill.present.forms import answer_form


def ok(kind, text, n=None):
    result = parse_answer(kind, text, n)
    assert isinstance(result, Ok), f"{text!r} -> {result}"
    return result.value


def error(kind, text, n=None) -> str:
    result = parse_answer(kind, text, n)
    assert isinstance(result, ParseError), f"{text!r} -> {result}"
    return result.message


# --- every kind, arbitrary text -----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_is_ok_or_parse_error(kind, text):
    result = parse_answer(kind, text, 4)
    assert isinstance(result, Ok | ParseError)
    if isinstance(result, ParseError):
        assert result.message


_soup = st.lists(
    st.sampled_from(
        ["(", ")", "[", "]", ",", ";", "x", "*", " ", "\n", "1", "64", "-", "/", "e", "a", "b"]
    ),
    max_size=40,
).map("".join)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(text=_soup)
def test_bracket_and_separator_soup_is_ok_or_parse_error(kind, text):
    assert isinstance(parse_answer(kind, text, 4), Ok | ParseError)


PATHOLOGICAL = {  # id -> (text, what the message of a numeric, shape or matrix answer says)
    "tower": ("9^9^9^9", "is too large"),
    "10k-parens": ("(" * 10_000 + "1" + ")" * 10_000, "too long (over 10,000 characters)"),
    "sqrt-1000": ("sqrt(" * 1000, None),
    "3k-brackets": ("[" * 3000 + "]" * 3000, None),
    "12k-chars": ("1 " * 6000, "too long (over 10,000 characters)"),
    "3k-parens": ("(" * 3000 + "1" + ")" * 3000, "too long: at most 500 characters"),
}
UNBALANCED_OR_NESTED = {  # the messages that depend on the kind
    ("sqrt-1000", "numeric"): "too long: at most 500 characters",
    ("sqrt-1000", "shape"): "missing ')' to close the '(' at position 5000",
    ("sqrt-1000", "matrix"): "missing ')' to close the '(' at position 5000",
    ("3k-brackets", "numeric"): "too long: at most 500 characters",
    ("3k-brackets", "shape"): "too long: at most 500 characters",
    ("3k-brackets", "matrix"): "row 1 has a nested list",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_is_refused_with_its_reason(kind, name):
    """Hostile text ends in a ParseError that says why (or is kept as text); how fast is
    measured by benchmarks/hostile_answers.py, not here."""
    text, reason = PATHOLOGICAL[name]
    result = parse_answer(kind, text, 4)
    too_long = len(text) > 10_000
    if kind == "code" or (kind == "text" and not too_long):
        assert result == Ok(text if kind == "code" else text.strip())
        return
    assert isinstance(result, ParseError)
    if too_long:
        assert "too long (over 10,000 characters)" in result.message
    elif kind in ("choice", "multi"):
        assert "is not an option; pick a to d (or 1 to 4)" in result.message
    else:
        assert (UNBALANCED_OR_NESTED.get((name, kind)) or reason) in result.message


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_input_asks_for_an_answer(kind, text):
    assert error(kind, text, 4) == "type an answer first"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_answer("essay", "hi")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_describes_its_form(kind):
    assert len(answer_form(kind)) > 10


# --- numeric ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("64", 64.0),
        ("1/8", 0.125),
        ("2^6", 64.0),
        ("1,024", 1024.0),
        ("2 MiB", 2**21),
        ("= 64", 64.0),
        ("≈ 0.5", 0.5),
    ],
)
def test_numeric_forms(text, value):
    assert ok("numeric", text) == value
    assert isinstance(ok("numeric", text), float)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("6 4", "6*4 or 64"),
        ("1/", "ends after '/'"),
        ("(2, 10", "','"),
        ("3 x 4", "'*' to multiply"),
        ("abc", "unknown name 'abc'"),
    ],
)
def test_numeric_typos_name_the_problem_and_the_form(text, fragment):
    message = error("numeric", text)
    assert fragment in message
    assert "e.g. 64" in message


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e308, max_value=1e308))
def test_format_number_round_trips(x):
    assert ok("numeric", format_number(x)) == x
    assert ok("numeric", repr(x)) == x


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-1e300, max_value=1e300), st.integers(1, 17))
def test_format_number_with_digits_stays_close(x, digits):
    assert ok("numeric", format_number(x, digits)) == pytest.approx(x, rel=10 ** (1 - digits))


def test_format_number_is_tidy():
    assert format_number(64.0) == "64"
    assert format_number(0.125) == "0.125"
    assert format_number(-0.0) == "0"
    assert format_number(1e20) == "1e20"
    assert format_number(1 / 3, 4) == "0.3333"


# --- shape --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "(2, 10, 64)",
        "[2,10,64]",
        "2x10x64",
        "2X10X64",
        "2 x 10 x 64",
        "2 × 10 × 64",
        "2*10*64",
        "2, 10, 64",
        "torch.Size([2, 10, 64])",
        "Size([2, 10, 64])",
        "(2, 10, 512/8)",
        "(2, 10, 2^6)",
        "(2, 10, 2**6)",
        "(2, 10, sqrt(4096))",
        "(2, 10, 64,)",
        " ( 2 ,10 , 64 ) ",
    ],
)
def test_shape_forms(text):
    assert ok("shape", text) == (2, 10, 64)


@pytest.mark.parametrize(
    ("text", "shape"),
    [("64", (64,)), ("(64,)", (64,)), ("[64]", (64,)), ("()", ()), ("torch.Size([])", ())],
)
def test_short_shapes(text, shape):
    assert ok("shape", text) == shape


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("6 4", "separate dimensions with commas"),
        ("(2, 10", "missing ')'"),
        ("2x", "missing after 'x'"),
        ("abc", "unknown name 'abc'"),
        ("(2,,10)", "missing after ','"),
        ("(2, 0)", "positive whole numbers"),
        ("(2, -3)", "positive whole numbers"),
        ("(2, 1.5)", "positive whole numbers"),
        ("(2, 10]", "does not match"),
        ("2, 10)", "nothing to close"),
        ("x64", "missing before 'x'"),
        ("(2,048)", "starts with 0"),  # never silently (2, 48)
    ],
)
def test_shape_typos(text, fragment):
    message = error("shape", text)
    assert fragment in message
    assert "e.g. (2, 10, 64)" in message  # every message shows the expected form


_SEPARATORS = [", ", ",", "x", " x ", "X", " × ", "*", " * "]
_WRAPS = ["({})", "[{}]", "{}", "torch.Size([{}])"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 10**6), min_size=1, max_size=6),
    st.sampled_from(_SEPARATORS),
    st.sampled_from(_WRAPS),
)
def test_shapes_round_trip_in_every_style(dims, sep, wrap):
    shape = tuple(dims)
    assert ok("shape", wrap.format(sep.join(map(str, dims)))) == shape
    assert ok("shape", shape_tuple(shape)) == shape


# --- matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[[1, 2], [3, 4]]",
        "1 2; 3 4",
        "1, 2; 3, 4",
        "1 2\n3 4",
        "1 2\n3 4\n",
        "[1, 2], [3, 4]",
        "[[1 2]\n [3 4]]",
        "[1 2]\n[3 4]",
        "[[1,2],[3,4]]",
        "array([[1., 2.], [3., 4.]])",
        "tensor([[1, 2], [3, 4]])",
        "1 2; 3 4;",
        "[[2/2, 4^0.5], [sqrt(9), 2*2]]",
    ],
)
def test_matrix_2d_forms(text):
    np.testing.assert_array_equal(ok("matrix", text), [[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2, 3]", [1.0, 2.0, 3.0]),
        ("0.5 0.25 0.25", [0.5, 0.25, 0.25]),
        ("1/3, 2/3", [1 / 3, 2 / 3]),
        ("1 -2", [1.0, -2.0]),  # numpy's way of printing
        ("1 - 2", [-1.0]),  # spaces around a binary minus keep it one entry
        ("2 * 3 4", [6.0, 4.0]),
        ("e^2/(1+e^2) 1/(1+e^2)", [np.e**2 / (1 + np.e**2), 1 / (1 + np.e**2)]),
    ],
)
def test_matrix_1d_forms(text, expected):
    value = ok("matrix", text)
    assert value.ndim == 1
    np.testing.assert_allclose(value, expected, rtol=1e-15)


def test_single_row_in_double_brackets_is_2d():
    assert ok("matrix", "[[1, 2, 3]]").shape == (1, 3)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1 2; 3", "row 2 has 1 number but row 1 has 2 numbers"),
        ("[[1, 2], [3, 4, 5]]", "row 2 has 3 numbers but row 1 has 2"),
        ("1 2\n3 4\n5", "row 3 has 1 number"),
        ("[[1, 2], [3, 4]", "missing ']'"),
        ("1 abc", "entry 2"),
        ("1, , 2", "empty entry 2"),
        ("1 2; 3 x", "row 2, entry 2"),
        ("[[1, [2]]]", "nested list"),
        ("1,024", "starts with 0"),  # never silently [1, 24]
        ("0,5 0,5", "entry 2"),  # decimal commas are not guessed either
    ],
)
def test_matrix_typos(text, fragment):
    message = error("matrix", text)
    assert fragment in message
    assert "e.g. [[1, 2], [3, 4]]" in message


_finite = st.floats(min_value=-1e300, max_value=1e300)


@settings(max_examples=150, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 5)) | st.tuples(st.integers(1, 6)),
        elements=_finite,
    )
)
def test_format_matrix_round_trips(a):
    back = ok("matrix", format_matrix(a))
    assert back.shape == a.shape
    np.testing.assert_array_equal(back, a)


def test_format_matrix_with_digits_is_readable():
    assert format_matrix(np.array([[1 / 3, 0.5]]), 3) == "[[0.333, 0.5]]"
    with pytest.raises(ValueError):
        format_matrix(np.zeros((2, 2, 2)))


# --- choice and multi ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["b", "B", "(b)", "b)", "b.", "2", "(2)", "2)", " b ", "( B )"])
def test_choice_forms(text):
    assert ok("choice", text, 4) == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("e", "pick a to d"),
        ("5", "pick a to d (or 1 to 4)"),
        ("0", "no option"),
        ("a c", "one option only"),
        ("bb", "not an option"),
        ("maybe", "not an option"),
    ],
)
def test_choice_errors(text, fragment):
    assert fragment in error("choice", text, 4)


@pytest.mark.parametrize(
    "text", ["a c", "a,c", "A, C", "1 3", "ac", "c a", "a c a", "(a) (c)", "a and c", "1,3"]
)
def test_multi_forms(text):
    assert ok("multi", text, 4) == frozenset({0, 2})


@pytest.mark.parametrize(("text", "fragment"), [("a e", "pick a to d"), ("1 9", "no option")])
def test_multi_errors(text, fragment):
    assert fragment in error("multi", text, 4)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 26).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_choice_letters_and_numbers_agree(pair):
    n, i = pair
    letter = chr(ord("a") + i)
    assert ok("choice", letter, n) == i
    assert ok("choice", letter.upper(), n) == i
    assert ok("choice", str(i + 1), n) == i


# --- text ---------------------------------------------------------------------------------


def test_text_is_stripped():
    assert ok("text", "  Q is what a position looks for.\n") == "Q is what a position looks for."
