"""Plain mode says each verdict once: the exact lines after `saved:` for every answer kind.

A one-question pack per case with fixed numbers and options, so the expected lines are known:
the verdict word is never repeated ("Correct. Correct: 64."), the answer is never printed twice
("Not quite: the answer is 64." then "Expected: 64"), the named mistake's feedback appears once.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from qkv_drill.cli import parse
from qkv_drill.cli_options import session_options
from qkv_drill.plain import run_plain
from qkv_drill.session.clock import FakeClock

NUMERIC: dict[str, Any] = {
    "type": "numeric",
    "prompt": "d_model = {d_model}, {heads} heads: the head size?",
    "params": {"d_model": [512], "heads": [8]},
    "answer": {"compute": "head_dim"},
    "misconceptions": ["no_head_split"],
}
CHOICE: dict[str, Any] = {
    "type": "choice",
    "prompt": "Why scale the scores?",
    "shuffle": False,
    "options": [
        {"text": "Keep their variance near 1", "correct": True},
        {"text": "Make the weights sum to 1", "why": "The softmax already does that."},
        {"text": "Divide by d_k", "misconception": "scale_by_dk"},
    ],
}
MULTI: dict[str, Any] = {
    "type": "multi",
    "prompt": "Which come from X?",
    "shuffle": False,
    "options": [
        {"text": "Q", "correct": True},
        {"text": "K", "correct": True},
        {"text": "the mask", "why": "The mask is not projected from X."},
    ],
}
TEXT: dict[str, Any] = {
    "type": "text",
    "prompt": "Why sqrt(d_k)?",
    "model_answer": "The variance of q.k grows with d_k.",
    "rubric": [
        {"point": "variance grows with d_k", "keywords": ["variance"]},
        {"point": "softmax saturates", "keywords": ["saturate"]},
        {"point": "dividing restores unit variance", "keywords": ["unit"]},
    ],
}
SHAPE: dict[str, Any] = {
    "type": "shape",
    "prompt": "X is ({seq}, {d_model}). The shape of Q?",
    "params": {"seq": [7], "d_model": [128], "heads": [2], "which": {"value": "q"}},
    "answer": {"compute": "shape"},
}


def output(tmp_path: Path, question: dict[str, Any], typed: str) -> list[str]:
    """Everything plain mode prints for a one-question practice of `question`."""
    pack = {
        "pack": {"id": "v", "title": "verdicts", "version": 1},
        "questions": [
            {"id": "v.q", "topic": "t", "difficulty": "easy", "explanation": "E.", **question}
        ],
    }
    path = tmp_path / "v.yaml"
    path.write_text(yaml.safe_dump(pack, sort_keys=False), encoding="utf-8")
    args = parse(
        [
            "--pack",
            str(path),
            "practice",
            "--pack-id",
            "v",
            "--count",
            "1",
            "--seed",
            "1",
            "--plain",
        ]
    )
    assert not isinstance(args, int)
    out = io.StringIO()
    code = run_plain(session_options(args), io.StringIO(typed), out, io.StringIO(), FakeClock())
    assert code == 0, out.getvalue()
    return out.getvalue().splitlines()


def play(tmp_path: Path, question: dict[str, Any], typed: str) -> list[str]:
    """The lines plain mode prints after `saved:` and before the explanation."""
    lines = output(tmp_path, question, typed)
    start = next(i for i, line in enumerate(lines) if "saved: " in line) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("Why: "))
    return lines[start:end]


@pytest.mark.parametrize(
    ("question", "typed", "expected"),
    [
        pytest.param(NUMERIC, "512/8\n", ["Correct: 64."], id="numeric-right"),
        pytest.param(NUMERIC, "63\n", ["Wrong: the answer is 64."], id="numeric-wrong"),
        pytest.param(
            NUMERIC,
            "512\n",
            [
                "Wrong: the answer is 64.",
                "Misconception: Per-head size not used. That uses d_model where the per-head "
                "size d_k = d_model / heads was meant.",
            ],
            id="numeric-named-mistake",
        ),
        pytest.param(SHAPE, "7x128\n", ["Correct: (7, 128)."], id="shape-right"),
        pytest.param(SHAPE, "(7, 64)\n", ["Wrong: the answer is (7, 128)."], id="shape-wrong"),
        pytest.param(CHOICE, "a\n", ["Correct: a) Keep their variance near 1."], id="choice"),
        pytest.param(
            CHOICE,
            "b\n",
            ["Wrong. The softmax already does that.", "Answer: a) Keep their variance near 1"],
            id="choice-why",
        ),
        pytest.param(MULTI, "a b\n", ["Correct: a) Q, b) K."], id="multi-right"),
        pytest.param(MULTI, "a\n", ["Wrong. You missed b.", "Answer: a) Q, b) K"], id="multi-miss"),
        pytest.param(
            MULTI,
            "a b c\n",
            ["Wrong. c) is not right: The mask is not projected from X.", "Answer: a) Q, b) K"],
            id="multi-extra",
        ),
        pytest.param(TEXT, "variance\n\n1 2 3\n", ["Correct. All points covered."], id="text-all"),
        pytest.param(
            TEXT,
            "variance\n\n1 2\n",
            [
                "Correct. Enough covered (2 of 3 points). "
                "Also mention: dividing restores unit variance"
            ],
            id="text-enough",
        ),
        pytest.param(
            TEXT,
            "variance\n\n1\n",
            [
                "Wrong. Not enough (1 of 3 points; two thirds needed). Missed: softmax saturates; "
                "dividing restores unit variance"
            ],
            id="text-short",
        ),
    ],
)
def test_each_verdict_says_its_word_and_the_answer_once(tmp_path, question, typed, expected):
    assert play(tmp_path, question, typed) == expected


def test_a_named_choice_mistake_says_the_feedback_once(tmp_path):
    lines = play(tmp_path, CHOICE, "c\n")
    assert lines[:2] == ["Wrong: the answer is a) Keep their variance near 1.", lines[1]]
    assert lines[1].startswith("Misconception: Divided by d_k. That divides the scores by d_k")
    assert len(lines) == 2


def test_unreadable_input_is_one_message_and_asked_again(tmp_path):
    lines = output(tmp_path, NUMERIC, "((\n(7, 8)\n64\n")
    asked = lines.index(
        "Answer (a number or expression, e.g. 64, 512/8, 1/sqrt(64), 2^6, 1.5e-3, 2 MiB)."
    )
    saved = next(i for i, line in enumerate(lines) if line.startswith("> saved: correct"))
    form = "Write a number or expression, e.g. 64, 512/8, 1/sqrt(64), 2^6, 1.5e-3, 2 MiB."
    assert lines[asked + 1 : saved] == [  # one line each: what is wrong, then how to write it
        "> the expression ends too early; expected a number. " + form,
        "> unexpected ',' at position 3; use '.' for decimals (a comma is only a thousands "
        "separator, as in 1,024). " + form,
    ]
    assert lines[saved + 1] == "Correct: 64."
