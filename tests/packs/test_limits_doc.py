"""The limits have one home (packs/limits.py) and the README states each of them as it is."""

from __future__ import annotations

from pathlib import Path

from qkv_drill.answers.parse import MAX_ANSWER_CHARS
from qkv_drill.packs import limits as L

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_limit_is_in_the_readme_table():
    for what, value in L.LIMITS_TABLE:
        assert f"| {what} | {value} |" in README, what


def test_the_answer_parser_and_the_limits_agree():
    assert MAX_ANSWER_CHARS == L.MAX_ANSWER_CHARS


def test_the_stored_answer_budget_adds_up():
    worst = (
        L.MAX_STORED_PARAMS_BYTES
        + L.MAX_STORED_ANSWER_TEXT_BYTES
        + 2 * L.MAX_ID_CHARS
        + 4 * L.MAX_TOPIC_CHARS  # UTF-8: up to 4 bytes a character
        + 200  # timestamps, verdict, mode and the other short columns
    )
    assert worst < L.MAX_STORED_ANSWER_BYTES
