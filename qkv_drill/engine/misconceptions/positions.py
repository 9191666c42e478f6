"""Mistakes with positions, ALiBi, context extension, masks, paging and GQA conversion."""

from __future__ import annotations

import math

import numpy as np

from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import paging as Pg
from qkv_drill.engine import positions as P
from qkv_drill.engine.arrays import FloatArray
from qkv_drill.engine.misconceptions.core import (
    Args,
    Misconception,
    direct,
    each,
    only_if,
    transform,
)


def _swapped_table(seq: int, d: int, base: float) -> FloatArray:
    pe = P.sinusoidal_positions(seq, d, base)  # (T, d)
    out = np.empty_like(pe)
    out[:, 0::2], out[:, 1::2] = pe[:, 1::2], pe[:, 0::2]  # cos on even, sin on odd
    return out


def _swapped_entry(a: Args) -> float:
    pos, dim = int(a["pos"]), int(a["dim"])
    return float(_swapped_table(pos + 1, int(a["d"]), float(a.get("base", 10000.0)))[pos, dim])


SIN_COS_SWAPPED = Misconception(
    name="sin_cos_swapped",
    title="sin and cos swapped",
    feedback="That puts the cosine in the even dimensions; the paper has sin in dimension 2i and "
    "cos in 2i+1.",
    wrong={
        "pe_entry": direct(_swapped_entry),
        "sinusoidal_pe": direct(
            lambda a: _swapped_table(int(a["seq"]), int(a["d"]), float(a.get("base", 10000.0)))
        ),
    },
)

WAVELENGTH_WITHOUT_2PI = Misconception(
    name="wavelength_without_2pi",
    title="Wavelength without the 2 pi",
    feedback="That is 1/omega, positions per radian; a full turn takes 2 pi radians, so the "
    "wavelength is 2 pi / omega.",
    wrong={"pe_wavelength": transform(lambda v, a: float(v) / (2 * math.pi))},
)


