"""`qkv-drill validate PATH...`: check packs the way the app will use them, and more.

Loading catches format errors; this also draws `--seeds` instances of every question and checks
that the engine's answer is accepted through its own displayed form, that every named
misconception is rejected and named, that the pack's self-test examples hold, that numpy and
torch agree, and that constraints can be met.
"""

from __future__ import annotations

import dataclasses
import sys
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qkv_drill.packs.check import check
from qkv_drill.packs.crosscheck import cross_check
from qkv_drill.packs.errors import PackIssue
from qkv_drill.packs.format import COMPUTED_TYPES
from qkv_drill.packs.instance import (
    Instance,
    InstanceError,
    display,
    draw,
    draw_fixed,
    example_params,
)
from qkv_drill.packs.loader import LoadedPack, load_paths
from qkv_drill.packs.model import Example, Question
from qkv_drill.packs.params import ImpossibleConstraints
from qkv_drill.packs.yamlsource import Keys, load_file
from qkv_drill.present.formats import option_letter, option_letters
from qkv_drill.textsafe import printable

if TYPE_CHECKING:
    from qkv_drill.exercises.checker import CodeReport


class Report(Protocol):
    """Where a question's problems go: `rest` is the key path under the question."""

    def __call__(
        self, rest: Keys, message: str, hint: str = "", severity: str = "error"
    ) -> None: ...


TORCH_SEEDS = 3  # torch agreement is checked on the first few seeds only (it is slow to start)


class _Where:
    """Positions of questions and examples in one file (re-read only when an issue needs one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._doc: Any = None

    def issue(
        self, q: Question, rest: Keys, message: str, hint: str = "", severity: str = "error"
    ) -> PackIssue:
        if self._doc is None:
            self._doc = load_file(self.path)
        items = self._doc.data.get("questions", [])
        index = next((i for i, x in enumerate(items) if x.get("id") == q.id), None)
        if index is None:
            return PackIssue(self.path, q.line, 1, message, hint, severity)
        line, col = self._doc.where(("questions", index, *rest))
        return PackIssue(self.path, line, col, message, hint, severity)


def check_instance(inst: Instance) -> list[str]:
    """Problems with one drawn instance (empty when it behaves)."""
    q = inst.question
    problems = []
    if q.type in COMPUTED_TYPES:
        verdict = check(inst, inst.expected_display)
        if verdict.status != "correct":
            problems.append(
                f"the computed answer, shown as {inst.expected_display!r}, is not accepted "
                f"({verdict.status}: {verdict.message})"
            )
        assert q.answer is not None  # drawing a computed question has checked it
        tol = q.answer.tolerance
        for mc, value in inst.wrong.items():
            shown = display(q.type, value, tol)
            v = check(inst, shown)
            if v.status != "wrong" or v.misconception is None:
                problems.append(
                    f"misconception '{mc}' (answer {shown}) is not rejected and named "
                    f"({v.status}: {v.message})"
                )
    elif q.type in ("choice", "multi"):
        right = inst.expected if q.type == "multi" else {inst.expected}
        letters = option_letters(right)
        if check(inst, letters).status != "correct":
            problems.append(f"the correct option(s) {letters} are not accepted")
        for pos in range(len(inst.options)):
            if pos not in right and check(inst, option_letter(pos)).status == "correct":
                problems.append(f"option {option_letter(pos)} is accepted but is not correct")
    return problems


def _torch_problem(q: Question, inst: Instance) -> str | None:
    result = cross_check(inst)
    if result is None or result.agrees:
        return None
    return f"numpy and torch disagree on {result.computation} (seed {inst.seed})"


@dataclass
class QuestionStats:
    """What validating one question did: draws kept, draws thrown away, examples checked."""

    question_id: str
    draws: int = 0
    redraws: int = 0
    examples: int = 0

    @property
    def collision_rate(self) -> float:
        """The share of draws re-drawn because two answers could not be told apart."""
        total = self.draws + self.redraws
        return self.redraws / total if total else 0.0


def validate_question(
    q: Question,
    seeds: int,
    use_torch: bool,
    report: Report,
    references: dict[str, CodeReport] | None = None,
) -> QuestionStats:
    """Draw and check `seeds` instances; `report(rest, message, hint="", severity="error")`.
    `references`: code questions' reference reports graded up front (`prove_references`)."""
    stats = QuestionStats(q.id)
    if q.type == "code":
        from qkv_drill.exercises.validate import validate_code

        validate_code(q, seeds, use_torch, report, (references or {}).get(q.id))
        return stats
    n = seeds if q.type in COMPUTED_TYPES else min(seeds, 5)
    warned = False
    for seed in range(n):
        try:
            inst = draw(q, seed)
        except ImpossibleConstraints as e:  # the location is the report's own: use the bare cause
            reason = getattr(e, "reason", e)
            report(("constraints",) if q.constraints else (), f"impossible constraints: {reason}")
            return stats
        except (InstanceError, ValueError, ZeroDivisionError) as e:
            report(("answer",) if q.answer else (), f"seed {seed}: {getattr(e, 'reason', e)}")
            return stats
        stats.draws += 1
        stats.redraws += inst.redraws
        for p in check_instance(inst):
            report(("answer",) if q.answer else (), f"seed {seed}: {p}")
            return stats
        if (
            q.type == "numeric"
            and q.answer is not None
            and not q.answer.tolerance.explicit
            and inst.expected != int(inst.expected)
            and not warned
        ):
            warned = True
            report(
                ("answer",),
                f"the answer is not a whole number (seed {seed}: {inst.expected_display}) but "
                "no tolerance is given",
                "add answer.tolerance so the precision asked is clear",
                "warning",
            )
        if use_torch and q.answer and seed < TORCH_SEEDS:
            problem = _torch_problem(q, inst)
            if problem:
                report(("answer", "compute"), problem)
                return stats
    for j, ex in enumerate(q.examples):
        stats.examples += 1
        check_example(q, j, ex, report)
    return stats


