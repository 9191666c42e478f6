"""What checking an answer gives: the `Verdict` every mode shows and records (packs/check.py
makes one; the code exercises make theirs without importing the checker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qkv_drill.engine.misconceptions import Misconception


@dataclass(frozen=True)
class Verdict:
    status: Literal["correct", "wrong", "unparseable", "self_grade"]
    message: str
    expected_display: str
    misconception: Misconception | None
    parsed: object | None
    rubric_hits: tuple[bool, ...] = ()
