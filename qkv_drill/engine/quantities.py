"""Sizes, parameter counts, FLOPs, memory and variances: plain functions of ints and floats.

Conventions: FLOPs count a multiply-add as 2; `bytes` is bytes per element; weights follow the
article, W_Q is (d_model, heads*d_k).

The wrong values named mistakes give live with the mistakes, in `engine.misconceptions`; the
step-by-step derivations shown beside an answer live in `engine.derive_quantities`.

Shape legend (the Monte Carlo estimate): N samples, dk components per vector.
"""

from __future__ import annotations

import math

import numpy as np

MC_CHUNK_ELEMENTS = 1 << 20
"""Random numbers per array per chunk in `mc_qk_variance` (8 MB of float64)."""


def head_dim(d_model: int, heads: int) -> int:
    """d_k = d_model / heads: the heads split the model width, they do not each get all of it."""
    if heads <= 0 or d_model % heads:
        raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
    return d_model // heads


def scale_factor(d_k: int) -> float:
    """1/sqrt(d_k): brings Var(q.k) back from d_k to 1."""
    return 1.0 / math.sqrt(d_k)


def projection_params(
    d_model: int,
    heads: int,
    kv_heads: int | None = None,
    bias: bool = False,
    output: bool = True,
) -> int:
    """Parameters of W_Q, W_K, W_V (and W_O when `output`) for one attention layer.

    W_Q is (d_model, heads*hs); W_K, W_V are (d_model, kv_heads*hs) (grouped-query when kv_heads <
    heads); W_O is (heads*hs, d_model); with `bias`, each has one bias per output column.
    """
    hs = head_dim(d_model, heads)
    kv_heads = heads if kv_heads is None else kv_heads
    return projection_count(d_model, heads * hs, kv_heads * hs, bias, output)


def projection_count(d_model: int, q_out: int, kv_out: int, bias: bool, output: bool) -> int:
    """W_Q (C, q_out), W_K and W_V (C, kv_out), W_O (q_out, C), plus biases when asked."""
    n = d_model * q_out + 2 * d_model * kv_out
    if bias:
        n += q_out + 2 * kv_out
    if output:
        n += q_out * d_model + (d_model if bias else 0)
    return n


def qkv_params_per_head(d_model: int, d_k: int, bias: bool = False) -> int:
    """One head's W_Q, W_K, W_V: three (d_model, d_k) matrices (plus three d_k biases)."""
    return 3 * (d_model * d_k + (d_k if bias else 0))


def qk_flops(seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1) -> int:
    """Q K^T: seq x seq_kv dot products of length d_k, per head and batch element."""
    seq_kv = seq if seq_kv is None else seq_kv
    return 2 * batch * heads * seq * seq_kv * d_k


def av_flops(seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1) -> int:
    """weights V: (seq, seq_kv) @ (seq_kv, d_k), per head and batch element (d_k here is d_v):
    seq x d_v dot products of length seq_kv, as many multiply-adds as Q K^T."""
    return qk_flops(seq, d_k, seq_kv, heads, batch)


def attention_flops(
    seq: int, d_model: int, heads: int, seq_kv: int | None = None, batch: int = 1
) -> int:
    """Q K^T plus weights V over all heads (projections excluded): 4 * batch * seq * seq_kv * C."""
    d_k = head_dim(d_model, heads)
    return qk_flops(seq, d_k, seq_kv, heads, batch) + av_flops(seq, d_k, seq_kv, heads, batch)


def score_memory(
    seq: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1, bytes: int = 4
) -> int:
    """Bytes of the (batch, heads, seq, seq_kv) score matrix: the quadratic cost of attention."""
    seq_kv = seq if seq_kv is None else seq_kv
    return batch * heads * seq * seq_kv * bytes


def kv_cache_per_token(layers: int, kv_heads: int, head_dim: int, bytes: int = 2) -> int:
    """Bytes cached per generated token: K and V (2), per layer, per key/value head."""
    return 2 * layers * kv_heads * head_dim * bytes


def kv_cache(
    layers: int,
    kv_heads: int,
    head_dim: int,
    seq: int,
    batch: int = 1,
    bytes: int = 2,
) -> int:
    """Bytes of the KV cache for `batch` sequences of `seq` tokens."""
    return kv_cache_per_token(layers, kv_heads, head_dim, bytes) * seq * batch


def qk_variance(d_k: int, scaled: bool = False) -> float:
    """Var(q.k) for independent unit-variance components: d_k, or 1 after dividing by sqrt(d_k)."""
    return 1.0 if scaled else float(d_k)


def qk_std(d_k: int, scaled: bool = False) -> float:
    """Standard deviation of q.k: sqrt(d_k), or 1 when scaled."""
    return math.sqrt(qk_variance(d_k, scaled))


def mc_qk_variance(d_k: int, scaled: bool = False, samples: int = 20000, seed: int = 0) -> float:
    """Monte Carlo estimate of Var(q.k) with standard-normal q, k; seeded, so reproducible.

    Drawn in chunks of at most ~1M numbers, so a large d_k times many samples stays small in memory.
    """
    rng = np.random.default_rng(seed)
    dots = np.empty(samples)  # (N,) one dot product per sample
    chunk = max(1, MC_CHUNK_ELEMENTS // d_k)
    for i0 in range(0, samples, chunk):
        n = min(chunk, samples - i0)
        q = rng.standard_normal((n, d_k))  # (n, dk)
        k = rng.standard_normal((n, d_k))  # (n, dk)
        dots[i0 : i0 + n] = np.einsum("nd,nd->n", q, k)  # (n,) row-wise dot products
    if scaled:
        dots /= math.sqrt(d_k)
    return float(dots.var())


def max_weight(d_k: int, gap: float, scaled: bool = False) -> float:
    """Largest softmax weight of two scores whose unscaled difference is gap*sqrt(d_k).

    Unscaled that is sigmoid(gap*sqrt(d_k)), which saturates towards 1 as d_k grows; scaled, the
    difference is back to `gap`.
    """
    diff = gap if scaled else gap * math.sqrt(d_k)
    return 1.0 / (1.0 + math.exp(-diff))