def _shown(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def check_example(q: Question, j: int, ex: Example, report: Report) -> None:
    """One self-test: its answers accepted or rejected as written, at its own tolerance."""
    if ex.tolerance is not None and q.answer is not None:
        q = dataclasses.replace(q, answer=dataclasses.replace(q.answer, tolerance=ex.tolerance))
    try:
        inst = draw_fixed(q, example_params(q, ex))
    except (InstanceError, ValueError, KeyError) as e:
        report(("examples", j), f"example {j + 1}: cannot compute: {e} (with {_shown(ex.params)})")
        return
    used = f"with {_shown(inst.params)}"
    for text in ex.accept:
        v = check(inst, text)
        if v.status != "correct":
            report(
                ("examples", j, "accept"),
                f"example {j + 1}: {text!r} should be accepted but is {v.status} "
                f"(expected {inst.expected_display}; {used})",
            )
    for text in ex.reject:
        v = check(inst, text)
        if v.status not in ("wrong",):
            report(
                ("examples", j, "reject"),
                f"example {j + 1}: {text!r} should be rejected but is {v.status} ({used})",
            )


def validate_pack(
    lp: LoadedPack, seeds: int, use_torch: bool, stats: list[QuestionStats] | None = None
) -> list[PackIssue]:
    """Every question's issues; what each question's validation did is appended to `stats`."""
    issues: list[PackIssue] = []
    if lp.pack is None:
        return issues
    where = _Where(lp.path)
    references = None
    code = [q for q in lp.pack.questions if q.type == "code"]
    if code:  # graded together: one child per language, not one per exercise
        from qkv_drill.exercises.validate import prove_references

        references = prove_references(code, use_torch)
    for q in lp.pack.questions:

        def report(
            rest: Keys, message: str, hint: str = "", severity: str = "error", q: Question = q
        ) -> None:
            issues.append(where.issue(q, rest, f"{q.id}: {message}", hint, severity))

        done = validate_question(q, seeds, use_torch, report, references)
        if stats is not None:
            stats.append(done)
    return issues


def _collision_lines(stats: list[QuestionStats]) -> list[str]:
    """One line per question whose draws were re-drawn, highest rate first."""
    hit = sorted((s for s in stats if s.redraws), key=lambda s: -s.collision_rate)
    return [
        f"  collisions  {s.question_id}: {s.collision_rate:.0%} of draws re-drawn "
        f"({s.redraws} of {s.draws + s.redraws})"
        for s in hit
    ]


def installed_id_clashes(validated: list[LoadedPack]) -> dict[Path, list[PackIssue]]:
    """Pack and question ids of `validated` already used by an installed pack (shipped, the
    user's folder, $QKV_DRILL_PACKS): the app would skip one of the two."""
    from qkv_drill.packs.loader import load_packs

    mine = {lp.path.resolve() for lp in validated}
    pack_ids: dict[str, Path] = {}
    question_ids: dict[str, tuple[Path, int]] = {}
    for lp in load_packs().packs:
        if lp.pack is None or lp.path.resolve() in mine:
            continue
        pack_ids.setdefault(lp.pack.id, lp.path)
        for q in lp.pack.questions:
            question_ids.setdefault(q.id, (lp.path, q.line))
    out: dict[Path, list[PackIssue]] = {}
    hint = "ids must be unique across all installed packs; `--alone` skips this check"
    for lp in validated:
        if lp.pack is None:
            continue
        found = out.setdefault(lp.path, [])
        if lp.pack.id in pack_ids:
            found.append(
                PackIssue(
                    lp.path, 1, 1,
                    f"pack id '{lp.pack.id}' is already used by {pack_ids[lp.pack.id]}", hint,
                )
            )  # fmt: skip
        for q in lp.pack.questions:
            if q.id in question_ids:
                where, line = question_ids[q.id]
                message = f"question id '{q.id}' is already used by {where}:{line}"
                found.append(PackIssue(lp.path, q.line, 1, message, hint))
    return out


def _torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _in_pack_folder(path: Path) -> Path:
    """`validate my-pack.yaml` right after `new-pack my-pack`: a relative name that is not
    here but is in the user pack folder means that file (a file here always wins)."""
    if path.is_absolute() or path.exists():
        return path
    from qkv_drill.paths import user_packs_dir

    mine = user_packs_dir() / path
    if mine.exists():
        print(printable(f"validating {mine} (from your pack folder)"), file=sys.stdout)
        return mine
    return path


def run_validate(args: Namespace) -> int:
    seeds = max(1, int(getattr(args, "seeds", 50)))
    use_torch = not getattr(args, "no_torch", False) and _torch_available()
    packset = load_paths([_in_pack_folder(Path(p)) for p in args.paths])
    out = sys.stdout
    failed = False
    clashes = {} if getattr(args, "alone", False) else installed_id_clashes(packset.packs)
    for issue in packset.issues:
        if issue not in [i for lp in packset.packs for i in lp.issues]:
            print(issue, file=out)
            failed = failed or issue.is_error
    for lp in packset.packs:
        stats: list[QuestionStats] = []
        issues = list(lp.issues) + clashes.get(lp.path, [])
        issues += validate_pack(lp, seeds, use_torch, stats)
        for issue in issues:
            prefix = "" if issue.is_error else "warning: "
            print(f"{prefix}{issue}", file=out)
        for line in _collision_lines(stats):
            print(line, file=out)
        errors = sum(i.is_error for i in issues)
        warnings = len(issues) - errors
        n = len(lp.pack.questions) if lp.pack else 0
        status = "ok" if not errors and lp.pack else "FAIL"
        tail = f"  {errors} error{'s' * (errors != 1)}" if errors else ""
        tail += f"  {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        examples = sum(s.examples for s in stats)
        checked = f"  {examples} example{'s' * (examples != 1)} checked"
        print(printable(f"{status}  {lp.path.name}  {n} questions{checked}{tail}"), file=out)
        failed = failed or bool(errors) or lp.pack is None
    if not packset.packs:
        print("no pack files found", file=out)
        failed = True
    return 1 if failed else 0
