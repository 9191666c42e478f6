"""Rotary position embedding (RoPE, Su et al. 2021, "RoFormer"): rotate pairs of features by an
angle proportional to the position, so that q_m . k_n depends on m - n only.

Pair i (of d/2) turns by angle m * theta_i at position m, theta_i = base^(-2i/d). Two layouts
of the pairs exist and they are not interchangeable:
  "half"         pair i is (x_i, x_{i + d/2}): the two halves (GPT-NeoX, Llama, `rotate_half`)
  "interleaved"  pair i is (x_{2i}, x_{2i+1}): adjacent features (RoFormer, GPT-J, Meta's Llama
                 reference code with complex numbers)
A checkpoint trained with one layout gives wrong scores with the other.

Shape legend: ... leading dims, T positions, d features (even), d/2 pairs.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, FloatArray, IntArray

RopeStyle = Literal["half", "interleaved"]
ROPE_STYLES: tuple[RopeStyle, ...] = ("half", "interleaved")


def rope_angles(
    seq: int, d: int, positions: ArrayLike | None = None, base: float = 10000.0
) -> FloatArray:
    """(T, d/2): angle m * theta_i of pair i at position m, theta_i = base^(-2i/d)."""
    if d % 2:
        raise ValueError(f"RoPE needs an even feature count, not d={d}")
    pos = np.arange(seq) if positions is None else np.asarray(positions, dtype=float)
    if pos.shape != (seq,):
        raise ValueError(f"positions must be {seq} long, not {pos.shape}")
    theta = base ** (-np.arange(0, d, 2, dtype=float) / d)  # (d/2,) theta_i
    return pos[:, None] * theta[None, :]  # (T, d/2)


def pair_indices(d: int, style: RopeStyle = "half") -> tuple[IntArray, IntArray]:
    """(first, second) feature index of each of the d/2 rotated pairs in `style`."""
    if style == "half":
        return np.arange(d // 2), np.arange(d // 2, d)
    if style == "interleaved":
        return np.arange(0, d, 2), np.arange(1, d, 2)
    raise ValueError(f"style must be one of {', '.join(ROPE_STYLES)}, not {style!r}")


def rope(
    x: ArrayLike,
    positions: ArrayLike | None = None,
    base: float = 10000.0,
    style: RopeStyle = "half",
) -> FloatArray:
    """x (..., T, d) with pair i at position m rotated by m * theta_i; `positions` default
    arange(T). Each pair (a, b) becomes (a cos - b sin, a sin + b cos)."""
    x = np.asarray(x, dtype=float)
    *_, t, d = x.shape
    ang = rope_angles(t, d, positions, base)  # (T, d/2)
    cos, sin = np.cos(ang), np.sin(ang)  # (T, d/2)
    i, j = pair_indices(d, style)
    a, b = x[..., i], x[..., j]  # (..., T, d/2) each pair's two features
    out = np.empty_like(x)  # (..., T, d)
    out[..., i] = a * cos - b * sin
    out[..., j] = a * sin + b * cos
    return out
