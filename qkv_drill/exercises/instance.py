"""A drawn `code` question: its cases, and the user's code turned into a Verdict.

The same `Instance` and `Verdict` as every other question, so practice, drill and the mock
interview record code answers through the paths they already have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qkv_drill.exercises.cases import draw_cases
from qkv_drill.exercises.checker import grade
from qkv_drill.exercises.tasks import TASKS

if TYPE_CHECKING:
    from qkv_drill.packs.drawn import Instance
    from qkv_drill.packs.model import Question
    from qkv_drill.packs.verdict import Verdict

MAX_STORED_CODE = 20_000  # characters of code kept with a recorded answer
TRUNCATED = "\n# ... (cut: the stored copy keeps the first 20,000 characters)\n"
# What a function of each language receives and returns: numpy has arrays, torch has tensors.
LANGUAGE_VALUES = {"numpy": "numpy arrays", "torch": "torch tensors"}


def expected_display(question: Question) -> str:
    spec = question.code
    assert spec is not None
    return f"{spec.function} returning {TASKS[spec.compute].returns}"


def build_code(question: Question, seed: int, prompt: str) -> Instance:
    """The instance: the prompt with how it is checked, and the cases for `seed`."""
    from qkv_drill.packs.drawn import Instance

    spec = question.code
    assert spec is not None
    tol = spec.tolerance
    values = LANGUAGE_VALUES.get(spec.language, f"{spec.language} values")
    how = (
        f"Your `{spec.function}` is run on {spec.cases} drawn cases ({values} in, "
        f"{spec.language} out) and compared with the engine, each entry to within "
        f"{tol.abs:g} plus {tol.rel:g} relative."
    )
    cases = draw_cases(question, seed)
    return Instance(
        question=question,
        seed=seed,
        params={},
        prompt=f"{prompt}\n\n{how}",
        expected=cases,
        expected_display=expected_display(question),
    )


def check_code(instance: Instance, text: str) -> Verdict:
    """Run the user's code on the instance's cases; the CodeReport rides along as `parsed`."""
    from qkv_drill.packs.verdict import Verdict

    report = grade(text, instance.question, instance.expected)
    shown = instance.expected_display
    if report.outcome == "empty":
        return Verdict("unparseable", report.message, shown, None, None)
    return Verdict(
        "correct" if report.right else "wrong", report.message, shown, report.misconception, report
    )


def stored_code(text: str) -> str:
    """The code as kept with the answer: capped, so a pasted novel cannot bloat the store."""
    return text if len(text) <= MAX_STORED_CODE else text[:MAX_STORED_CODE] + TRUNCATED
