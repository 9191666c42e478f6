"""Every shipped question over 50 seeds: the engine's answer is accepted through its displayed
form, and every named misconception is rejected and named."""

from __future__ import annotations

from pathlib import Path

import pytest

from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.validate_command import validate_question

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "questions").glob("*.yaml"))
SEEDS = 50


@pytest.mark.skipif(not SHIPPED, reason="no shipped packs yet")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_pack(path):
    lp = load_pack_file(path, source="shipped")
    assert lp.ok, "\n".join(str(i) for i in lp.errors)
    problems = []
    for q in lp.pack.questions:

        def report(rest, message, hint="", severity="error", q=q):
            if severity == "error":
                problems.append(f"{q.id}: {message}")

        validate_question(q, SEEDS, False, report)
    assert problems == []
