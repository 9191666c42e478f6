"""Decoding with a KV cache, and the head mapping of grouped-query attention.

decode_step: the new token's query attends over every cached key plus its own; no mask is
needed, since the cache holds only the past (bottom-right causal with Tq = 1 allows all keys).

Grouped-query attention (Ainslie et al. 2023): H query heads share Hkv key/value heads in
groups of H / Hkv consecutive query heads, so query head j uses key/value head
j // (H / Hkv). That is `repeat_interleave` on the head axis (what torch's SDPA does with
`enable_gqa=True`), not `repeat`/tile, which would give head j the key/value head j % Hkv.

Shape legend: ... leading dims (B), H query heads, Hkv key/value heads, T cached tokens,
dk, dv widths.
"""

from __future__ import annotations

from typing import Unpack

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, FloatArray, IntArray
from qkv_drill.engine.reference import AttentionOptions, attention


def kv_head_of(query_head: int, n_heads: int, n_kv_heads: int) -> int:
    """The key/value head query head `query_head` reads: j // (n_heads // n_kv_heads)."""
    if n_kv_heads <= 0 or n_heads % n_kv_heads:
        raise ValueError(f"n_heads={n_heads} must be a multiple of n_kv_heads={n_kv_heads}")
    if not 0 <= query_head < n_heads:
        raise ValueError(f"query head {query_head} is outside 0..{n_heads - 1}")
    return query_head // (n_heads // n_kv_heads)


def kv_head_map(n_heads: int, n_kv_heads: int, tiled: bool = False) -> IntArray:
    """(H,): the key/value head of every query head; `tiled=True` gives the `repeat` mistake."""
    if n_kv_heads <= 0 or n_heads % n_kv_heads:
        raise ValueError(f"n_heads={n_heads} must be a multiple of n_kv_heads={n_kv_heads}")
    j = np.arange(n_heads)
    return j % n_kv_heads if tiled else j // (n_heads // n_kv_heads)


def gqa_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    tiled: bool = False,
    **options: Unpack[AttentionOptions],
) -> tuple[FloatArray, FloatArray]:
    """Attention with q (..., H, Tq, dk) and k, v (..., Hkv, Tk, d): each query head uses its
    group's key/value head (`kv_head_map`). `mask`, `causal` and `scale` as for `attention`.
    Returns (output (..., H, Tq, dv), weights)."""
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    heads = kv_head_map(q.shape[-3], k.shape[-3], tiled)  # (H,)
    k_full = np.take(k, heads, axis=-3)  # (..., H, Tk, dk)
    v_full = np.take(v, heads, axis=-3)  # (..., H, Tk, dv)
    return attention(q, k_full, v_full, **options)


def decode_step(
    q_t: ArrayLike,
    k_cache: ArrayLike,
    v_cache: ArrayLike,
    k_t: ArrayLike,
    v_t: ArrayLike,
    scale: float | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """One generated token: append its key and value to the cache, then attend over all of it.

    q_t, k_t (..., 1, dk), v_t (..., 1, dv); caches (..., T, d) (T may be 0). Returns
    (output (..., 1, dv), weights (..., 1, T+1), k_cache (..., T+1, dk), v_cache (..., T+1, dv)).
    """
    k_cache = np.concatenate([np.asarray(k_cache), np.asarray(k_t)], axis=-2)  # (..., T+1, dk)
    v_cache = np.concatenate([np.asarray(v_cache), np.asarray(v_t)], axis=-2)  # (..., T+1, dv)
    out, weights = attention(q_t, k_cache, v_cache, scale=scale)  # (..., 1, dv), (..., 1, T+1)
    return out, weights, k_cache, v_cache
