"""The engine's API on torch, using the fused `scaled_dot_product_attention` for the output.

Imported only on demand (`backends.get_backend("torch")`): it imports torch at the top. Inputs are
numpy arrays or anything `np.asarray` takes; results are float64 numpy arrays, computed in float64,
so they compare with the numpy reference to ~1e-12. The attention weights (which SDPA does not
return) are computed separately with the same masking; `attention_output` skips them.

Shape legend:
    ...  leading batch dims (B);  H heads, Hkv key/value heads;  Tq, Tk lengths;  hs head size
"""

from __future__ import annotations

import math
from typing import Unpack

import numpy as np
import torch
import torch.nn.functional as F

from qkv_drill.engine.arrays import ArrayLike, FloatArray
from qkv_drill.engine.multihead import HeadWeights
from qkv_drill.engine.reference import AttentionOptions

name = "torch"


def _t(x: ArrayLike) -> torch.Tensor:
    """numpy (or nested lists) -> float64 tensor; boolean masks stay boolean."""
    a = np.asarray(x)
    if a.dtype == bool:
        return torch.from_numpy(a.copy())
    return torch.from_numpy(np.array(a, dtype=np.float64))


def _np(t: torch.Tensor) -> FloatArray:
    out: FloatArray = t.detach().to(torch.float64).numpy()
    return out


