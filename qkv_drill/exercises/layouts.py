"""The engine's masks, RoPE and decode step as the exercises use them.

Thin wrappers over `qkv_drill.engine` (masks, rope, decoding), so the exercises check against
exactly the functions the rest of the app teaches with. Boolean masks: True = may attend.

Shape legend: B batch;  Tq queries, Tk keys;  T positions;  d width (even for RoPE)
"""

from __future__ import annotations

import numpy as np

from qkv_drill.engine import causal_mask
from qkv_drill.engine import decode_step as engine_decode_step
from qkv_drill.engine import padding_mask as engine_padding_mask
from qkv_drill.engine import rope as engine_rope
from qkv_drill.engine import sliding_window_mask as engine_sliding_window_mask


def causal_mask_bottom_right(tq: int, tk: int) -> np.ndarray:
    """Query i sees keys j <= i + (Tk - Tq): the last query is the newest token and sees all."""
    return causal_mask(tq, tk, align="bottom_right")  # (Tq, Tk)


def sliding_window_mask(tq: int, tk: int, window: int, off_by_one: bool = False) -> np.ndarray:
    """Bottom-right aligned: each query sees itself and the window - 1 keys before it;
    `off_by_one=True` is the window + 1 mistake."""
    return engine_sliding_window_mask(tq, tk, window + 1 if off_by_one else window)  # (Tq, Tk)


def padding_mask(lengths: np.ndarray, tk: int) -> np.ndarray:
    """(B, 1, 1, Tk): True for the first lengths[b] keys of sequence b (real tokens)."""
    return engine_padding_mask(lengths, tk)


def rope(
    x: np.ndarray, positions: np.ndarray, base: float = 10000.0, style: str = "half"
) -> np.ndarray:
    """Rotary embedding over the last dim of x (..., T, d) at `positions` (T,)."""
    return engine_rope(x, positions, base=base, style=style)  # type: ignore[arg-type]


def decode_step(q_t, k_cache, v_cache, k_t, v_t):
    """(output (..., 1, dv), k_cache (..., T+1, dk), v_cache (..., T+1, dv)): the engine's step
    without its weights."""
    y, _weights, k_cache, v_cache = engine_decode_step(q_t, k_cache, v_cache, k_t, v_t)
    return y, k_cache, v_cache
