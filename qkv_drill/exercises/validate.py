"""`validate` for code questions: the cases can be drawn, every listed mistake is caught and named,
and the engine's own reference, run through the same runner, passes.

The references of a whole pack are graded up front by `prove_references`: one child per language
runs every exercise of that language (`runner.run_many`: the same harness, job files and reading
back as a user's run, but numpy, torch and qkv_drill imported once instead of once per exercise),
the numpy and torch children side by side on two cores. A reference that fails there is graded
again alone, exactly as a user's file would be, before it is reported. A reference that already
passed these exact cases with this exact code is not run again (`proofs`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from qkv_drill.exercises import proofs
from qkv_drill.exercises.cases import CodeCases
from qkv_drill.exercises.checker import CodeReport, grade, judge, language_of, named_mistake
from qkv_drill.exercises.runner import LIMITS, Job, RunResult, run_many
from qkv_drill.exercises.solutions import solution_source

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance
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


def prove_references(questions: list[Question], use_torch: bool) -> dict[str, CodeReport]:
    """Question id -> how the engine's reference fared on the question's seed-0 cases."""
    from qkv_drill.packs.instance import InstanceError, draw

    groups: dict[str, list[tuple[Question, Instance]]] = {"numpy": [], "torch": []}
    for q in questions:
        if q.code is None or (language_of(q.code) == "torch" and not use_torch):
            continue
        try:
            groups[language_of(q.code)].append((q, draw(q, 0)))
        except InstanceError:
            continue  # validate_code reports it
    known = proofs.load()
    done = set(known)
    out: dict[str, CodeReport] = {}
    for items in groups.values():
        for q, inst in list(items):
            if _digest(q, inst) in done:
                n = len(inst.expected.inputs)
                out[q.id] = CodeReport(outcome="right", message="proved before", cases=n, passed=n)
                items.remove((q, inst))
    work = [items for items in groups.values() if items]
    if not work:
        return out
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        graded = list(pool.map(_grade_together, work))
    new = []
    for items, part in zip(work, graded, strict=True):
        for q, inst in items:
            if part[q.id].right:
                new.append(_digest(q, inst))
        out.update(part)
    if new:
        proofs.save(known + new)
    return out


def _digest(q: Question, inst: Instance) -> str:
    assert q.code is not None
    return proofs.digest(q.code, solution_source(q.code), inst.expected)


def _grade_together(items: list[tuple[Question, Instance]]) -> dict[str, CodeReport]:
    jobs = []
    for q, inst in items:
        assert q.code is not None
        jobs.append(
            Job(
                code=solution_source(q.code),
                function=q.code.function,
                language=language_of(q.code),
                cases=inst.expected.inputs,
            )
        )
    runs = run_many(jobs, LIMITS[jobs[0].language])
    out = {}
    for (q, inst), run in zip(items, runs, strict=True):
        rep = judge(run, q, inst.expected)
        if not rep.right:  # confirmed on the path a user's file takes, with its exact message
            assert q.code is not None
            rep = grade(solution_source(q.code), q, inst.expected)
        out[q.id] = rep
    return out


def validate_code(
    question: Question,
    seeds: int,
    use_torch: bool,
    report: Callable,
    reference: CodeReport | None = None,
) -> None:
    """`report(rest, message, hint="", severity="error")`, as in packs/validate_command.
    `reference`: the seed-0 reference's report from `prove_references`, if graded up front."""
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
    result = reference if reference is not None and first.seed == 0 else None
    if result is None:
        result = grade(solution_source(question.code), question, first.expected)
    if not result.right:
        report(
            ("check", "compute"),
            f"the engine's reference, run through the runner, is not accepted: {result.message}",
        )