def _t5_no_offset(a: Args) -> float | None:
    rel = int(a["relative"])
    if rel <= 0:
        return None
    n = int(a.get("num_buckets", 32))
    return float(P.t5_bucket(rel, True, n, int(a.get("max_distance", 128))) - n // 2)


T5_DIRECTION_IGNORED = Misconception(
    name="t5_direction_ignored",
    title="Direction ignored in T5 buckets",
    feedback="Bidirectional T5 buckets give keys after the query the upper half: add "
    "num_buckets/2 when key - query > 0.",
    wrong={"t5_bucket": lambda a, right: _t5_no_offset(a)},
)


def _power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


ALIBI_SLOPES_FORMULA_FOR_ANY_N = Misconception(
    name="alibi_slopes_formula_for_any_n",
    title="Power-of-two slope rule used for any head count",
    feedback="2^(-8h/n) is the rule for n a power of two; otherwise the official code keeps the "
    "slopes of the power of two below n and interleaves every other slope of twice that.",
    wrong={
        "alibi_slope": only_if(
            lambda a: not _power_of_two(int(a["heads"])),
            direct(lambda a: 2.0 ** (-8.0 * int(a["head"]) / int(a["heads"]))),
        )
    },
)


def _positive_bias(a: Args) -> FloatArray:
    m = float(P.alibi_slopes(int(a["heads"]))[int(a["head"]) - 1])
    seq = int(a["seq"]) if "seq" in a else np.asarray(a["Q"]).shape[0]
    bias: FloatArray = -P.alibi_bias(seq, seq, [m])[0]  # (T, T) +m |i - j|
    return bias


def _positive_weights(a: Args) -> FloatArray:
    q, k = np.asarray(a["Q"], dtype=np.float64), np.asarray(a["K"], dtype=np.float64)
    bias = _positive_bias(a)  # (T, T)
    return P.biased_attention(q, k, np.eye(k.shape[0]), bias, causal=bool(a.get("causal", True)))[1]


ALIBI_BIAS_POSITIVE = Misconception(
    name="alibi_bias_positive",
    title="ALiBi bias with the wrong sign",
    feedback="ALiBi subtracts m |i - j|: distant keys are penalised, not favoured.",
    wrong={"alibi_bias": direct(_positive_bias), "alibi_weights": direct(_positive_weights)},
)

INTERPOLATION_MULTIPLIED = Misconception(
    name="interpolation_multiplied",
    title="Positions multiplied by the scale",
    feedback="Position interpolation squeezes positions into the trained range: m becomes m / s, "
    "not m x s.",
    wrong={"rope_angle_interpolated": transform(lambda v, a: float(v) * float(a["scale"]) ** 2)},
)


def _ntk_as_pi(a: Args) -> float:
    args: Args = {k: a[k] for k in ("position", "d", "pair", "scale", "base") if k in a}
    return P.rotation_angle(method="interpolation", **args)


NTK_AS_INTERPOLATION = Misconception(
    name="ntk_as_interpolation",
    title="NTK scaling taken for position interpolation",
    feedback="The NTK-aware base leaves the fastest pair unchanged (base^0 = 1) and slows only the "
    "slower pairs; dividing every angle by s is position interpolation.",
    wrong={"rope_angle_ntk": direct(_ntk_as_pi)},
)

MASK_FUTURE_VISIBLE = Misconception(
    name="mask_future_visible",
    title="Future keys left visible",
    feedback="That lets tokens see keys after them; a decoder (and the part after a prefix) "
    "only sees keys j <= i.",
    wrong={
        **each(
            ("causal_mask", "prefix_mask"),
            direct(lambda a: np.ones((int(a["seq"]), int(a["seq"])))),
        ),
        **each(
            ("causal_pairs", "prefix_pairs"),
            only_if(
                lambda a: int(a.get("prefix", 0)) < int(a["seq"]),
                direct(lambda a: float(int(a["seq"]) ** 2)),
            ),
        ),
    },
)

CAUSAL_WITHOUT_DIAGONAL = Misconception(
    name="causal_without_diagonal",
    title="Diagonal left out of the causal mask",
    feedback="A token attends to itself: row i allows keys 0..i, i + 1 of them.",
    wrong={"causal_pairs": transform(lambda v, a: float(v) - int(a["seq"]))},
)

BLOCKS_ROUNDED_DOWN = Misconception(
    name="blocks_rounded_down",
    title="Partial block not counted",
    feedback="A partly filled last block is still allocated: round seq / block_size up.",
    wrong={
        "paged_blocks": only_if(
            lambda a: Pg.slots_wasted(int(a["seq"]), int(a.get("block_size", 16))) > 0,
            direct(lambda a: float(int(a["seq"]) // int(a.get("block_size", 16)))),
        )
    },
)

POOLED_BY_SUM = Misconception(
    name="pooled_by_sum",
    title="Heads summed instead of averaged",
    feedback="The GQA conversion mean-pools the heads of a group; summing scales every key or "
    "value by the group size.",
    wrong={
        "gqa_pool": only_if(
            lambda a: int(a["groups"]) != int(a["heads"]),
            direct(
                lambda a: (
                    G.mean_pool_projection(a["W"], int(a["heads"]), int(a["groups"]))
                    * (int(a["heads"]) // int(a["groups"]))
                )
            ),
        )
    },
)

POSITION_MISCONCEPTIONS: tuple[Misconception, ...] = (
    SIN_COS_SWAPPED,
    WAVELENGTH_WITHOUT_2PI,
    T5_DIRECTION_IGNORED,
    ALIBI_SLOPES_FORMULA_FOR_ANY_N,
    ALIBI_BIAS_POSITIVE,
    INTERPOLATION_MULTIPLIED,
    NTK_AS_INTERPOLATION,
    MASK_FUTURE_VISIBLE,
    CAUSAL_WITHOUT_DIAGONAL,
    BLOCKS_ROUNDED_DOWN,
    POOLED_BY_SUM,
)
