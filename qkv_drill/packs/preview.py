"""A computed question shown before its answer is worked out: its numbers and its prompt, drawn
without numpy or the engine.

Showing a question needs only what is on screen. For `qkv-drill practice`'s first question, numpy
and the engine cost more than the rest of the start-up, so the question is drawn here in plain
Python (the same numbers as numpy's generator, bit for bit: packs/seeded.py), shown, and the
engine's `draw` runs right after on the same seed. A preview has no answer: what is checked is
always that instance, and the screen keeps the preview only when `draw` shows exactly the same
text (it re-draws when a named mistake would give the right answer, which a preview cannot know).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qkv_drill.packs.param_specs import spec_kind
from qkv_drill.packs.params import draw_params, seeded_for
from qkv_drill.packs.prompt_text import needs_answer, precision_line, render_prompt

if TYPE_CHECKING:
    from qkv_drill.packs.drawn import Instance
    from qkv_drill.packs.model import Question

COMPUTED = ("numeric", "shape", "matrix")


@dataclass(frozen=True, kw_only=True)
class Preview:
    """What a computed question shows, without its answer."""

    question: Question
    seed: int
    params: dict[str, object]
    prompt: str
    options: list[str] = field(default_factory=list)  # (computed questions have none)


def draw_preview(question: Question, seed: int) -> Preview | None:
    """The question as `packs.instance.draw(question, seed)` would show it when it keeps its
    first draw; None when showing it needs numpy or the answer (a full-rank matrix, a precision
    line that says whether the answer is whole), or it is not a computed question."""
    if question.type not in COMPUTED or question.answer is None:
        return None
    tol = question.answer.tolerance
    if needs_answer(question.type, tol):
        return None
    if any(spec_kind(s) == "matrix" and s.get("full_rank") for s in question.params.values()):
        return None
    try:
        params, _ = draw_params(question, seed, generator=seeded_for)
        prompt = render_prompt(question.prompt, params).rstrip()
    except Exception:  # `draw` meets the same fault and says what it is, in its own words
        return None
    prompt += "\n\n" + precision_line(question.type, tol, None)
    return Preview(question=question, seed=seed, params=params, prompt=prompt)


def shows_the_same(preview: Preview, instance: Instance) -> bool:
    """`instance` (the engine's draw) puts on screen exactly what `preview` did."""
    return (
        instance.question is preview.question
        and instance.seed == preview.seed
        and instance.params == preview.params
        and instance.prompt == preview.prompt
        and instance.options == preview.options
    )
