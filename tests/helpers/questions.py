"""Small builders for questions in tests."""

from __future__ import annotations

from typing import Any

from qkv_drill.packs.model import Answer, Option, Question, RubricPoint, Tolerance


def question(**kw) -> Question:
    base: dict[str, Any] = dict(
        id="t.q",
        pack_id="t",
        topic="shapes",
        difficulty="easy",
        type="numeric",
        prompt="?",
        explanation="because",
    )
    base.update(kw)
    return Question(**base)


def computed(
    compute: str,
    params: dict,
    *,
    type="numeric",
    args=None,
    tol: tuple[float, float] | None = None,
    mcs=(),
    **kw,
):
    tolerance = Tolerance(tol[0], tol[1], explicit=True) if tol else Tolerance()
    return question(
        type=type,
        params=params,
        answer=Answer(compute, dict(args or {}), tolerance),
        misconceptions=tuple(mcs),
        **kw,
    )


__all__ = ["Option", "RubricPoint", "computed", "question"]
