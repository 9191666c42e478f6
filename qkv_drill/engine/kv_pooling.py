"""Converting a multi-head checkpoint to grouped-query attention by mean-pooling K/V heads.

Ainslie et al. 2023 (GQA, arXiv 2305.13245), section 2.1: the key and value projection of each
group starts as the mean of the original heads in that group (better than keeping the first head
or a random start), then the model is uptrained with about 5% of its pre-training compute.
Groups are consecutive heads, so query head j uses key/value head j // (H / G), the order of
torch's `repeat_interleave` and of SDPA's `enable_gqa`.

Weights use the article's (in, out) layout: W_K is (d_model, H*hs); a torch `nn.Linear` stores
its transpose, (H*hs, d_model).

Shape legend:
    C    d_model
    H    original heads, G groups (key/value heads after pooling)
    hs   head size
"""

from __future__ import annotations

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, FloatArray


def _group_size(n_heads: int, groups: int) -> int:
    if groups <= 0 or n_heads <= 0 or n_heads % groups:
        raise ValueError(f"{n_heads} heads do not split into {groups} equal groups")
    return n_heads // groups


def mean_pool_heads(kv: ArrayLike, groups: int) -> FloatArray:
    """(..., H, T, hs) -> (..., G, T, hs): each group's head is the mean of its H/G heads."""
    kv = np.asarray(kv, dtype=np.float64)
    *lead, h, t, hs = kv.shape
    per = _group_size(h, groups)
    pooled: FloatArray = kv.reshape(*lead, groups, per, t, hs).mean(axis=-3)  # (..., G, T, hs)
    return pooled


def mean_pool_projection(w: ArrayLike, n_heads: int, groups: int) -> FloatArray:
    """W_K or W_V (C, H*hs) -> (C, G*hs): the uptraining start of a GQA checkpoint.

    Pooling the projection and then projecting equals projecting and then pooling the heads: the
    mean is linear.
    """
    w = np.asarray(w, dtype=np.float64)
    c, width = w.shape
    per = _group_size(n_heads, groups)
    if width % n_heads:
        raise ValueError(f"{width} columns do not split into {n_heads} heads")
    hs = width // n_heads
    pooled: FloatArray = w.reshape(c, groups, per, hs).mean(axis=2)  # (C, G, hs)
    return pooled.reshape(c, groups * hs)  # (C, G*hs)


def pooled_shape(
    d_model: int, n_heads: int, groups: int, head_size: int, layout: str = "article"
) -> tuple[int, int]:
    """Shape of a pooled W_K: (C, G*hs) in the article's layout, (G*hs, C) as nn.Linear.weight."""
    _group_size(n_heads, groups)
    if layout == "article":
        return (d_model, groups * head_size)
    if layout == "torch":
        return (groups * head_size, d_model)
    raise ValueError(f"layout {layout!r}: 'article' or 'torch'")


def kv_params_removed(d_model: int, n_heads: int, groups: int, head_size: int) -> int:
    """Weights W_K and W_V lose when H key/value heads become G: 2 * C * (H - G) * hs."""
    _group_size(n_heads, groups)
    return 2 * d_model * (n_heads - groups) * head_size
