"""Where position information enters attention, computed: sinusoidal tables, relative positions
(Shaw et al. clipping, T5 buckets), ALiBi biases and RoPE context extension.

Attention by itself is permutation-equivariant: shuffle the tokens and the outputs shuffle the
same way. Every scheme here is one way of breaking that symmetry; they differ in *where* the
position goes (added to the input, rotating Q and K, or added to the scores) and in how they
behave past the trained length.

Sources: sinusoids, Vaswani et al. 2017 (arXiv 1706.03762) section 3.5; relative clipping,
Shaw et al. 2018 (1803.02155); buckets, Raffel et al. 2020 (T5, 1910.10683) and its reference code;
ALiBi, Press et al. 2022 (2108.12409) and github.com/ofirpress/attention_with_linear_biases;
position interpolation, Chen et al. 2023 (2306.15595); NTK-aware base, bloc97 (2023) as written
up in YaRN, Peng et al. 2023 (2309.00071).

Shape legend:
    T    positions (Tq queries, Tk keys)
    d    width being encoded (d_model for sinusoids, the head size for RoPE); d/2 pairs
    H    heads
"""

from __future__ import annotations

import math

import numpy as np

from qkv_drill.engine.arrays import ArrayLike, FloatArray, IntArray
from qkv_drill.engine.reference import attention

# --- sinusoidal (Vaswani et al. 2017, section 3.5) -------------------------------------------


def _pairs(d: int) -> int:
    if d <= 0 or d % 2:
        raise ValueError(f"d={d} must be a positive even number: dimensions come in sin/cos pairs")
    return d // 2


def frequencies(d: int, base: float = 10000.0) -> FloatArray:
    """omega_i = base^(-2i/d) for pair i = 0 .. d/2-1: pair 0 turns fastest (1 radian per step).

    The same table serves the sinusoidal encoding and RoPE's rotation speeds (RoFormer writes it
    theta_i = 10000^(-2(i-1)/d) with i from 1).
    """
    i = np.arange(_pairs(d))  # (d/2,)
    return base ** (-2.0 * i / d)  # (d/2,)


def wavelengths(d: int, base: float = 10000.0) -> FloatArray:
    """2 pi / omega_i in positions: 2 pi for pair 0, rising towards 2 pi base (the paper)."""
    return 2.0 * math.pi / frequencies(d, base)  # (d/2,)


def sinusoidal_positions(seq: int, d: int, base: float = 10000.0) -> FloatArray:
    """PE[p, 2i] = sin(p omega_i), PE[p, 2i+1] = cos(p omega_i): the original Transformer table.

    Added to the (sqrt(d_model)-scaled) token embeddings at the bottom of the stack.
    """
    if seq < 0:
        raise ValueError(f"seq={seq} must be >= 0")
    angles = np.arange(seq)[:, None] * frequencies(d, base)[None, :]  # (T, d/2)
    pe = np.empty((seq, d))  # (T, d)
    pe[:, 0::2] = np.sin(angles)  # even dimensions: sin
    pe[:, 1::2] = np.cos(angles)  # odd dimensions: cos
    return pe


def offset_rotation(offset: int, pair: int, d: int, base: float = 10000.0) -> FloatArray:
    """The 2x2 matrix M with [PE(p+k)_2i, PE(p+k)_2i+1] = M [PE(p)_2i, PE(p)_2i+1] for every p.

    From sin(a+b) = sin a cos b + cos a sin b and cos(a+b) = cos a cos b - sin a sin b with
    b = k omega_i: a rotation that depends on the offset k only, which is why the paper expected
    the model to "easily learn to attend by relative positions".
    """
    if not 0 <= pair < _pairs(d):
        raise ValueError(f"pair={pair} must be in [0, {d // 2 - 1}] for d={d}")
    b = offset * frequencies(d, base)[pair]
    return np.array([[math.cos(b), math.sin(b)], [-math.sin(b), math.cos(b)]])  # (2, 2)


