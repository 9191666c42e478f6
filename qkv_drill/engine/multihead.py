"""Multi-head attention on top of the reference: split/merge heads, grouped-query attention.

Weights use the article's (in, out) layout: `w_q` is (d_model, H*hs), so Q = X W_Q; for a torch
`nn.Linear` that is `linear.weight.T`.

Shape legend:
    ...  any leading batch dims (B)
    Tq   query length, Tk key/value length (equal in self-attention)
    C    d_model
    H    query heads, Hkv key/value heads (Hkv < H: grouped-query; Hkv = 1: multi-query)
    hs   head size (d_k per head), hv value head size
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, FloatArray
from qkv_drill.engine.reference import attention


@dataclass(frozen=True, kw_only=True, eq=False)  # arrays: compare by identity
class HeadWeights:
    """One multi-head attention layer: its four projections, biases and head layout.

    `w_q` (C, H*hs), `w_k` (C, Hkv*hs), `w_v` (C, Hkv*hv), `w_o` (H*hv, C); `n_kv_heads` below
    `n_heads` is grouped-query attention (1: multi-query), None means one K/V head per query head.
    Every backend, the mistaken variants and the derivation take the layer as this one value.
    """

    w_q: ArrayLike
    w_k: ArrayLike
    w_v: ArrayLike
    w_o: ArrayLike
    n_heads: int
    n_kv_heads: int | None = None
    b_q: ArrayLike | None = None
    b_k: ArrayLike | None = None
    b_v: ArrayLike | None = None
    b_o: ArrayLike | None = None

    @property
    def kv_heads(self) -> int:
        return self.n_heads if self.n_kv_heads is None else self.n_kv_heads

    @property
    def has_bias(self) -> bool:
        return any(b is not None for b in (self.b_q, self.b_k, self.b_v, self.b_o))


def split_heads(x: ArrayLike, n_heads: int) -> FloatArray:
    """(..., T, H*hs) -> (..., H, T, hs): each head gets its own contiguous slice of columns."""
    x = np.asarray(x)
    *lead, t, c = x.shape
    if n_heads <= 0 or c % n_heads:
        raise ValueError(f"width {c} does not split into {n_heads} heads")
    x = x.reshape(*lead, t, n_heads, c // n_heads)  # (..., T, H, hs)
    return np.swapaxes(x, -2, -3)  # (..., H, T, hs)


def merge_heads(x: ArrayLike) -> FloatArray:
    """(..., H, T, hs) -> (..., T, H*hs): split_heads undone (transpose back, then concat)."""
    x = np.asarray(x)
    *lead, h, t, hs = x.shape
    x = np.swapaxes(x, -2, -3)  # (..., T, H, hs)
    return x.reshape(*lead, t, h * hs)  # (..., T, H*hs)


def repeat_kv(x: FloatArray, n_rep: int) -> FloatArray:
    """(..., Hkv, T, hs) -> (..., Hkv*n_rep, T, hs), each K/V head serving n_rep query heads.

    Same order as torch's `repeat_interleave(n_rep, dim=-3)`: head j serves queries j*n_rep ....
    """
    return x if n_rep == 1 else np.repeat(x, n_rep, axis=-3)  # (..., H, T, hs)


def _check_heads(
    n_heads: int, n_kv_heads: int, w_q: FloatArray, w_k: FloatArray, w_v: FloatArray
) -> None:
    """Fail early, with the numbers, when the weights cannot be cut into the requested heads."""
    if n_heads <= 0 or n_kv_heads <= 0 or n_heads % n_kv_heads:
        raise ValueError(f"n_heads={n_heads} must be a multiple of n_kv_heads={n_kv_heads}")
    if w_q.shape[-1] % n_heads:
        raise ValueError(f"w_q has {w_q.shape[-1]} columns: not divisible by {n_heads} heads")
    hs = w_q.shape[-1] // n_heads
    if w_k.shape[-1] != n_kv_heads * hs:
        raise ValueError(f"w_k must have n_kv_heads*hs = {n_kv_heads * hs} columns")
    if w_v.shape[-1] % n_kv_heads:
        raise ValueError(f"w_v has {w_v.shape[-1]} columns: not divisible by {n_kv_heads}")


def project_heads(
    x_q: ArrayLike, x_kv: ArrayLike | None, layer: HeadWeights
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Project and split into heads; K and V come back already repeated to H heads."""
    x_q = np.asarray(x_q)
    x_kv = x_q if x_kv is None else np.asarray(x_kv)
    w_q, w_k, w_v = np.asarray(layer.w_q), np.asarray(layer.w_k), np.asarray(layer.w_v)
    b_q, b_k, b_v = layer.b_q, layer.b_k, layer.b_v
    n_heads, n_kv_heads = layer.n_heads, layer.kv_heads
    _check_heads(n_heads, n_kv_heads, w_q, w_k, w_v)
    q = x_q @ w_q  # (..., Tq, H*hs)
    k = x_kv @ w_k  # (..., Tk, Hkv*hs)
    v = x_kv @ w_v  # (..., Tk, Hkv*hv)
    if b_q is not None:
        q = q + b_q
    if b_k is not None:
        k = k + b_k
    if b_v is not None:
        v = v + b_v
    n_rep = n_heads // n_kv_heads
    qh = split_heads(q, n_heads)  # (..., H, Tq, hs)
    kh = repeat_kv(split_heads(k, n_kv_heads), n_rep)  # (..., H, Tk, hs)
    vh = repeat_kv(split_heads(v, n_kv_heads), n_rep)  # (..., H, Tk, hv)
    return qh, kh, vh


def multi_head_attention(
    x_q: ArrayLike,
    x_kv: ArrayLike | None,
    layer: HeadWeights,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Multi-head attention: project, split into heads, attend per head, merge, project with W_O.

    Self-attention when `x_kv` is `x_q` (or None); cross-attention otherwise. With
    `layer.n_kv_heads < layer.n_heads` (grouped-query; 1 = multi-query) `w_k`, `w_v` are
    (d_model, n_kv_heads*hs) and each K/V head is shared by n_heads/n_kv_heads query heads.
    `mask` broadcasts against (..., H, Tq, Tk): a per-batch mask needs a head axis, (B, 1, Tq, Tk).
    Returns (out (..., Tq, C), weights (..., H, Tq, Tk)).
    """
    qh, kh, vh = project_heads(x_q, x_kv, layer)
    yh, att = attention(qh, kh, vh, mask=mask, causal=causal)  # (..., H, Tq, hv), (..., H, Tq, Tk)
    y = merge_heads(yh) @ np.asarray(layer.w_o)  # (..., Tq, H*hv) @ (H*hv, C) -> (..., Tq, C)
    if layer.b_o is not None:
        y = y + layer.b_o
    return y, att
