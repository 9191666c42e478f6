"""Named mistakes people make with attention, and the wrong answers those mistakes produce.

A wrong answer that matches a named mistake gets that mistake's feedback instead of a bare "wrong".
The engine variants here compute what the mistaken candidate would compute; the quantity ones
(parameter counts, FLOPs, memory) live in `quantities.QUANTITY_MISCONCEPTIONS`, and are only
described here.

Conventions: the mask mistakes (`no_causal_mask`, `inverted_causal_mask`) only change anything when
`causal=True` (with no causal mask asked for, there is nothing to get wrong). Fully-masked rows give
weights 0 and output 0, as in `reference.attention`.

Shape legend:
    ...  leading batch/head dims;  Tq, Tk query / key lengths;  dk, dv widths;  H heads
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qkv_drill.engine.multihead import merge_heads, project_heads
from qkv_drill.engine.reference import _softmax_inplace, attention, masked_scores


@dataclass(frozen=True)
class Misconception:
    """A named mistake: `title` is a short label, `feedback` a teaching sentence for the user."""

    name: str
    title: str
    feedback: str


_TABLE = [
    (
        "no_scaling",
        "Scores not scaled",
        "That is the value without the 1/sqrt(d_k) scaling: the scores were never divided by "
        "sqrt(d_k).",
    ),
    (
        "scale_by_dk",
        "Divided by d_k",
        "That divides the scores by d_k instead of sqrt(d_k): the variance of q.k is d_k, so its "
        "standard deviation, sqrt(d_k), is the right divisor.",
    ),
    (
        "scale_by_dmodel",
        "Divided by sqrt(d_model)",
        "That scales by 1/sqrt(d_model); each head's dot product has d_k = d_model / heads terms, "
        "so the divisor is sqrt(d_k).",
    ),
    (
        "softmax_wrong_axis",
        "Softmax over the wrong axis",
        "That softmax ran down the columns (over the queries); each query's weights over the keys "
        "must sum to 1, so the softmax runs along each row.",
    ),
    (
        "no_causal_mask",
        "Causal mask forgotten",
        "That lets each position attend to later positions: the causal mask, which hides the "
        "future (key j > query i), was left out.",
    ),
    (
        "inverted_causal_mask",
        "Causal mask inverted",
        "That mask hides the past instead of the future: query i may see keys j <= i, not j >= i.",
    ),
    (
        "no_transpose",
        "K not transposed",
        "That multiplies Q by K instead of K^T: the scores are dot products of query rows with key "
        "rows, Q K^T.",
    ),
    (
        "heads_merged_wrong_order",
        "Heads merged in the wrong order",
        "That reshapes (heads, seq, head_dim) straight to (seq, d_model): the head and sequence "
        "axes must be swapped back before the heads are concatenated.",
    ),
    (
        "raw_scores_weighting",
        "Values weighted by raw scores",
        "That weights V by the scores themselves; the scores go through the softmax first, so "
        "each row of weights is positive and sums to 1.",
    ),
    (
        "no_head_split",
        "Per-head size not used",
        "That uses d_model where the per-head size d_k = d_model / heads was meant.",
    ),
    (
        "forgot_output_projection",
        "W_O left out",
        "That leaves out the output projection W_O (d_model x d_model) that mixes the "
        "concatenated heads.",
    ),
    (
        "forgot_bias",
        "Bias terms left out",
        "That leaves out the bias vectors: each projection with a bias adds one parameter per "
        "output unit.",
    ),
    (
        "counted_bias",
        "Bias counted when there is none",
        "That counts bias terms, but these projections have none (bias=False).",
    ),
    (
        "kv_only_one",
        "Only K or only V cached",
        "That counts only one of K and V: the cache stores both, hence the factor 2.",
    ),
    (
        "kv_ignores_gqa",
        "Query heads used for the KV cache",
        "That uses the number of query heads; with grouped-query attention only the key/value "
        "heads are cached.",
    ),
    (
        "flops_as_macs",
        "Multiply-adds counted once",
        "That counts multiply-adds; each multiply-add is 2 FLOPs (one multiply, one add).",
    ),
    (
        "std_for_variance",
        "Standard deviation and variance swapped",
        "That is the standard deviation where the variance was asked (or the reverse): "
        "Var(q.k) = d_k, its standard deviation is sqrt(d_k).",
    ),
    (
        "forgot_batch",
        "Batch left out",
        "That leaves out the batch: every sequence in the batch needs its own copy.",
    ),
    (
        "forgot_layers",
        "One layer counted",
        "That counts a single layer; every layer has its own attention and its own cache.",
    ),
]

MISCONCEPTIONS: dict[str, Misconception] = {row[0]: Misconception(*row) for row in _TABLE}

ENGINE_MISCONCEPTIONS: frozenset[str] = frozenset(
    {
        "no_scaling",
        "scale_by_dk",
        "scale_by_dmodel",
        "softmax_wrong_axis",
        "no_causal_mask",
        "inverted_causal_mask",
        "no_transpose",
        "raw_scores_weighting",
    }
)
"""Names `attention_with_misconception` computes."""

MULTI_HEAD_MISCONCEPTIONS: frozenset[str] = ENGINE_MISCONCEPTIONS | {"heads_merged_wrong_order"}
"""Names `multi_head_with_misconception` computes (the engine ones are applied in every head)."""


def _wrong_scores(name, q, k, mask, causal, d_model):
    """The pre-softmax scores as the mistaken candidate computes them."""
    dk = q.shape[-1]
    scale = 1.0 / math.sqrt(dk)
    if name == "no_scaling":
        scale = 1.0
    elif name == "scale_by_dk":
        scale = 1.0 / dk
    elif name == "scale_by_dmodel":
        if d_model is None:
            raise ValueError("scale_by_dmodel needs d_model=")
        scale = 1.0 / math.sqrt(d_model)
    elif name == "no_causal_mask":
        causal = False
    elif name == "inverted_causal_mask" and causal:
        causal = False
        hide_past = np.triu(np.ones((q.shape[-2], k.shape[-2]), dtype=bool))  # (Tq, Tk) j >= i
        mask = hide_past if mask is None else _and_masks(mask, hide_past)
    if name == "no_transpose":
        if k.shape[-2] != dk:
            raise ValueError(
                f"Q K without the transpose needs K square-compatible: K is {k.shape[-2:]}, "
                f"d_k = {dk}"
            )
        k = np.swapaxes(k, -1, -2)  # masked_scores transposes again: Q K, (..., Tq, Tk)
    return masked_scores(q, k, mask=mask, causal=causal, scale=scale)  # (..., Tq, Tk)


def _and_masks(mask, allowed: np.ndarray) -> np.ndarray:
    """Combine a user mask (bool or additive float) with a boolean 'may attend' mask."""
    mask = np.asarray(mask)
    if mask.dtype == bool:
        return mask & allowed
    return np.where(allowed, mask, -np.inf)


def attention_with_misconception(
    name: str,
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    causal: bool = False,
    *,
    d_model: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`reference.attention` with the named mistake made; returns the wrong (output, weights).

    `raw_scores_weighting` weights V by the scaled scores, masked positions set to 0;
    `no_transpose` raises ValueError unless Q K is defined (d_k == Tk); `scale_by_dmodel` needs
    the `d_model` keyword.
    """
    if name not in ENGINE_MISCONCEPTIONS:
        raise KeyError(f"no engine variant for misconception {name!r}")
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    att = _wrong_scores(name, q, k, mask, causal, d_model)  # (..., Tq, Tk)
    if name == "raw_scores_weighting":
        att[np.isneginf(att)] = 0.0  # blocked positions contribute nothing
    else:
        axis = -2 if name == "softmax_wrong_axis" else -1  # -2: over the queries (columns)
        att = _softmax_inplace(att, axis=axis)  # (..., Tq, Tk)
    y = att @ v  # (..., Tq, dv)
    return y, att


