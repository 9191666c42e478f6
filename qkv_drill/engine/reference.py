"""The numpy ground truth: Q/K/V projections, a stable softmax and scaled dot-product attention.

Every numeric answer in the app is checked against these few functions, so they are plain,
readable numpy, written for exact answers at interview sizes rather than speed; the torch backend
must agree with them.

Shape legend:
    ...  any leading batch/head dims
    T    sequence length (Tq queries, Tk keys/values; they differ in cross-attention)
    C    d_model, the width of the input rows
    dk   query/key width, dv value width
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, FloatArray
from qkv_drill.engine.masks import causal_mask


class AttentionOptions(TypedDict, total=False):
    """`attention`'s optional arguments, for the functions that pass them on unchanged."""

    mask: ArrayLike | None
    causal: bool
    scale: float | None


def project_qkv(
    x: ArrayLike, w_q: ArrayLike, w_k: ArrayLike, w_v: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Q = X W_Q, K = X W_K, V = X W_V, with weights laid out (d_model, d_k) as in the article.

    `torch.nn.Linear(d_model, d_k).weight` is stored the other way round, (out, in) =
    (d_k, d_model), and computes x @ weight.T; so `W_Q = linear.weight.T` gives the same Q.
    """
    x = np.asarray(x)
    q: FloatArray = x @ np.asarray(w_q)  # (..., T, C) @ (C, dk) -> (..., T, dk)
    k: FloatArray = x @ np.asarray(w_k)  # (..., T, dk)
    v: FloatArray = x @ np.asarray(w_v)  # (..., T, dv)
    return q, k, v


def softmax(z: ArrayLike, axis: int = -1) -> FloatArray:
    """Numerically stable softmax along `axis` (the max is subtracted first, so 1e4 is fine).

    A slice where every entry is -inf gives all zeros (the fully-masked convention).
    """
    z = np.asarray(z)
    z = z.astype(np.result_type(z.dtype, np.float32))  # ints -> float64, float32 stays float32
    m = z.max(axis=axis, keepdims=True)  # (..., 1) largest entry of each slice
    m = np.where(np.isneginf(m), 0.0, m)  # a dead slice: exp(-inf - 0) = 0 everywhere
    e = np.exp(z - m)  # largest entry is exp(0) = 1: no overflow
    s = e.sum(axis=axis, keepdims=True)
    s = np.where(s == 0, 1.0, s)  # a dead slice: 0 / 1 = 0 instead of 0 / 0 = nan
    out: FloatArray = e / s  # (..., T) each slice sums to 1
    return out


def masked_scores(
    q: ArrayLike,
    k: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> FloatArray:
    """Scaled scores Q K^T * scale with masks applied: the input to the softmax.

    Boolean mask: True = may attend (torch's convention); False positions become -inf.
    Float mask: added to the scores (use -inf or a large negative number to block).
    """
    q = np.asarray(q)
    k = np.asarray(k)
    dk = q.shape[-1]
    if k.shape[-1] != dk:
        raise ValueError(f"q and k must share their last dim (d_k): {q.shape} vs {k.shape}")
    if scale is None:
        scale = 1.0 / math.sqrt(dk)
    kt = np.swapaxes(k, -1, -2)  # (..., dk, Tk)
    att: FloatArray = (q @ kt) * scale  # (..., Tq, dk) @ (..., dk, Tk) -> (..., Tq, Tk)
    att = att.astype(np.result_type(att.dtype, np.float32))  # integer inputs -> float
    if mask is not None:
        mask = np.asarray(mask)
        # boolean: blocked -> -inf; float: added (-inf blocks, other values bias)
        att = np.where(mask, att, -np.inf) if mask.dtype == bool else att + mask  # (..., Tq, Tk)
    if causal:
        att = np.where(causal_mask(att.shape[-2], att.shape[-1]), att, -np.inf)  # hide j > i
    return att


def attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Scaled dot-product attention: softmax(Q K^T / sqrt(d_k) + mask) V.

    Returns (output (..., Tq, dv), weights (..., Tq, Tk)). Leading dims broadcast; Tq may differ
    from Tk (cross-attention). `scale` defaults to 1/sqrt(d_k). `mask` follows torch's
    `scaled_dot_product_attention`: boolean True = may attend, a float mask is added to the
    scores; `causal=True` is the top-left aligned `tril(ones(Tq, Tk))` of `is_causal`, and is
    combined with `mask` when both are given. A query row that may attend to nothing (fully
    masked) gets weights 0 and output 0, as torch's SDPA does.
    """
    att = masked_scores(q, k, mask=mask, causal=causal, scale=scale)  # (..., Tq, Tk)
    att = softmax(att, axis=-1)  # (..., Tq, Tk) each row sums to 1 (or is 0: fully masked)
    y: FloatArray = att @ np.asarray(v)  # (..., Tq, Tk) @ (..., Tk, dv) -> (..., Tq, dv)
    return y, att
