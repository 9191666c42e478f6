"""The shipped `implement` pack's questions, loaded and drawn once, and code graded against them."""

from __future__ import annotations

import functools
import textwrap

from qkv_drill.exercises.checker import CodeReport, grade
from qkv_drill.packs.instance import draw
from qkv_drill.packs.loader import load_paths
from tests.helpers import REPO

PACK = REPO / "questions" / "implement.yaml"


@functools.cache
def question(qid: str):
    packset = load_paths([PACK])
    (lp,) = packset.packs
    assert lp.pack is not None, lp.issues
    return next(q for q in lp.pack.questions if q.id == qid)


@functools.cache
def instance(qid: str, seed: int = 0):
    return draw(question(qid), seed)


def grade_code(qid: str, code: str, seed: int = 0) -> CodeReport:
    inst = instance(qid, seed)
    return grade(textwrap.dedent(code), inst.question, inst.expected)
