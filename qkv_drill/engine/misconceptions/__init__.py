"""The one home of the named mistakes people make with attention.

A wrong answer that matches a named mistake gets that mistake's feedback instead of a bare
"wrong". Each mistake is one `Misconception` object (name, title, feedback, and its wrong value
for every computation it applies to), defined in the topic module it belongs to and listed in
`MISCONCEPTIONS` here. To add one: write the object in its topic module and add it to that
module's tuple; `qkv-drill misconceptions` and docs/pack-format.md list it from there.
"""

from __future__ import annotations

from qkv_drill.engine.arrays import ArrayLike, FloatArray
from qkv_drill.engine.misconceptions.attention import ATTENTION_MISCONCEPTIONS
from qkv_drill.engine.misconceptions.core import (
    ATTENTION_COMPUTATIONS,
    Args,
    Misconception,
    Right,
    Value,
    WrongValue,
)
from qkv_drill.engine.misconceptions.counting import COUNTING_MISCONCEPTIONS
from qkv_drill.engine.misconceptions.modern import MODERN_MISCONCEPTIONS
from qkv_drill.engine.misconceptions.positions import POSITION_MISCONCEPTIONS
from qkv_drill.engine.mistaken import AttentionMistake, mistaken_attention

__all__ = [
    "ATTENTION_COMPUTATIONS",
    "MISCONCEPTIONS",
    "Args",
    "Misconception",
    "Right",
    "Value",
    "WrongValue",
    "applying_to",
    "attention_mistake",
    "attention_with_misconception",
]


def _registry(*groups: tuple[Misconception, ...]) -> dict[str, Misconception]:
    out: dict[str, Misconception] = {}
    for group in groups:
        for m in group:
            if m.name in out:
                raise ValueError(f"misconception {m.name!r} is defined twice")
            out[m.name] = m
    return out


MISCONCEPTIONS: dict[str, Misconception] = _registry(
    ATTENTION_MISCONCEPTIONS,
    COUNTING_MISCONCEPTIONS,
    MODERN_MISCONCEPTIONS,
    POSITION_MISCONCEPTIONS,
)
"""Every named mistake, by name, in the order they are listed to users."""


def applying_to(computation: str) -> tuple[str, ...]:
    """The names of the mistakes that have a wrong value for `computation`."""
    return tuple(n for n, m in MISCONCEPTIONS.items() if computation in m.wrong)


def attention_mistake(name: str) -> AttentionMistake:
    """What the named mistake changes in attention, for `mistaken.mistaken_attention` and
    `mistaken.mistaken_multi_head`; KeyError when the name is no attention mistake."""
    m = MISCONCEPTIONS.get(name)
    if m is None or m.attention is None:
        raise KeyError(f"no attention variant for misconception {name!r}")
    return m.attention


def attention_with_misconception(
    name: str,
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
    *,
    d_model: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """`reference.attention` with the named mistake made; returns the wrong (output, weights).

    `raw_scores_weighting` weights V by the scaled scores, masked positions set to 0;
    `no_transpose` raises ValueError unless Q K is defined (d_k == Tk); `scale_by_dmodel` needs
    the `d_model` keyword. Raises KeyError for a name that is no attention mistake, and for
    `heads_merged_wrong_order`, which needs several heads (`mistaken.mistaken_multi_head`).
    """
    mistake = attention_mistake(name)
    if mistake.merge_heads_wrong:
        raise KeyError(f"{name!r} needs several heads: use mistaken_multi_head")
    if mistake.in_inputs:
        raise KeyError(f"{name!r} is made preparing the inputs: use the pack computations")
    return mistaken_attention(mistake, q, k, v, mask, causal, d_model=d_model)
