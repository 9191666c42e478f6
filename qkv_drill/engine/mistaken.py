"""Attention computed the way someone making a known mistake computes it.

An `AttentionMistake` says what the mistaken candidate does differently (the scale, the mask, the
softmax axis, the transpose, ...); `mistaken_attention` runs `reference.attention`'s pipeline
with that difference. The misconception registry (`engine.misconceptions`) attaches one of these
to each attention mistake; this module knows no names.

Conventions: a mask mistake changes nothing (returns None) when no mask of that kind was asked
for. Fully-masked rows give weights 0 and output 0, as in `reference.attention`.

Shape legend:
    ...  leading batch/head dims;  Tq, Tk query / key lengths;  dk, dv widths;  H heads
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, BoolArray, FloatArray
from qkv_drill.engine.multihead import HeadWeights, merge_heads, project_heads
from qkv_drill.engine.reference import attention, masked_scores, softmax

CausalMistake = Literal["as_asked", "dropped", "inverted"]


@dataclass(frozen=True, kw_only=True)
class AttentionMistake:
    """What differs from correct attention. The defaults change nothing.

    `scale(d_k, d_model)` is the scale the candidate uses (None: the right 1/sqrt(d_k));
    `causal` drops or inverts an asked-for causal mask; `softmax_axis=-2` normalises over the
    queries; `transpose_k=False` computes Q K; `softmax=False` weights V by the raw scores;
    `merge_heads_wrong` reshapes (H, T, hs) straight to (T, H*hs) in multi-head attention.

    The rest change how the inputs are prepared, so only the pack's attention computations,
    which prepare them (RoPE, aligned causal and window masks, padding), make them:
    `rope_on_values` rotates V too, `rope_style_swapped` pairs features the other way,
    `causal_align_swapped` aligns the causal mask at the other corner, `window_off_by_one` lets
    each query see one key more, `padding_on_queries` masks padded query rows, not key columns.
    """

    scale: Callable[[int, int | None], float] | None = None
    causal: CausalMistake = "as_asked"
    softmax_axis: int = -1
    transpose_k: bool = True
    softmax: bool = True
    merge_heads_wrong: bool = False
    needs_d_model: bool = False
    rope_on_values: bool = False
    rope_style_swapped: bool = False
    causal_align_swapped: bool = False
    window_off_by_one: bool = False
    padding_on_queries: bool = False

    @property
    def changes_weights(self) -> bool:
        """Whether the attention weights can differ (rotating V changes only the output)."""
        return not self.rope_on_values

    @property
    def in_inputs(self) -> bool:
        """The mistake is in preparing the inputs (see the class docstring)."""
        return (
            self.rope_on_values
            or self.rope_style_swapped
            or self.causal_align_swapped
            or self.window_off_by_one
            or self.padding_on_queries
        )


def _and_masks(mask: ArrayLike | None, allowed: BoolArray) -> BoolArray | FloatArray:
    """Combine a user mask (bool or additive float) with a boolean 'may attend' mask."""
    if mask is None:
        return allowed
    mask = np.asarray(mask)
    if mask.dtype == bool:
        return mask & allowed
    return np.where(allowed, mask, -np.inf)


def changes_anything(mistake: AttentionMistake, q_width: int, k_len: int, causal: bool) -> bool:
    """False when the mistake cannot change the answer: nothing to drop, or Q K undefined."""
    if mistake.causal != "as_asked" and not causal:
        return False
    if not mistake.transpose_k and q_width != k_len:
        return False
    return not mistake.merge_heads_wrong  # only a multi-head computation merges heads


def mistaken_attention(
    mistake: AttentionMistake,
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
    *,
    d_model: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """`reference.attention` with `mistake` made; returns the wrong (output, weights).

    Raises ValueError when the mistake needs what was not given (`d_model` for a d_model scale,
    Q K defined for a missing transpose).
    """
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    dk = q.shape[-1]
    scale = 1.0 / math.sqrt(dk)
    if mistake.scale is not None:
        if mistake.needs_d_model and d_model is None:
            raise ValueError("this mistake needs d_model=")
        scale = mistake.scale(dk, d_model)
    if mistake.causal == "dropped":
        causal = False
    elif mistake.causal == "inverted" and causal:
        causal = False
        hide_past = np.triu(np.ones((q.shape[-2], k.shape[-2]), dtype=bool))  # (Tq, Tk) j >= i
        mask = _and_masks(mask, hide_past)
    if not mistake.transpose_k:
        if k.shape[-2] != dk:
            raise ValueError(
                f"Q K without the transpose needs K square-compatible: K is {k.shape[-2:]}, "
                f"d_k = {dk}"
            )
        k = np.swapaxes(k, -1, -2)  # masked_scores transposes again: Q K, (..., Tq, Tk)
    att = masked_scores(q, k, mask=mask, causal=causal, scale=scale)  # (..., Tq, Tk)
    if not mistake.softmax:
        att = np.where(np.isneginf(att), 0.0, att)  # blocked positions contribute nothing
    else:
        att = softmax(att, axis=mistake.softmax_axis)  # (..., Tq, Tk)
    y = att @ v  # (..., Tq, dv)
    return y, att


def mistaken_multi_head(
    mistake: AttentionMistake,
    x_q: ArrayLike,
    x_kv: ArrayLike | None,
    layer: HeadWeights,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """`multi_head_attention` with `mistake` made in every head (or in the merge of the heads).

    The wrong merge is the classic reshape bug: (..., H, T, hs) reshaped straight to
    (..., T, H*hs) without first swapping H and T back, which scrambles positions and heads.
    """
    qh, kh, vh = project_heads(x_q, x_kv, layer)
    if mistake.merge_heads_wrong:
        yh, att = attention(qh, kh, vh, mask=mask, causal=causal)  # (..., H, Tq, hv)
        *lead, h, t, hv = yh.shape
        merged = yh.reshape(*lead, t, h * hv)  # the bug: no swap of H and T first
    else:
        d_model = np.shape(x_q)[-1]
        yh, att = mistaken_attention(mistake, qh, kh, vh, mask, causal, d_model=d_model)
        merged = merge_heads(yh)  # (..., Tq, H*hv)
    y = merged @ np.asarray(layer.w_o)  # (..., Tq, C)
    if layer.b_o is not None:
        y = y + layer.b_o
    return y, att