def project_qkv(
    x: ArrayLike, w_q: ArrayLike, w_k: ArrayLike, w_v: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Q = X W_Q etc. as `F.linear` does it, with weight = W.T ((out, in), nn.Linear's layout)."""
    xt = _t(x)
    q = F.linear(xt, _t(w_q).T)  # (..., T, dk)
    k = F.linear(xt, _t(w_k).T)  # (..., T, dk)
    v = F.linear(xt, _t(w_v).T)  # (..., T, dv)
    return _np(q), _np(k), _np(v)


def softmax(z: ArrayLike, axis: int = -1) -> FloatArray:
    """torch.softmax, with all -inf slices giving zeros like the numpy reference."""
    zt = _t(z)
    out = torch.softmax(zt, dim=axis)
    dead = torch.isneginf(zt).all(dim=axis, keepdim=True)
    return _np(torch.where(dead, 0.0, out))


def _allowed_and_bias(
    mask: ArrayLike | None, causal: bool, tq: int, tk: int
) -> tuple[torch.Tensor | None, bool]:
    """One SDPA-ready mask from `mask` and `causal` (SDPA refuses both at once).

    Returns (attn_mask or None, is_causal flag for SDPA).
    """
    if mask is None:
        return None, causal
    m = _t(mask)
    if not causal:
        return m, False
    tril = torch.ones(tq, tk, dtype=torch.bool).tril()  # (Tq, Tk) j <= i
    if m.dtype == torch.bool:
        return m & tril, False
    return m.masked_fill(~tril, float("-inf")), False


def _weights(
    q: torch.Tensor,
    k: torch.Tensor,
    attn_mask: torch.Tensor | None,
    is_causal: bool,
    scale: float,
) -> torch.Tensor:
    """softmax(Q K^T * scale + mask), fully-masked rows set to 0: what SDPA uses internally."""
    att = (q @ k.transpose(-2, -1)) * scale  # (..., Tq, Tk)
    if is_causal:
        tril = torch.ones(att.shape[-2:], dtype=torch.bool).tril()
        att = att.masked_fill(~tril, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            att = att.masked_fill(~attn_mask, float("-inf"))
        else:
            att = att + attn_mask
    dead = torch.isneginf(att).all(dim=-1, keepdim=True)  # (..., Tq, 1)
    return torch.where(dead, 0.0, torch.softmax(att, dim=-1))  # (..., Tq, Tk)


def _output_t(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    attn_mask: torch.Tensor | None,
    is_causal: bool,
    scale: float,
    enable_gqa: bool = False,
) -> torch.Tensor:
    """The output by SDPA, with fully blocked rows set to 0 as the numpy reference does."""
    y = F.scaled_dot_product_attention(
        q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale, enable_gqa=enable_gqa
    )  # (..., Tq, dv)
    if attn_mask is not None:
        # A row where every key is blocked: 0, whatever the SDPA kernel chose to return.
        blocked = ~attn_mask if attn_mask.dtype == torch.bool else torch.isneginf(attn_mask)
        dead = blocked.all(dim=-1, keepdim=True)  # (..., Tq, 1)
        y = torch.where(dead, 0.0, y)
    return y


def _attention_t(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: ArrayLike | None,
    causal: bool,
    scale: float | None,
    enable_gqa: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Tensor-level attention: SDPA for the output, explicit softmax for the weights."""
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    attn_mask, is_causal = _allowed_and_bias(mask, causal, q.shape[-2], k.shape[-2])
    y = _output_t(q, k, v, attn_mask, is_causal, scale, enable_gqa)  # (..., Tq, dv)
    if enable_gqa:
        rep = q.shape[-3] // k.shape[-3]
        k = k.repeat_interleave(rep, dim=-3)  # (..., H, Tk, hs)
    return y, _weights(q, k, attn_mask, is_causal, scale)


def attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Same contract as `reference.attention`; returns float64 numpy arrays."""
    y, att = _attention_t(_t(q), _t(k), _t(v), mask, causal, scale)
    return _np(y), _np(att)


def attention_output(
    q: ArrayLike, k: ArrayLike, v: ArrayLike, **options: Unpack[AttentionOptions]
) -> FloatArray:
    """The output alone, SDPA without the separate softmax for the weights (what a model runs).
    `mask`, `causal` and `scale` as for `attention`."""
    qt, kt = _t(q), _t(k)
    mask, causal, scale = options.get("mask"), options.get("causal", False), options.get("scale")
    attn_mask, is_causal = _allowed_and_bias(mask, causal, qt.shape[-2], kt.shape[-2])
    scale = 1.0 / math.sqrt(qt.shape[-1]) if scale is None else scale
    return _np(_output_t(qt, kt, _t(v), attn_mask, is_causal, scale))


def multi_head_attention(
    x_q: ArrayLike,
    x_kv: ArrayLike | None,
    layer: HeadWeights,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Same contract as `multihead.multi_head_attention`; GQA through SDPA's `enable_gqa`."""
    xq = _t(x_q)
    xkv = xq if x_kv is None else _t(x_kv)
    n_heads, n_kv = layer.n_heads, layer.kv_heads
    if n_heads % n_kv:
        raise ValueError(f"n_heads={n_heads} must be a multiple of n_kv_heads={n_kv}")

    def lin(x: torch.Tensor, w: ArrayLike, b: ArrayLike | None) -> torch.Tensor:
        return F.linear(x, _t(w).T, None if b is None else _t(b))

    q = lin(xq, layer.w_q, layer.b_q)  # (..., Tq, H*hs)
    k = lin(xkv, layer.w_k, layer.b_k)  # (..., Tk, Hkv*hs)
    v = lin(xkv, layer.w_v, layer.b_v)  # (..., Tk, Hkv*hv)
    q = q.reshape(*q.shape[:-1], n_heads, -1).transpose(-2, -3)  # (..., H, Tq, hs)
    k = k.reshape(*k.shape[:-1], n_kv, -1).transpose(-2, -3)  # (..., Hkv, Tk, hs)
    v = v.reshape(*v.shape[:-1], n_kv, -1).transpose(-2, -3)  # (..., Hkv, Tk, hv)
    y, att = _attention_t(q, k, v, mask, causal, None, enable_gqa=n_kv != n_heads)
    y = y.transpose(-2, -3).flatten(-2)  # (..., Tq, H*hv)
    y = lin(y, layer.w_o, layer.b_o)  # (..., Tq, C)
    return _np(y), _np(att)


def gqa_attention(
    q: ArrayLike, k: ArrayLike, v: ArrayLike, **options: Unpack[AttentionOptions]
) -> tuple[FloatArray, FloatArray]:
    """Same contract as `decoding.gqa_attention`: SDPA with `enable_gqa=True` does the grouping."""
    mask, causal, scale = options.get("mask"), options.get("causal", False), options.get("scale")
    y, att = _attention_t(_t(q), _t(k), _t(v), mask, causal, scale, enable_gqa=True)
    return _np(y), _np(att)


def rope(
    x: ArrayLike,
    positions: ArrayLike | None = None,
    base: float = 10000.0,
    style: str = "half",
) -> FloatArray:
    """Same contract as `rope.rope`, written as torch code writes it: complex multiplication
    for adjacent pairs (Meta's Llama reference), `rotate_half` for the two halves (GPT-NeoX)."""
    xt = _t(x)
    t, d = xt.shape[-2:]
    pos = torch.arange(t, dtype=torch.float64) if positions is None else _t(positions)
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    ang = torch.outer(pos, inv_freq)  # (T, d/2)
    if style == "interleaved":
        xc = torch.view_as_complex(xt.reshape(*xt.shape[:-1], d // 2, 2).contiguous())
        rot = torch.polar(torch.ones_like(ang), ang)  # (T, d/2) e^(i m theta)
        return _np(torch.view_as_real(xc * rot).flatten(-2))  # (..., T, d)
    if style != "half":
        raise ValueError(f"style must be half or interleaved, not {style!r}")
    emb = torch.cat((ang, ang), dim=-1)  # (T, d)
    x1, x2 = xt[..., : d // 2], xt[..., d // 2 :]
    return _np(xt * emb.cos() + torch.cat((-x2, x1), dim=-1) * emb.sin())


def decode_step(
    q_t: ArrayLike,
    k_cache: ArrayLike,
    v_cache: ArrayLike,
    k_t: ArrayLike,
    v_t: ArrayLike,
    scale: float | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Same contract as `decoding.decode_step`: append with torch.cat, attend with SDPA."""
    kc = torch.cat([_t(k_cache), _t(k_t)], dim=-2)  # (..., T+1, dk)
    vc = torch.cat([_t(v_cache), _t(v_t)], dim=-2)  # (..., T+1, dv)
    y, att = _attention_t(_t(q_t), kc, vc, None, False, scale)
    return _np(y), _np(att), _np(kc), _np(vc)
