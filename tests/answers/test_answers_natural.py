"""Notations people type without thinking: each is read as meant, or refused with a message.

Never a third outcome: a notation read as a different number is a wrong mark for an honest
answer, the worst thing a drill can do.
"""

from __future__ import annotations

import numpy as np
import pytest

from qkv_drill.answers.parse import Ok, ParseError, parse_answer


def value(kind: str, text: str, n: int | None = None) -> object:
    result = parse_answer(kind, text, n)
    assert isinstance(result, Ok), f"{text!r} -> {result}"
    return result.value


def refused(kind: str, text: str) -> str:
    result = parse_answer(kind, text)
    assert isinstance(result, ParseError), f"{text!r} -> {result}"
    return result.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.125.", 0.125),  # the answer ends a sentence
        ("1e-3.", 1e-3),
        ("2 MiB.", 2 * 1024**2),
        ("1e−3", 1e-3),  # Unicode minus in the exponent, as in the prose of a paper
        ("1E–3", 1e-3),
        ("3.24·10²³", 3.24e23),  # several superscript digits are one exponent
        ("10⁻³", 1e-3),
        ("2¹⁰", 1024),
        ("8⁻¹", 0.125),
        ("7 billion", 7e9),
        ("175 million", 175e6),
        ("3 thousand", 3000),
        ("3gb", 3e9),  # byte units typed in lower case
        ("2 mib", 2 * 1024**2),
        ("512 kb", 512e3),
    ],
)
def test_numbers_read_as_meant(text, expected):
    assert value("numeric", text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0,125", "'.' for decimals"),  # a decimal comma is not 125
        ("0,001", "'.' for decimals"),
        ("00,500", "'.' for decimals"),
        ("175B", "bytes or billions"),  # 175 billion parameters, not 175 bytes
        ("6.7B", "bytes or billions"),
        ("512 B", "bytes or billions"),
    ],
)
def test_ambiguous_numbers_are_refused_not_misread(text, fragment):
    assert fragment in refused("numeric", text)


@pytest.mark.parametrize("text", ["8x", "8×", "8X", "x8", "×8", "8 times", "8-fold", "8 fold"])
def test_a_factor_reads_as_its_number(text):
    """'By what factor is the cache smaller?' is answered '8x' as often as '8'."""
    assert value("numeric", text) == 8


def test_thousands_and_bytes_still_read():
    assert value("numeric", "1,024") == 1024
    assert value("numeric", "12,288,000") == 12_288_000
    assert value("numeric", "512 bytes") == 512
    assert value("numeric", "2 KB") == 2000


@pytest.mark.parametrize(
    "text",
    ["2 by 4", "2 by 4.", "(2, 4).", "[2, 4].", "2x4.", "torch.Size([2, 4]).", "2 BY 4"],
)
def test_shapes_read_as_meant(text):
    assert value("shape", text) == (2, 4)


def test_shape_by_three_dims():
    assert value("shape", "2 by 10 by 64") == (2, 10, 64)


@pytest.mark.parametrize(
    "text",
    [
        "[[1, 2], [3, 4]].",
        "1 2; 3 4.",
        "((1, 2), (3, 4))",  # Python's tuple of tuples
        "((1, 2), (3, 4)).",
        "[(1, 2), (3, 4)]",
        "[[1, 2], [3, −4]]".replace("−4", "4"),
    ],
)
def test_matrices_read_as_meant(text):
    np.testing.assert_array_equal(value("matrix", text), [[1, 2], [3, 4]])


def test_bracketed_products_in_a_matrix_stay_entries():
    """`(1+1) 2; 3 4` is a row of expressions, not a list of tuples."""
    np.testing.assert_array_equal(value("matrix", "(1+1) 2; 3 4"), [[2, 2], [3, 4]])


@pytest.mark.parametrize("text", ["[a, c]", "{a, c}", "['a', 'c']", '["a","c"]', "a, c."])
def test_multi_picks_in_brackets(text):
    assert value("multi", text, 4) == frozenset({0, 2})


@pytest.mark.parametrize("text", ["option b", "Option B", "answer: b", "b is correct"])
def test_a_pick_said_in_words(text):
    assert value("choice", text, 4) == 1
