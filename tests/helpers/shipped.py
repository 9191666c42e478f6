"""The shipped packs' questions, loaded once for the content tests."""

from __future__ import annotations

from functools import cache

from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.model import Question
from tests.helpers import REPO

QUESTIONS = REPO / "questions"


@cache
def shipped() -> dict[str, Question]:
    """Every shipped question by id; each shipped pack must load."""
    out: dict[str, Question] = {}
    for path in sorted(QUESTIONS.glob("*.yaml")):
        lp = load_pack_file(path, source="shipped")
        assert lp.pack is not None, path
        out.update({q.id: q for q in lp.pack.questions})
    return out