def multi_head_with_misconception(
    name: str,
    x_q,
    x_kv,
    w_q,
    w_k,
    w_v,
    w_o,
    n_heads: int,
    n_kv_heads: int | None = None,
    mask=None,
    causal: bool = False,
    b_q=None,
    b_k=None,
    b_v=None,
    b_o=None,
) -> tuple[np.ndarray, np.ndarray]:
    """`multi_head_attention` with the named mistake; engine mistakes are made in every head.

    `heads_merged_wrong_order` is the classic reshape bug: (..., H, T, hs) reshaped straight to
    (..., T, H*hs) without first swapping H and T back, which scrambles positions and heads.
    """
    if name not in MULTI_HEAD_MISCONCEPTIONS:
        raise KeyError(f"no multi-head variant for misconception {name!r}")
    qh, kh, vh = project_heads(x_q, x_kv, w_q, w_k, w_v, n_heads, n_kv_heads, b_q, b_k, b_v)
    if name == "heads_merged_wrong_order":
        yh, att = attention(qh, kh, vh, mask=mask, causal=causal)  # (..., H, Tq, hv)
        *lead, h, t, hv = yh.shape
        merged = yh.reshape(*lead, t, h * hv)  # the bug: no swap of H and T first
    else:
        d_model = np.shape(x_q)[-1]
        yh, att = attention_with_misconception(name, qh, kh, vh, mask, causal, d_model=d_model)
        merged = merge_heads(yh)  # (..., Tq, H*hv)
    y = merged @ np.asarray(w_o)  # (..., Tq, C)
    if b_o is not None:
        y = y + b_o
    return y, att
