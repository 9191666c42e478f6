"""Every shipped question reads on its own: questions are drawn in random order (and one at a
time in drill and the mock), so no text may lean on another question ("Same layer, ...", "the
same simulation", "How many now?", "the paper" without saying which)."""

from __future__ import annotations

import re

from qkv_drill.packs.model import Question
from tests.helpers.shipped import shipped

# Phrasings that only make sense after another question was read.
LEANS_ON_ANOTHER = re.compile(
    r"""
    \bsame\ (two\ )?(layer|module|setup|set-up|simulation|keys|question|assumptions
            |config(uration)?)\b(?!\ (and|as|for|in|of|under|at)\b)
    | \bas\ (before|above)\b
    | \b(previous|earlier|last|other|preceding)\ (question|exercise|part)\b
    | \bthe\ question\ (before|above)\b
    | \bthis\ time\b
    | \b(how\ many|what)\b[^.?]*\bnow\?
    | \bagain\ with\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "the paper" is fine only where the text itself names the paper.
THE_PAPER = re.compile(r"\b(the|this) paper\b|\bthe paper's\b|\bthe authors\b", re.IGNORECASE)
NAMES_A_PAPER = re.compile(r"arXiv|et al\.|\"[^\"]+\"", re.IGNORECASE)


def texts(question: Question) -> list[tuple[str, str]]:
    out = [("prompt", question.prompt), ("explanation", question.explanation or "")]
    out += [("model answer", question.model_answer or "")]
    out += [("hint", h) for h in question.hints]
    for o in question.options:
        out += [("option", o.text), ("option why", o.why or "")]
    out += [("rubric", r.point) for r in question.rubric]
    return [(where, text) for where, text in out if text]


def test_no_question_leans_on_another_question():
    found = []
    for qid, question in shipped().items():
        for where, text in texts(question):
            flat = " ".join(text.split())
            if m := LEANS_ON_ANOTHER.search(flat):
                found.append(f"{qid} ({where}): ...{flat[max(0, m.start() - 40) : m.end() + 40]}")
            elif where == "prompt" and THE_PAPER.search(flat) and not NAMES_A_PAPER.search(flat):
                found.append(f"{qid} (prompt): 'the paper' without naming it: {flat[:80]}")
    assert not found, "\n".join(found)


def test_the_check_catches_the_phrasings_it_was_written_for():
    leaning = [
        "Same layer, BERT-style with biases: how many parameters?",
        "Same module, but with bias on. How many parameters now?",
        "The same simulation now measures the scaled variance.",
        "Under the same assumptions, d_k = 64.",
        "As before, the cache holds three keys.",
        "Unlike the previous question, the mask is causal.",
        "Same two keys, but the scores are scaled.",
    ]
    for text in leaning:
        assert LEANS_ON_ANOTHER.search(text), text
    standing_alone = [
        "Two keys of the same size; the same weights are applied to every token.",
        "A head has the same size for keys and values.",
        "Both queries sit at the same position m = 3.",
        "the same as one big head",
        "The same model, two regimes: prefill and decode.",
        'It asks "which source words matter for me now?"',
        "everything beyond 128 shares the last one.",
    ]
    for text in standing_alone:
        assert not LEANS_ON_ANOTHER.search(text), text
