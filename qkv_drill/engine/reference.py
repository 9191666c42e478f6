"""The numpy ground truth: Q/K/V projections, a stable softmax and scaled dot-product attention.

Every numeric answer in the app is checked against these few functions, so they favour plain,
readable numpy; the torch backend must agree with them.

Shape legend:
    ...  any leading batch/head dims
    T    sequence length (Tq queries, Tk keys/values; they differ in cross-attention)
    C    d_model, the width of the input rows
    dk   query/key width, dv value width
"""

from __future__ import annotations

import functools
import math

import numpy as np

BLOCK_ELEMENTS = 1 << 18
"""Scores per block of query rows in causal `attention` on large inputs (~1 MB of float32)."""


def project_qkv(
    x: np.ndarray, w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q = X W_Q, K = X W_K, V = X W_V, with weights laid out (d_model, d_k) as in the article.

    `torch.nn.Linear(d_model, d_k).weight` is stored the other way round, (out, in) =
    (d_k, d_model), and computes x @ weight.T; so `W_Q = linear.weight.T` gives the same Q.
    """
    x = np.asarray(x)
    q = x @ np.asarray(w_q)  # (..., T, C) @ (C, dk) -> (..., T, dk)
    k = x @ np.asarray(w_k)  # (..., T, dk)
    v = x @ np.asarray(w_v)  # (..., T, dv)
    return q, k, v


def _softmax_inplace(z: np.ndarray, axis: int = -1, dead_rows: bool = True) -> np.ndarray:
    """Softmax of a float array we own, overwriting it (saves one score-sized copy per call).

    A slice that is -inf everywhere (nothing may be attended) becomes all zeros rather than nan;
    `dead_rows=False` skips that check when the caller knows every slice has a finite entry.
    """
    m = z.max(axis=axis, keepdims=True)  # (..., 1) largest entry of each slice
    dead = np.isneginf(m) if dead_rows else None  # slices with no finite entry
    if dead is not None and dead.any():
        m[dead] = 0.0  # exp(-inf - 0) = 0, so the dead slice sums to 0 below
    else:
        dead = None
    z -= m  # largest entry is now 0: exp cannot overflow
    np.exp(z, out=z)
    s = z.sum(axis=axis, keepdims=True)
    if dead is not None:
        s[dead] = 1.0  # 0 / 1 = 0 instead of 0 / 0 = nan
    z /= s
    return z


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along `axis` (the max is subtracted first, so 1e4 is fine).

    A slice where every entry is -inf gives all zeros (the fully-masked convention).
    """
    z = np.asarray(z)
    dtype = np.result_type(z.dtype, np.float32)  # ints -> float64, float32 stays float32
    return _softmax_inplace(np.array(z, dtype=dtype, copy=True), axis=axis)


def causal_mask(tq: int, tk: int) -> np.ndarray:
    """True where query i may see key j: j <= i, top-left aligned like torch's `is_causal`."""
    return np.tril(np.ones((tq, tk), dtype=bool))  # (Tq, Tk)


@functools.lru_cache(maxsize=32)
def _future(tq: int, tk: int) -> np.ndarray:
    """The positions the causal mask hides (j > i), cached read-only: it is rebuilt often."""
    hidden = ~causal_mask(tq, tk)  # (Tq, Tk)
    hidden.flags.writeable = False
    return hidden


def _ensure_shape(scores: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Broadcast `scores` up when a mask carries extra leading dims, so in-place updates work."""
    shape = np.broadcast_shapes(scores.shape, other.shape)
    if shape != scores.shape:
        scores = np.broadcast_to(scores, shape).copy()
    return scores


def masked_scores(
    q: np.ndarray,
    k: np.ndarray,
    mask: np.ndarray | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> np.ndarray:
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
    # Scaling Q (Tq x dk) costs less than scaling the scores (Tq x Tk); the product is the same.
    # A contiguous K^T lets matmul hand whole stacks of heads to BLAS.
    k_t = np.ascontiguousarray(np.swapaxes(k, -1, -2))  # (..., dk, Tk)
    att = (q * scale) @ k_t  # (..., Tq, dk) @ (..., dk, Tk) -> (..., Tq, Tk)
    if not np.issubdtype(att.dtype, np.floating):
        att = att.astype(np.float64)
    tq, tk = att.shape[-2], att.shape[-1]
    if mask is not None:
        mask = np.asarray(mask)
        att = _ensure_shape(att, mask)
        if mask.dtype == bool:
            np.copyto(att, -np.inf, where=~mask)  # blocked -> -inf, (..., Tq, Tk)
        else:
            att += mask
    if causal:
        np.copyto(att, -np.inf, where=_future(tq, tk))  # hide the future, (..., Tq, Tk)
    return att


def attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scaled dot-product attention: softmax(Q K^T / sqrt(d_k) + mask) V.

    Returns (output (..., Tq, dv), weights (..., Tq, Tk)). Leading dims broadcast; Tq may differ
    from Tk (cross-attention). `scale` defaults to 1/sqrt(d_k). `mask` follows torch's
    `scaled_dot_product_attention`: boolean True = may attend, a float mask is added to the
    scores; `causal=True` is the top-left aligned `tril(ones(Tq, Tk))` of `is_causal`, and is
    combined with `mask` when both are given. A query row that may attend to nothing (fully
    masked) gets weights 0 and output 0, as torch's SDPA does.
    """
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    lead = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    if causal and mask is None and math.prod(lead) * q.shape[-2] * k.shape[-2] > BLOCK_ELEMENTS:
        return _causal_attention_in_blocks(q, k, v, lead, scale)
    att = masked_scores(q, k, mask=mask, causal=causal, scale=scale)  # (..., Tq, Tk)
    # Without a mask no row can be empty (causal rows always keep key 0), so skip that check.
    att = _softmax_inplace(att, dead_rows=mask is not None)  # (..., Tq, Tk) rows sum to 1 (or 0)
    y = att @ v  # (..., Tq, Tk) @ (..., Tk, dv) -> (..., Tq, dv)
    return y, att


def _causal_attention_in_blocks(q, k, v, lead, scale: float | None):
    """Causal `attention` without a mask, a block of query rows at a time: same numbers, faster.

    Rows of attention are independent, and a block ending at query row i1 can only see keys
    j < i1: the hidden half of the scores is never computed (it stays 0 in the weights), and each
    block's scores go through the softmax while they are still in cache.
    """
    tq, dk = q.shape[-2:]
    tk, dv = v.shape[-2:]
    if k.shape[-1] != dk:
        raise ValueError(f"q and k must share their last dim (d_k): {q.shape} vs {k.shape}")
    scale = 1.0 / math.sqrt(dk) if scale is None else scale
    q = q * scale  # (..., Tq, dk) scaled once, as in masked_scores
    if not np.issubdtype(q.dtype, np.floating):
        q = q.astype(np.float64)
    k_t = np.ascontiguousarray(np.swapaxes(k, -1, -2))  # (..., dk, Tk)
    dtype = np.result_type(q, k, v)
    att = np.zeros((*lead, tq, tk), dtype=dtype)  # (..., Tq, Tk)
    y = np.empty((*lead, tq, dv), dtype=dtype)  # (..., Tq, dv)
    rows = max(1, BLOCK_ELEMENTS // (math.prod(lead) * tk))
    for i0 in range(0, tq, rows):
        i1 = min(i0 + rows, tq)
        n = min(i1, tk)  # keys this block may see
        a = q[..., i0:i1, :] @ k_t[..., :n]  # (..., r, dk) @ (..., dk, n) -> (..., r, n)
        future = np.arange(n) > np.arange(i0, i1)[:, None]  # (r, n) key j after query i
        np.copyto(a, -np.inf, where=future)
        _softmax_inplace(a, dead_rows=False)  # every row keeps key 0
        att[..., i0:i1, :n] = a
        y[..., i0:i1, :] = a @ v[..., :n, :]  # (..., r, n) @ (..., n, dv) -> (..., r, dv)
    return y, att