def offset_transform(offset: int, d: int, base: float = 10000.0) -> FloatArray:
    """The block-diagonal (d, d) matrix taking PE(p) to PE(p + offset), one rotation per pair."""
    m = np.zeros((d, d))  # (d, d)
    for i in range(_pairs(d)):
        m[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = offset_rotation(offset, i, d, base)
    return m


def pe_similarity(offset: int, d: int, base: float = 10000.0) -> float:
    """PE(p) . PE(p + k) = sum_i cos(k omega_i): the same for every p, largest at k = 0 (= d/2)."""
    return float(np.cos(offset * frequencies(d, base)).sum())


def learned_position_params(max_len: int, d_model: int) -> int:
    """A learned absolute table is one d_model vector per position: max_len x d_model numbers.

    Position max_len simply has no row, which is the fixed maximum length (BERT 512, GPT-2 1024).
    """
    return max_len * d_model


# --- relative positions (Shaw et al. 2018; T5) -----------------------------------------------


def relative_positions(tq: int, tk: int) -> IntArray:
    """rel[i, j] = j - i (key minus query, T5's `memory_position - context_position`)."""
    return np.arange(tk)[None, :] - np.arange(tq)[:, None]  # (Tq, Tk)


def shaw_clipped(tq: int, tk: int, k: int) -> IntArray:
    """clip(j - i, -k, k): Shaw et al. learn 2k + 1 relative embeddings, shared beyond k."""
    if k < 0:
        raise ValueError(f"clipping distance k={k} must be >= 0")
    return np.clip(relative_positions(tq, tk), -k, k)  # (Tq, Tk)


def t5_bucket(
    relative_position: ArrayLike,
    bidirectional: bool = True,
    num_buckets: int = 32,
    max_distance: int = 128,
) -> IntArray:
    """T5's bucket for `relative_position` (key - query), as its reference code computes it.

    Half the buckets (per direction when bidirectional) hold exact small distances; the rest
    grow logarithmically up to `max_distance`, beyond which every distance shares the last one.
    Computed in float32 like the original, so bucket edges land exactly where T5 puts them.
    """
    rel = np.asarray(relative_position, dtype=np.int64)
    buckets = np.zeros_like(rel)
    n = num_buckets
    if bidirectional:
        n //= 2
        buckets += (rel > 0).astype(np.int64) * n  # keys after the query use the upper half
        dist = np.abs(rel)
    else:
        dist = -np.minimum(rel, 0)  # the future collapses onto distance 0
    max_exact = n // 2
    is_small = dist < max_exact
    with np.errstate(divide="ignore"):  # log(0) on small distances, discarded by `where`
        scaled = np.log(dist.astype(np.float32) / np.float32(max_exact))
        large = max_exact + (scaled / math.log(max_distance / max_exact) * (n - max_exact))
    large = np.where(is_small, 0, large).astype(np.int64)  # truncation, as `.to(torch.long)`
    large = np.minimum(large, n - 1)
    return buckets + np.where(is_small, dist, large)


# --- ALiBi (Press et al. 2022) -----------------------------------------------------------------


def _slopes_power_of_two(n: int) -> list[float]:
    start = 2.0 ** (-(2.0 ** -(math.log2(n) - 3)))  # 2^(-8/n)
    return [start * start**i for i in range(n)]


def alibi_slopes(n_heads: int) -> FloatArray:
    """Head h's slope m_h: the geometric sequence 2^(-8/n), 2^(-16/n), ..., 2^(-8) for n = 2^a.

    Otherwise (the official repo's `get_slopes`): the slopes of the largest power of two below n,
    then every other slope of the sequence for twice that power, until there are n.
    """
    if n_heads <= 0:
        raise ValueError(f"n_heads={n_heads} must be positive")
    if math.log2(n_heads).is_integer():
        return np.array(_slopes_power_of_two(n_heads))  # (H,)
    p = 2 ** math.floor(math.log2(n_heads))
    extra = alibi_slopes(2 * p)[0::2][: n_heads - p]
    return np.concatenate([_slopes_power_of_two(p), extra])  # (H,)


def alibi_bias(tq: int, tk: int, slopes: ArrayLike) -> FloatArray:
    """bias[h, i, j] = -m_h * |pos_i - j|, added to the scores before the softmax.

    Query i sits at position pos_i = i + (tk - tq): the queries are the last tq of the tk
    positions (the same when tq == tk; decoding with a cache otherwise). Under the causal mask of
    the paper's language models only j <= pos_i is seen, where this is the paper's
    -m (i - j); the official code adds m * j instead, which differs by a constant per row and so
    gives the same softmax.
    """
    m = np.asarray(slopes, dtype=np.float64).reshape(-1)  # (H,)
    if tk < tq:
        raise ValueError(f"tk={tk} keys cannot be fewer than tq={tq} queries")
    pos = np.arange(tq) + (tk - tq)  # (Tq,)
    dist = np.abs(pos[:, None] - np.arange(tk)[None, :])  # (Tq, Tk)
    bias: FloatArray = -m[:, None, None] * dist[None, :, :]  # (H, Tq, Tk)
    return bias


def biased_attention(
    q: ArrayLike, k: ArrayLike, v: ArrayLike, bias: ArrayLike, causal: bool = False
) -> tuple[FloatArray, FloatArray]:
    """softmax(Q K^T / sqrt(d_k) + bias) V: how ALiBi's and T5's scalar position biases enter.

    `bias` broadcasts against (..., Tq, Tk) like SDPA's float `attn_mask`.
    Returns (output, weights).
    """
    return attention(q, k, v, mask=np.asarray(bias, dtype=np.float64), causal=causal)


# --- RoPE context extension (Chen et al. 2023; NTK-aware, bloc97 / YaRN) -----------------------

EXTENSION_METHODS = ("none", "interpolation", "ntk")
PAIRS = ("highest", "lowest")


def ntk_base(base: float, scale: float, d: int) -> float:
    """b' = b * s^(d / (d - 2)): the base that stretches the lowest frequency by exactly s."""
    if d <= 2:
        raise ValueError(f"d={d} must exceed 2 for the NTK-aware base")
    stretched: float = base * scale ** (d / (d - 2))
    return stretched


def extended_frequencies(d: int, scale: float, method: str, base: float = 10000.0) -> FloatArray:
    """RoPE's per-pair rotation speeds after extending the context by `scale` (target / trained).

    "interpolation" divides every speed by s (positions m become m / s); "ntk" raises the base, so
    pair 0 keeps its speed and the slowest pair is divided by exactly s; "none" is plain RoPE.
    """
    if method == "none":
        return frequencies(d, base)
    if method == "interpolation":
        return frequencies(d, base) / scale  # (d/2,)
    if method == "ntk":
        return frequencies(d, ntk_base(base, scale, d))  # (d/2,)
    raise ValueError(f"method {method!r}: one of {', '.join(EXTENSION_METHODS)}")


def pair_index(pair: str | int, d: int) -> int:
    """'highest' -> 0 (fastest-turning pair), 'lowest' -> d/2 - 1, an int is kept."""
    if pair == "highest":
        return 0
    if pair == "lowest":
        return _pairs(d) - 1
    if isinstance(pair, int) and 0 <= pair < _pairs(d):
        return pair
    raise ValueError(f"pair {pair!r}: 'highest', 'lowest' or an index below {d // 2}")


def rotation_angle(
    position: int,
    d: int,
    pair: str | int,
    method: str = "none",
    scale: float = 1.0,
    base: float = 10000.0,
) -> float:
    """The angle (radians) pair `pair` of a query/key at `position` is rotated by."""
    return float(position * extended_frequencies(d, scale, method, base)[pair_index(pair, d)])
