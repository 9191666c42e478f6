"""Reference masks, RoPE and a decode step for the exercises that the engine does not have yet.

Readable numpy, boolean masks with True = may attend (as torch's SDPA). When the engine gains its
own versions (causal_mask(align=...), sliding_window_mask, padding_mask, rope, decode_step) these
become thin wrappers over them.

Shape legend: B batch;  Tq queries, Tk keys;  T positions;  d width (even for RoPE)
"""

from __future__ import annotations

import numpy as np

from qkv_drill.engine.reference import attention


def causal_mask_bottom_right(tq: int, tk: int) -> np.ndarray:
    """Query i sees keys j <= i + (Tk - Tq): the last query is the newest token and sees all."""
    return np.tril(np.ones((tq, tk), dtype=bool), k=tk - tq)  # (Tq, Tk)


def sliding_window_mask(tq: int, tk: int, window: int, off_by_one: bool = False) -> np.ndarray:
    """Bottom-right aligned causal window: query i (position p = i + Tk - Tq) sees keys j with
    p - window < j <= p, i.e. itself and the window - 1 keys before it.

    This counts the query itself in the window (Mistral's `sliding_window` also bounds how many
    positions back a token may look); `off_by_one=True` is the window + 1 mistake.
    """
    p = np.arange(tq)[:, None] + (tk - tq)  # (Tq, 1) absolute position of each query
    j = np.arange(tk)[None, :]  # (1, Tk)
    reach = window + 1 if off_by_one else window
    return (j <= p) & (j > p - reach)  # (Tq, Tk)


def padding_mask(lengths: np.ndarray, tk: int) -> np.ndarray:
    """(B, 1, 1, Tk): True for the first lengths[b] keys of sequence b (real tokens)."""
    real = np.arange(tk)[None, :] < np.asarray(lengths)[:, None]  # (B, Tk)
    return real[:, None, None, :]  # (B, 1, 1, Tk) broadcasts over heads and queries


def rope(
    x: np.ndarray, positions: np.ndarray, base: float = 10000.0, style: str = "half"
) -> np.ndarray:
    """Rotary embedding over the last dim of x (..., T, d) at integer `positions` (T,).

    Pair i (i < d/2) rotates by angle positions * base^(-2i/d). "half" pairs dim i with i + d/2
    (GPT-NeoX, Llama); "interleaved" pairs 2i with 2i + 1 (RoFormer, GPT-J).
    """
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    inv_freq = base ** (-np.arange(0, d, 2) / d)  # (d/2,)
    angles = np.asarray(positions, dtype=float)[:, None] * inv_freq[None, :]  # (T, d/2)
    cos, sin = np.cos(angles), np.sin(angles)  # (T, d/2)
    if style == "half":
        x1, x2 = x[..., : d // 2], x[..., d // 2 :]  # (..., T, d/2) each
        return np.concatenate([x1 * cos - x2 * sin, x1 * sin + x2 * cos], axis=-1)  # (..., T, d)
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (..., T, d/2) each
    out = np.empty_like(x)
    out[..., 0::2] = x1 * cos - x2 * sin
    out[..., 1::2] = x1 * sin + x2 * cos
    return out  # (..., T, d)


def decode_step(q_t, k_cache, v_cache, k_t, v_t):
    """One new token: append k_t, v_t (..., 1, d) to the caches (..., T, d), then attend.

    Returns (output (..., 1, dv), k_cache (..., T+1, dk), v_cache (..., T+1, dv)). The new query
    may see every cached key and itself, so no mask is needed.
    """
    k_cache = np.concatenate([k_cache, k_t], axis=-2)  # (..., T+1, dk)
    v_cache = np.concatenate([v_cache, v_t], axis=-2)  # (..., T+1, dv)
    y, _ = attention(q_t, k_cache, v_cache)  # (..., 1, dv)
    return y, k_cache, v_cache
