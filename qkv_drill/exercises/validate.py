"""`validate` for code questions: the cases can be drawn, every listed mistake is caught and named,
and the engine's own reference, run through the same runner, passes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qkv_drill.exercises.cases import CodeCases
from qkv_drill.exercises.checker import grade, named_mistake
from qkv_drill.exercises.runner import RunResult
from qkv_drill.exercises.solutions import solution_source

if TYPE_CHECKING:
    from qkv_drill.packs.model import Question

CASE_SEEDS = 10  # instances drawn per exercise (each with all its cases)


def mistake_problems(question: Question, cases: CodeCases) -> list[str]:
    """Listed mistakes that a function making them would not be told (named) about."""
    problems = []
    for mc, per_case in cases.wrong.items():
        outputs = tuple(
            right if wrong is None else wrong
            for wrong, right in zip(per_case, cases.expected, strict=True)
        )
        fake = RunResult(status="ok", message="", outputs=outputs)
        named = named_mistake(question, fake, cases)
        if named is None or named.name != mc:
            said = f"named as {named.name}" if named is not None else "not named"
            problems.append(f"a function making misconception '{mc}' would be {said}")
    return problems


def validate_code(question: Question, seeds: int, use_torch: bool, report: Callable) -> None:
    """`report(rest, message, hint="", severity="error")`, as in packs/validate_command."""
    from qkv_drill.packs.instance import InstanceError, draw

    assert question.code is not None
    first = None
    for seed in range(min(seeds, CASE_SEEDS)):
        try:
            inst = draw(question, seed)
        except InstanceError as e:
            report(("check",), f"seed {seed}: {e.reason}")
            return
        first = first or inst
        for p in mistake_problems(question, inst.expected):
            report(("misconceptions",), f"seed {seed}: {p}")
            return
    if first is None or (question.code.language == "torch" and not use_torch):
        return
    result = grade(solution_source(question.code), question, first.expected)
    if not result.right:
        report(
            ("check", "compute"),
            f"the engine's reference, run through the runner, is not accepted: {result.message}",
        )
