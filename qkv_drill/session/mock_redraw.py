"""A stored interview's questions drawn again from their ids and seeds, checked against the draw
that was asked.

Each plan entry keeps, besides the question id and seed, its pack's version, the draw's digest
(packs/fingerprint.py) and the question as asked (prompt, options, right answer as shown). A pack
edited or upgraded between the start and a resume draws other numbers from the same seed; the
digest tells. Then:

- an answered question keeps its answer as given, shown with the question it answered (the
  stored prompt and options), and is left out of the score: it cannot be checked against numbers
  it was not given for, nor against ones no longer drawn;
- an unanswered one is asked as the pack now reads, and its entry is rewritten, so a later
  resume judges its answer against that draw.

Plans stored before digests were kept have none: they are drawn as before (nothing to compare).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qkv_drill.packs.fingerprint import drawn, params_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qkv_drill.packs.drawn import Instance
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.store.records import MockAnswerRow


KEPT_WORDS = (
    "This question changed in its pack after you answered it: shown as you saw it, your "
    "answer kept as given and left out of the score."
)


class RedrawError(Exception):
    """A planned question cannot be drawn again (removed from its pack, or no longer drawable)."""


@dataclass(frozen=True, kw_only=True)
class Changed:
    """One question of a stored interview that draws differently now than when it was asked."""

    index: int  # 0-based place in the interview
    question_id: str
    pack_id: str
    was_version: int | None  # the pack's version when asked
    now_version: int
    answered: bool  # an answer was given to it as it was: kept as given, not graded

    def version_words(self) -> str:
        """ "pack attention v2, now v3", or why the numbers moved at the same version."""
        if self.was_version is None or self.was_version == self.now_version:
            return (
                f"pack {self.pack_id} still v{self.now_version}: edited without a new version, "
                "or drawn differently by this qkv-drill"
            )
        return f"pack {self.pack_id} v{self.was_version}, now v{self.now_version}"


@dataclass(frozen=True, kw_only=True)
class Redrawn:
    instances: list[Instance]
    kept: set[int]  # answered before their question changed: kept as given, never graded
    changed: list[Changed]  # every question not drawn as asked (kept ones included)
    plan: list[dict[str, Any]]  # the plan to store: rewritten where a question changed


def answered_indices(stored: Mapping[int, MockAnswerRow]) -> set[int]:
    """The questions with a saved answer (drafts and pauses sit at negative indices)."""
    return {i for i, row in stored.items() if i >= 0 and row.answer_text is not None}


def plan_entry(instance: Instance) -> dict[str, Any]:
    """What the store keeps of one planned question, enough to redraw it and to know the redraw
    is the draw asked."""
    q = instance.question
    return {
        "question_id": q.id,
        "seed": instance.seed,
        "pack_version": q.pack_version,
        "drawn": drawn(instance),
        "asked": {
            "params": json.loads(params_json(instance.params)),  # matrices drawn beside the prompt
            "prompt": instance.prompt,
            "options": list(instance.options),
            "expected": instance.expected_display,
        },
    }


def as_asked(instance: Instance, entry: dict[str, Any]) -> Instance:
    """The question as it was asked (numbers, prompt, options, right answer as shown), for an answer
    kept as given; what the engine derives from today's numbers (trace, heatmap, named mistakes)
    is left out, as it belongs to another draw."""
    asked = entry.get("asked") or {}
    params = asked.get("params")
    return replace(
        instance,
        params=params if isinstance(params, dict) else instance.params,
        prompt=str(asked.get("prompt", instance.prompt)),
        options=[str(o) for o in asked.get("options", instance.options)],
        expected_display=str(asked.get("expected", instance.expected_display)),
        trace=None,
        heatmap=None,
        wrong={},
        same={},
    )


def redraw(packset: PackSet, plan: list[dict[str, Any]], answered: set[int]) -> Redrawn:
    """Draw every planned question again and compare it with the draw asked (see the module
    docstring). `answered`: the indices with a stored answer."""
    from qkv_drill.packs.instance import InstanceError
    from qkv_drill.packs.instance import draw as draw_instance

    instances: list[Instance] = []
    kept: set[int] = set()
    changed: list[Changed] = []
    new_plan: list[dict[str, Any]] = []
    for idx, entry in enumerate(plan):
        question = packset.questions.get(str(entry["question_id"]))
        if question is None:
            raise RedrawError(f"question {entry['question_id']} is no longer in any pack")
        try:
            instance = draw_instance(question, int(entry["seed"]))
        except InstanceError as e:
            raise RedrawError(str(e)) from e
        digest = entry.get("drawn")
        if not entry.get("kept") and (digest is None or digest == drawn(instance)):
            instances.append(instance)
            new_plan.append(entry)
            continue
        was = entry.get("pack_version")
        changed.append(
            Changed(
                index=idx,
                question_id=question.id,
                pack_id=question.pack_id,
                was_version=was if isinstance(was, int) else None,
                now_version=question.pack_version,
                answered=idx in answered or bool(entry.get("kept")),
            )
        )
        if entry.get("kept"):  # kept as given by an earlier resume: stays so
            kept.add(idx)
            instances.append(as_asked(instance, entry))
            new_plan.append(entry)
        elif idx in answered:
            kept.add(idx)
            instances.append(as_asked(instance, entry))
            new_plan.append(entry | {"kept": True})
        else:
            instances.append(instance)
            new_plan.append(plan_entry(instance) | {"changed_from": was})
    return Redrawn(instances=instances, kept=kept, changed=changed, plan=new_plan)


def changes_words(changed: list[Changed]) -> str:
    """What a resume found, in a few sentences (empty when nothing changed)."""
    if not changed:
        return ""
    answered = [c for c in changed if c.answered]
    fresh = [c for c in changed if not c.answered]
    packs = "; ".join(sorted({c.version_words() for c in changed}))
    if len(changed) == 1:
        said = f"Question {changed[0].index + 1} changed since you started ({packs})."
        if answered:
            return (
                f"{said} Your answer is kept as given, shown as you saw it, not graded (those"
                " numbers are no longer drawn)."
            )
        return f"{said} Not answered yet: asked as the pack now reads."
    lines = [f"{len(changed)} questions changed since you started ({packs})."]
    if answered:
        them = "them" if len(answered) > 1 else "it"
        lines.append(
            f"{_numbers(answered)}, answered: kept as given, shown as you saw {them}, not graded"
            " (those numbers are no longer drawn)."
        )
    if fresh:
        lines.append(f"{_numbers(fresh)}, not answered: asked as the pack now reads.")
    return " ".join(lines)


def _numbers(changed: list[Changed]) -> str:
    """ "Question 2" / "Questions 2, 5" """
    numbers = ", ".join(str(c.index + 1) for c in changed)
    return f"Question{'s' if len(changed) > 1 else ''} {numbers}"
