"""One reviewed question of a mock report as Markdown: the app's review pane and the exported
report show the same text (the app draws the rubric as tick boxes, so it leaves it out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qkv_drill.present.formats import option_letter
from qkv_drill.present.verdict import verdict_note

if TYPE_CHECKING:
    from qkv_drill.session.report import ReportItem


def _your_answer(item: ReportItem) -> str:
    if item.user_answer is None:
        return "*(no answer)*"
    if item.qtype == "text":
        return item.user_answer
    if item.qtype == "code":  # lines kept: inline code would run them together
        return "\n\n```python\n" + item.user_answer.rstrip() + "\n```\n"
    return f"`{item.user_answer}`"


def item_markdown(item: ReportItem, *, rubric: bool = False) -> str:
    """Options, both answers, the verdict's message, the misconception, why and the derivation
    (the prompt is shown above it); with `rubric`, each point ticked when self-graded covered."""
    parts = []
    if item.options:
        parts += [f"- **{option_letter(k)})** {o}" for k, o in enumerate(item.options)] + [""]
    answer = _your_answer(item)
    if item.qtype == "text":
        parts += [f"**Your answer:** {answer}", "", f"**Model answer:** {item.model_answer}"]
        if rubric and item.rubric:
            covered = set(item.covered or ())
            parts += [""] + [
                f"- [{'x' if k in covered else ' '}] {point}" for k, point in enumerate(item.rubric)
            ]
    else:
        parts += [f"**Your answer:** {answer}  ", f"**Expected:** `{item.expected}`"]
    note = verdict_note(item.message, item.expected, item.misconception_feedback)
    if note:  # not what the Expected and Misconception lines say already
        parts += ["", note]
    if item.misconception:
        title = item.misconception_title or item.misconception
        parts += ["", f"**Misconception: {title}.** {item.misconception_feedback}"]
    if item.explanation.strip():
        parts += ["", f"**Why.** {item.explanation.strip()}"]
    if item.trace:
        parts += ["", "**Derivation**", ""] + [f"{k + 1}. `{s}`" for k, s in enumerate(item.trace)]
    return "\n".join(parts)
