"""What the screen shows after an answer: the verdict, the answer, the named mistake, where a
wrong matrix parts from the engine's, the explanation and the heatmap.

Verdict messages, misconception feedback and explanations are pack text: shown literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from qkv_drill.present.verdict import verdict_note
from qkv_drill.tui.widgets.choices import RubricChoices
from qkv_drill.tui.widgets.matrix import MatrixGrid, Shown, as_rows
from qkv_drill.tui.widgets.packtext import PackMarkdown

if TYPE_CHECKING:
    from qkv_drill.packs.check import Verdict
    from qkv_drill.packs.instance import Instance


def self_grade_widgets(instance: Instance, verdict: Verdict) -> list[Widget]:
    """The model answer, then the rubric to tick (keyword hits pre-ticked, changeable)."""
    q = instance.question
    hits = tuple(verdict.rubric_hits or ())
    picked = [i for i, hit in enumerate(hits) if hit]
    rubric = RubricChoices(
        [point.point for point in q.rubric],
        multiple=True,
        picked=picked,
        allow_empty=True,
        id="rubric",
    )
    rubric.border_title = "Tick what you covered (pre-ticked: keywords found) · enter"
    return [
        Static(Text("A model answer", style="bold"), classes="section"),
        PackMarkdown(q.model_answer or "", id="model-answer"),
        rubric,
    ]


def matrix_comparison(instance: Instance, verdict: Verdict) -> list[Widget]:
    """Yours and the engine's side by side with the differing entries highlighted, and the
    derivation step where they part."""
    from qkv_drill.packs.mismatch import parting
    from qkv_drill.packs.model import Tolerance

    q = instance.question
    given = verdict.parsed
    if q.type != "matrix" or verdict.status != "wrong" or given is None:
        return []
    tol = q.answer.tolerance if q.answer else Tolerance()
    part = parting(given, instance.expected, instance.trace, tol, frozenset(instance.params))
    yours, engine = as_rows(np.asarray(given)), as_rows(np.asarray(instance.expected))
    if yours is None or engine is None:
        return []
    marks = part.differs
    if marks is not None and marks.ndim == 1:
        marks = marks.reshape(1, -1)
    grid = MatrixGrid(
        [Shown("yours", yours, marks), Shown("the engine's", engine, marks)], id="matrix-diff"
    )
    widgets: list[Widget] = [grid]
    named = verdict.misconception is not None  # the named mistake already says where
    if part.step_note and not (named and part.step_note.startswith("No step")):
        widgets.append(Static(Text(part.step_note), id="parting-step"))
    return widgets


def verdict_widgets(instance: Instance, verdict: Verdict) -> list[Widget]:
    """Everything under a checked answer, in the order a tutor would say it."""
    q = instance.question
    ok = verdict.status == "correct"
    m = verdict.misconception
    # said once: the answer line and the misconception box below say the rest
    message = verdict_note(verdict.message, verdict.expected_display, m.feedback if m else None)
    head = Text.assemble(
        ("✔ Correct" if ok else "✘ Not quite", "bold"), ("  " + message if message else "")
    )
    widgets: list[Widget] = [Static(head, id="verdict", classes="-correct" if ok else "-wrong")]
    if q.type == "text":  # the model answer, once, as Markdown (not squeezed into one line)
        widgets.append(Static(Text("A model answer", style="bold"), classes="section"))
        widgets.append(PackMarkdown(q.model_answer or "", id="model-answer"))
    else:
        widgets.append(
            Static(
                Text.assemble(("Answer: ", "bold"), verdict.expected_display or "—"),
                id="expected",
            )
        )
    if m is not None:
        widgets.append(
            Static(
                Text.assemble(("Misconception: ", "bold"), (m.title, "bold"), "\n", m.feedback),
                id="misconception",
            )
        )
    widgets.extend(matrix_comparison(instance, verdict))
    widgets.append(PackMarkdown(q.explanation or "", id="explanation"))
    if instance.heatmap is not None:
        from qkv_drill.tui.widgets.heatmap import Heatmap

        widgets.append(Heatmap(instance.heatmap, id="heatmap"))
    return widgets
