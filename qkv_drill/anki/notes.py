"""Questions -> the fields of Anki notes: one note per question instance, as safe HTML.

Computed questions get several drawn instances (seeds 1..N), other questions one (seed 0, which
also fixes the order of choice options). A note is identified by (question id, seed), so
exporting again after editing a pack updates the same notes in Anki.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qkv_drill.anki import safe_html
from qkv_drill.packs.format import COMPUTED_TYPES
from qkv_drill.packs.instance import InstanceError, display, draw
from qkv_drill.packs.model import Tolerance
from qkv_drill.present.formats import lettered, option_letter

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.model import Question

# What a card can show; other types (code exercises) need the app to run them.
CARD_TYPES = ("choice", "multi", "numeric", "shape", "matrix", "text")
DEFAULT_INSTANCES = 3


@dataclass(frozen=True, kw_only=True)
class NoteFields:
    """One note: the identity (question id, seed) and each field's HTML."""

    question_id: str
    seed: int
    pack_id: str
    topic: str
    difficulty: str
    prompt: str
    answer: str
    rubric: str
    explanation: str
    misconceptions: str


@dataclass(kw_only=True)
class Selection:
    notes: list[NoteFields] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # question type -> questions not shown
    failed: list[str] = field(default_factory=list)  # one line per instance that cannot be drawn


def seeds_for(question: Question, instances: int) -> list[int]:
    return list(range(1, instances + 1)) if question.type in COMPUTED_TYPES else [0]


def build_notes(questions: Iterable[Question], instances: int = DEFAULT_INSTANCES) -> Selection:
    """Every instance of every question that a card can show, in question-id order."""
    out = Selection()
    for q in sorted(questions, key=lambda q: q.id):
        if q.type not in CARD_TYPES:
            out.left_out[q.type] = out.left_out.get(q.type, 0) + 1
            continue
        prompts: set[str] = set()
        for seed in seeds_for(q, instances):
            try:
                inst = draw(q, seed)
            except InstanceError as e:
                out.failed.append(str(e))
                continue
            if inst.prompt in prompts:
                continue  # few possible numbers: another seed drew the same instance
            prompts.add(inst.prompt)
            out.notes.append(note_fields(inst))
    return out


def note_fields(inst: Instance) -> NoteFields:
    q = inst.question
    prompt = safe_html.markdown(inst.prompt)
    if inst.options:
        letters = lettered(safe_html.inline(o) for o in inst.options)
        prompt += '<div class="options">' + "<br>".join(letters) + "</div>"
    return NoteFields(
        question_id=q.id,
        seed=inst.seed,
        pack_id=q.pack_id,
        topic=q.topic,
        difficulty=q.difficulty,
        prompt=prompt,
        answer=_answer(inst),
        rubric=safe_html.items([safe_html.inline(p.point) for p in q.rubric], ordered=True),
        explanation=safe_html.markdown(q.explanation),
        misconceptions=_misconceptions(inst),
    )


def _answer(inst: Instance) -> str:
    q = inst.question
    if q.type in ("choice", "multi"):
        right = [
            f"{option_letter(pos)}) {safe_html.inline(inst.options[pos])}"
            for pos, i in enumerate(inst.order)
            if q.options[i].correct
        ]
        return "<br>".join(right)
    if q.type == "text":
        return safe_html.markdown(q.model_answer)
    if q.type == "matrix":
        return safe_html.matrix(inst.expected)
    return safe_html.text(inst.expected_display)


def _misconceptions(inst: Instance) -> str:
    """The named mistakes this question tells apart, each with what it would give or pick."""
    from qkv_drill.engine.misconceptions import MISCONCEPTIONS

    q = inst.question
    lines: list[str] = []
    if q.type in COMPUTED_TYPES:
        tol = q.answer.tolerance if q.answer else Tolerance()
        for name in q.misconceptions:
            known = MISCONCEPTIONS.get(name)
            title = known.title if known else name
            line = f"<b>{safe_html.text(title)}</b>"
            if known:
                line += f": {safe_html.text(known.feedback)}"
            if name in inst.wrong:
                wrong = inst.wrong[name]
                shown = (
                    safe_html.matrix(wrong)
                    if q.type == "matrix"
                    else safe_html.text(display(q.type, wrong, tol))
                )
                line += f"<br>That mistake gives {shown}"
            lines.append(line)
    for pos, i in enumerate(inst.order):
        option = q.options[i]
        if option.correct or not (option.misconception or option.why):
            continue
        known = MISCONCEPTIONS.get(option.misconception or "")
        title = known.title if known else (option.misconception or "")
        head = f"{option_letter(pos)})" + (f" <b>{safe_html.text(title)}</b>" if title else "")
        why = (
            safe_html.inline(option.why)
            if option.why
            else safe_html.text(known.feedback if known else "")
        )
        lines.append(f"{head}: {why}" if why else head)
    return safe_html.items(lines)
