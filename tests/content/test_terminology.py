"""torch has tensors and numpy has arrays: what an exercise says it passes in is the type the
user's function really receives (a "torch array" sends people looking for an API that is not
there)."""

from __future__ import annotations

import re

from qkv_drill.packs.instance import draw
from tests.helpers import REPO
from tests.helpers.shipped import shipped

WRONG = re.compile(
    r"\btorch\s+arrays?\b|\bnumpy\s+tensors?\b|\bnp\.tensor\b|\btorch\.array\b", re.IGNORECASE
)
PER_LANGUAGE = re.compile(r"language\}\s+arrays")
"""An f-string that says "{language} arrays" reads "torch arrays" for a torch exercise."""


def test_each_exercise_names_what_its_function_receives():
    exercises = [q for q in shipped().values() if q.type == "code"]
    assert {q.code.language for q in exercises if q.code} == {"numpy", "torch"}
    for question in exercises:
        assert question.code is not None
        prompt = " ".join(draw(question, 0).prompt.split())
        said = {"numpy": "numpy arrays in", "torch": "torch tensors in"}[question.code.language]
        assert said in prompt, (question.id, prompt[-200:])
        assert not WRONG.search(prompt), question.id


def test_no_pack_or_source_file_calls_a_tensor_an_array_or_the_reverse():
    files = [*sorted((REPO / "questions").glob("*.yaml"))]
    files += sorted((REPO / "qkv_drill").rglob("*.py"))
    files += [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in (WRONG, PER_LANGUAGE):
            found += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, found


SCALED_BY_ROOT = re.compile(r"\b(?:scaled?|scaling)\s+by\s+sqrt\(", re.IGNORECASE)
"""Scores are divided by sqrt(d_k) (or scaled by 1/sqrt(d_k)): "scaled by sqrt(hs)" says the
opposite, and a rubric point is what the learner ticks as what they said."""


def test_no_pack_says_scores_are_scaled_by_the_square_root_itself():
    found = []
    for path in sorted((REPO / "questions").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m.group(0)}" for m in SCALED_BY_ROOT.finditer(text)]
    assert not found, found
