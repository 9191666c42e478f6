"""Mistakes in attention itself: the scale, the mask, the softmax, the transpose, the heads."""

from __future__ import annotations

import math

import numpy as np

from qkv_drill.engine.arrays import FloatArray
from qkv_drill.engine.misconceptions.core import (
    Args,
    Misconception,
    direct,
    each,
    only_if,
    rerun,
)
from qkv_drill.engine.mistaken import AttentionMistake
from qkv_drill.engine.quantities import qk_std, qk_variance
from qkv_drill.engine.reference import softmax


def _scaled_asked(a: Args) -> bool:
    """The question asks about the scaled scores (variance, std, max weight: `scaled: true`)."""
    return bool(a.get("scaled"))


def _scores_scaled(a: Args) -> bool:
    """`scores` are scaled unless `scaled: false`."""
    return bool(a.get("scaled", True))


def _vec(x: object) -> FloatArray:
    return np.asarray(x, dtype=np.float64).reshape(-1)


def _dot(a: Args, scale: float) -> float:
    return float(_vec(a["q"]) @ _vec(a["k"])) * scale  # (hs,) . (hs,)


def _qk(a: Args) -> tuple[FloatArray, FloatArray]:
    """Q and K, given or projected from X."""
    if a.get("X") is not None:
        x = np.asarray(a["X"], dtype=float)  # (T, C)
        return x @ np.asarray(a["W_Q"], dtype=float), x @ np.asarray(a["W_K"], dtype=float)
    return np.asarray(a["Q"], dtype=float), np.asarray(a["K"], dtype=float)  # (T, hs), (S, hs)


def _width(a: Args) -> int:
    return int(_qk(a)[0].shape[-1])


def _scores(a: Args, scale: float, transpose: bool = True) -> FloatArray:
    Q, K = _qk(a)  # (T, hs), (S, hs)
    return (Q @ (K.T if transpose else K)) * scale  # (T, S)


SCORES = ("scores", "self_attention_scores")


NO_SCALING = Misconception(
    name="no_scaling",
    title="Scores not scaled",
    feedback="That is the value without the 1/sqrt(d_k) scaling: the scores were never divided "
    "by sqrt(d_k).",
    attention=AttentionMistake(scale=lambda dk, dm: 1.0),
    wrong={
        "scale_factor": direct(lambda a: 1.0),
        **each(
            ("qk_variance", "qk_std", "max_weight"), only_if(_scaled_asked, rerun(scaled=False))
        ),
        "scaled_dot": direct(lambda a: _dot(a, 1.0)),
        **each(SCORES, only_if(_scores_scaled, rerun(scaled=False))),
    },
)

SCALE_BY_DK = Misconception(
    name="scale_by_dk",
    title="Divided by d_k",
    feedback="That divides the scores by d_k instead of sqrt(d_k): with independent, zero-mean, "
    "unit-variance components the variance of q.k is d_k, so its standard deviation, sqrt(d_k), "
    "is the right divisor.",
    attention=AttentionMistake(scale=lambda dk, dm: 1.0 / dk),
    wrong={
        "scale_factor": direct(lambda a: 1.0 / a["d_k"]),
        # scores divided by d_k: variance d_k / d_k^2 = 1 / d_k, standard deviation its root
        "qk_variance": only_if(
            _scaled_asked, direct(lambda a: qk_variance(a["d_k"]) / a["d_k"] ** 2)
        ),
        "qk_std": only_if(_scaled_asked, direct(lambda a: qk_std(a["d_k"]) / a["d_k"])),
        "scaled_dot": direct(lambda a: _dot(a, 1.0 / _vec(a["q"]).size)),
        **each(SCORES, only_if(_scores_scaled, direct(lambda a: _scores(a, 1.0 / _width(a))))),
    },
)

SCALE_BY_DMODEL = Misconception(
    name="scale_by_dmodel",
    title="Divided by sqrt(d_model)",
    feedback="That scales by 1/sqrt(d_model); each head's dot product has d_k = d_model / heads "
    "terms, so the divisor is sqrt(d_k).",
    attention=AttentionMistake(
        scale=lambda dk, dm: 1.0 / math.sqrt(dm if dm is not None else dk), needs_d_model=True
    ),
    wrong={"scale_factor": direct(lambda a: 1.0 / math.sqrt(a["d_model"]))},
    needs={"scale_factor": ("d_model",)},
)

SOFTMAX_WRONG_AXIS = Misconception(
    name="softmax_wrong_axis",
    title="Softmax over the wrong axis",
    feedback="That softmax ran down the columns (over the queries); each query's weights over "
    "the keys must sum to 1, so the softmax runs along each row.",
    attention=AttentionMistake(softmax_axis=-2),
    wrong={
        "softmax": only_if(
            lambda a: np.ndim(a["z"]) == 2,
            direct(lambda a: softmax(np.asarray(a["z"], dtype=float), axis=0)),
        )
    },
)

NO_CAUSAL_MASK = Misconception(
    name="no_causal_mask",
    title="Causal mask forgotten",
    feedback="That lets each position attend to later positions: the causal mask, which hides "
    "the future (key j > query i), was left out.",
    attention=AttentionMistake(causal="dropped"),
)

INVERTED_CAUSAL_MASK = Misconception(
    name="inverted_causal_mask",
    title="Causal mask inverted",
    feedback="That mask hides the past instead of the future: query i may see keys j <= i, not "
    "j >= i.",
    attention=AttentionMistake(causal="inverted"),
)

NO_TRANSPOSE = Misconception(
    name="no_transpose",
    title="K not transposed",
    feedback="That multiplies Q by K instead of K^T: the scores are dot products of query rows "
    "with key rows, Q K^T.",
    attention=AttentionMistake(transpose_k=False),
    wrong=each(
        SCORES,
        only_if(
            lambda a: _width(a) == _qk(a)[1].shape[0],
            direct(
                lambda a: _scores(
                    a, 1.0 / math.sqrt(_width(a)) if _scores_scaled(a) else 1.0, transpose=False
                )
            ),
        ),
    ),
)

HEADS_MERGED_WRONG_ORDER = Misconception(
    name="heads_merged_wrong_order",
    title="Heads merged in the wrong order",
    feedback="That reshapes (heads, seq, head_dim) straight to (seq, d_model): the head and "
    "sequence axes must be swapped back before the heads are concatenated.",
    attention=AttentionMistake(merge_heads_wrong=True),
)

RAW_SCORES_WEIGHTING = Misconception(
    name="raw_scores_weighting",
    title="Values weighted by raw scores",
    feedback="That weights V by the scores themselves; the scores go through the softmax first, "
    "so each row of weights is positive and sums to 1.",
    attention=AttentionMistake(softmax=False),
)

ATTENTION_MISCONCEPTIONS = (
    NO_SCALING,
    SCALE_BY_DK,
    SCALE_BY_DMODEL,
    SOFTMAX_WRONG_AXIS,
    NO_CAUSAL_MASK,
    INVERTED_CAUSAL_MASK,
    NO_TRANSPOSE,
    HEADS_MERGED_WRONG_ORDER,
    RAW_SCORES_WEIGHTING,
)
