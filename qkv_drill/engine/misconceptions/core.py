"""What a misconception is, and small tools to say what wrong value it gives.

A `Misconception` is one object holding everything about a named mistake: its name, a short
title, the feedback a user reads, and, for each pack computation it applies to, the wrong value
someone making the mistake would give. A wrong value is a function of the computation's resolved
arguments and of `right`, the computation itself (so most mistakes are "the right computation
with one argument changed": `rerun(batch=1)`). It returns None where the mistake changes nothing
for these arguments (`forgot_batch` with batch 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

from qkv_drill.engine.arrays import FloatArray
from qkv_drill.engine.mistaken import AttentionMistake

Args: TypeAlias = dict[str, Any]
"""A computation's resolved arguments: numbers, flags, names and nested lists (matrices)."""
Value: TypeAlias = float | tuple[int, ...] | FloatArray
"""A computed answer: a number, a shape or a matrix."""
Right: TypeAlias = Callable[[Args], "Value | None"]
"""The computation a mistake is made in, as a function of its arguments."""
WrongValue: TypeAlias = Callable[[Args, Right], "Value | None"]
T = TypeVar("T")

ATTENTION_COMPUTATIONS = (
    "attention_weights",
    "attention_output",
    "self_attention",
    "self_attention_weights",
)
"""Pack computations that run scaled dot-product attention: every `AttentionMistake` applies."""

MATRIX_COMPUTATIONS = (
    *ATTENTION_COMPUTATIONS,
    "softmax",
    "project",
    "scores",
    "self_attention_scores",
    "decode_output",
    "rope",
    "aligned_causal_mask",
    "sliding_window_mask",
)
"""Pack computations whose answer is a matrix (`transposed_matrix` applies to each)."""


@dataclass(frozen=True, kw_only=True)
class Misconception:
    """A named mistake: `title` is a short label, `feedback` a teaching sentence for the user.

    `wrong` maps a computation name to the wrong value; `needs` names, per computation, the
    extra parameters the wrong value needs (the query `heads` for `kv_ignores_gqa`). An
    `attention` mistake applies to every attention computation and to the engine's
    `attention_with_misconception`; its entries are added to `wrong` here.
    """

    name: str
    title: str
    feedback: str
    wrong: Mapping[str, WrongValue] = field(default_factory=dict)
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    attention: AttentionMistake | None = None

    def __post_init__(self) -> None:
        mistake = self.attention
        if mistake is None or mistake.merge_heads_wrong:  # merging needs several heads
            return
        made = with_mistake(mistake)
        names = [c for c in ATTENTION_COMPUTATIONS if mistake.changes_weights or "weights" not in c]
        object.__setattr__(self, "wrong", each(names, made) | dict(self.wrong))
        if mistake.needs_d_model:  # self_attention knows d_model: it is the width of X
            needs = each((c for c in ATTENTION_COMPUTATIONS if c != "self_attention"), ("d_model",))
            object.__setattr__(self, "needs", needs | dict(self.needs))

    @property
    def applies_to(self) -> tuple[str, ...]:
        """The computations this mistake has a wrong value for."""
        return tuple(self.wrong)


# --- building wrong values ------------------------------------------------------------------


def rerun(**override: object) -> WrongValue:
    """The right computation with some arguments changed; a callable override gets the args."""

    def wrong(a: Args, right: Right) -> Value | None:
        changed = {k: (v(a) if callable(v) else v) for k, v in override.items()}
        return right({**a, **changed})

    return wrong


def transform(fn: Callable[[Any, Args], Value]) -> WrongValue:
    """The right value passed through `fn(value, args)` (the answer halved, doubled, ...)."""

    def wrong(a: Args, right: Right) -> Value | None:
        value = right(a)
        return None if value is None else fn(value, a)

    return wrong


HALVED: WrongValue = transform(lambda v, a: v / 2)
"""The right value halved: one of two equal parts left out (K or V, multiply or add, ...)."""


def direct(fn: Callable[[Args], Value]) -> WrongValue:
    """A wrong value computed from the arguments alone."""
    return lambda a, right: fn(a)


def only_if(applies: Callable[[Args], bool], wrong: WrongValue) -> WrongValue:
    """`wrong`, but None (the mistake changes nothing) when `applies(args)` is false."""
    return lambda a, right: wrong(a, right) if applies(a) else None


def each(names: Iterable[str], value: T) -> dict[str, T]:
    """The same wrong value (or needs) for several computations."""
    return dict.fromkeys(names, value)


def with_mistake(mistake: AttentionMistake) -> WrongValue:
    """An attention computation run with `mistake` made (the computation reads `mistake`)."""
    return rerun(mistake=mistake)


def given(a: Args, key: str) -> bool:
    """The argument is set (not None, not absent)."""
    return a.get(key) is not None


def gqa(a: Args) -> bool:
    """Grouped-query attention: fewer key/value heads than query heads."""
    return given(a, "kv_heads") and given(a, "heads") and a["kv_heads"] != a["heads"]


def batched(a: Args) -> bool:
    return a.get("batch") not in (None, 1)
