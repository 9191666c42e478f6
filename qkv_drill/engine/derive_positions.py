"""Derivations for positions, ALiBi, context extension, K/V pooling, paths, masks and paging.

Each `derive_*` takes the same arguments as the engine function it explains and returns a Trace
whose last step's value is that function's result, with the numbers substituted in the formulas.
"""

from __future__ import annotations

import math

import numpy as np

from qkv_drill.engine import architecture as A
from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import paging as Pg
from qkv_drill.engine import positions as P
from qkv_drill.engine.arrays import ArrayLike
from qkv_drill.engine.trace import Trace, human_bytes, num


def _omega_step(tr: Trace, pair: int, d: int, base: float) -> float:
    w = float(P.frequencies(d, base)[pair])
    tr.add(
        "omega",
        f"omega_{pair} = base^(-2i/d) = {num(base)}^(-{2 * pair}/{d}) = {num(w)}",
        w,
        note="radians per position for this pair",
    )
    return w


def derive_sinusoidal_positions(seq: int, d: int, base: float = 10000.0) -> Trace:
    tr = Trace()
    tr.add("omega", f"omega_i = {num(base)}^(-2i/{d}), i = 0..{d // 2 - 1}", P.frequencies(d, base))
    angles = np.arange(seq)[:, None] * P.frequencies(d, base)[None, :]  # (T, d/2)
    tr.add("angles", "angle[p, i] = p * omega_i", angles)
    tr.add(
        "PE",
        "PE[p, 2i] = sin(angle), PE[p, 2i+1] = cos(angle)",
        P.sinusoidal_positions(seq, d, base),
        note="row 0 is sin 0 = 0, cos 0 = 1 alternating",
    )
    return tr


def derive_pe_entry(pos: int, dim: int, d: int, base: float = 10000.0) -> Trace:
    tr = Trace()
    pair = dim // 2
    w = _omega_step(tr, pair, d, base)
    angle = pos * w
    tr.add("angle", f"angle = pos * omega = {pos} * {num(w)} = {num(angle)}", angle)
    fn = "sin" if dim % 2 == 0 else "cos"
    value = float(P.sinusoidal_positions(pos + 1, d, base)[pos, dim])
    tr.add(
        "PE",
        f"PE[{pos}, {dim}] = {fn}({num(angle)}) = {num(value)}",
        value,
        note=f"dimension {dim} is {'even: sin' if fn == 'sin' else 'odd: cos'}, pair {pair}",
    )
    return tr


def derive_wavelength(pair: int, d: int, base: float = 10000.0) -> Trace:
    tr = Trace()
    w = _omega_step(tr, pair, d, base)
    lam = float(P.wavelengths(d, base)[pair])
    tr.add("wavelength", f"wavelength = 2 pi / omega = 2 pi / {num(w)} = {num(lam)}", lam)
    return tr


def derive_offset_rotation(offset: int, pair: int, d: int, base: float = 10000.0) -> Trace:
    tr = Trace()
    w = _omega_step(tr, pair, d, base)
    b = offset * w
    tr.add("b", f"b = k * omega = {offset} * {num(w)} = {num(b)}", b)
    tr.add(
        "M",
        "M = [[cos b, sin b], [-sin b, cos b]]",
        P.offset_rotation(offset, pair, d, base),
        note="sin(a+b) = sin a cos b + cos a sin b; cos(a+b) = cos a cos b - sin a sin b",
    )
    return tr


def derive_pe_similarity(offset: int, d: int, base: float = 10000.0) -> Trace:
    tr = Trace()
    terms = np.cos(offset * P.frequencies(d, base))  # (d/2,)
    tr.add("terms", f"cos({offset} * omega_i) for each pair", terms)
    total = P.pe_similarity(offset, d, base)
    tr.add(
        "dot",
        f"PE(p) . PE(p+{offset}) = sum_i [sin sin + cos cos] = sum_i cos(k omega_i) = {num(total)}",
        total,
        note="p cancels: the dot product depends on the offset only",
    )
    return tr


def derive_learned_position_params(max_len: int, d_model: int) -> Trace:
    tr = Trace()
    n = P.learned_position_params(max_len, d_model)
    tr.add(
        "params",
        f"one d_model vector per position: {num(max_len)} x {num(d_model)} = {num(n)}",
        n,
        note=f"position {max_len} has no row: the maximum length is fixed",
    )
    return tr


def derive_shaw_clipped(seq: int, clip: int) -> Trace:
    tr = Trace()
    tr.add("rel", "rel[i, j] = j - i", P.relative_positions(seq, seq))
    tr.add(
        "clipped",
        f"clip(j - i, -{clip}, {clip})",
        P.shaw_clipped(seq, seq, clip),
        note=f"{2 * clip + 1} distinct relative embeddings",
    )
    return tr


def derive_t5_bucket(
    relative: int, bidirectional: bool = True, num_buckets: int = 32, max_distance: int = 128
) -> Trace:
    tr = Trace()
    n = num_buckets // 2 if bidirectional else num_buckets
    offset = n if bidirectional and relative > 0 else 0
    dist = abs(relative) if bidirectional else max(-relative, 0)
    if bidirectional:
        tr.add(
            "direction",
            f"bidirectional: {n} buckets per direction; key "
            f"{'after' if relative > 0 else 'not after'} the query -> offset {offset}",
            offset,
        )
    else:
        tr.add("direction", f"causal: future distances count as 0; distance = {dist}", dist)
    max_exact = n // 2
    bucket = int(P.t5_bucket(relative, bidirectional, num_buckets, max_distance))
    if dist < max_exact:
        tr.add("exact", f"distance {dist} < {max_exact}: its own bucket {dist}", dist)
    else:
        inner = max_exact + math.log(dist / max_exact) / math.log(max_distance / max_exact) * (
            n - max_exact
        )
        tr.add(
            "log bucket",
            f"{max_exact} + log({dist}/{max_exact}) / log({max_distance}/{max_exact}) x "
            f"{n - max_exact} = {num(inner)} -> floor, at most {n - 1}",
            bucket - offset,
        )
    tr.add("bucket", f"bucket = {offset} + {bucket - offset} = {bucket}", bucket)
    return tr


def derive_alibi_slopes(heads: int) -> Trace:
    tr = Trace()
    p = 2 ** math.floor(math.log2(heads))
    base = P.alibi_slopes(p)
    tr.add(
        "power of two",
        f"{p} heads: 2^(-8/{p}) to the powers 1..{p}",
        base,
        note="ratio = first slope = 2^(-8/n)",
    )
    if p != heads:
        extra = P.alibi_slopes(2 * p)[0::2][: heads - p]
        tr.add(
            "extra",
            f"{heads} is not a power of two: take every other slope of the {2 * p}-head "
            f"sequence, first {heads - p}",
            extra,
        )
    tr.add("slopes", "slopes", P.alibi_slopes(heads))
    return tr


def derive_alibi_slope(heads: int, head: int) -> Trace:
    tr = derive_alibi_slopes(heads)
    m = float(P.alibi_slopes(heads)[head - 1])
    tr.add("slope", f"head {head} (counting from 1): m = {num(m)}", m)
    return tr


def derive_alibi_bias(seq: int, heads: int, head: int) -> Trace:
    tr = Trace()
    m = float(P.alibi_slopes(heads)[head - 1])
    tr.add("slope", f"m = slope of head {head} of {heads} = {num(m)}", m)
    tr.add("distance", "|i - j|", np.abs(P.relative_positions(seq, seq)))
    tr.add("bias", f"bias = -m |i - j| = -{num(m)} |i - j|", P.alibi_bias(seq, seq, [m])[0])
    return tr


def derive_alibi_weights(
    Q: ArrayLike, K: ArrayLike, heads: int, head: int, causal: bool = True
) -> Trace:
    q, k = np.asarray(Q, dtype=np.float64), np.asarray(K, dtype=np.float64)  # (T, hs), (T, hs)
    tr = derive_alibi_bias(q.shape[0], heads, head)
    bias = tr["bias"].value  # (T, T)
    tr.add("Q", "Q", q)
    tr.add("K", "K", k)
    scaled = tr.add("scaled", f"Q K^T / sqrt({q.shape[1]})", q @ k.T / math.sqrt(q.shape[1]))
    biased = scaled + bias  # (T, T)
    if causal:
        biased = np.where(np.tril(np.ones_like(biased, dtype=bool)), biased, -np.inf)
    tr.add("biased", "scaled + bias" + (", future keys -inf" if causal else ""), biased)
    _, w = P.biased_attention(q, k, np.eye(k.shape[0]), bias, causal=causal)  # (T, T)
    tr.add("weights", "softmax over each row", w, note="each row sums to 1")
    return tr


def derive_rotation_angle(
    position: int,
    d: int,
    pair: str | int,
    method: str = "none",
    scale: float = 1.0,
    base: float = 10000.0,
) -> Trace:
    tr = Trace()
    i = P.pair_index(pair, d)
    if method == "ntk":
        b2 = P.ntk_base(base, scale, d)
        tr.add(
            "base", f"b' = b s^(d/(d-2)) = {num(base)} x {num(scale)}^({d}/{d - 2}) = {num(b2)}", b2
        )
        _omega_step(tr, i, d, b2)
        how = "NTK-aware: the base changes, the position does not"
    elif method == "interpolation":
        w = _omega_step(tr, i, d, base)
        tr.add("omega'", f"omega / s = {num(w)} / {num(scale)} = {num(w / scale)}", w / scale)
        how = "position interpolation: position m becomes m / s"
    else:
        _omega_step(tr, i, d, base)
        how = "plain RoPE"
    speed = float(tr.steps[-1].value)
    angle = P.rotation_angle(position, d, pair, method, scale, base)
    tr.add("angle", f"angle = {position} x {num(speed)} = {num(angle)} rad", angle, note=how)
    return tr


def derive_ntk_base(base: float, scale: float, d: int) -> Trace:
    tr = Trace()
    b2 = P.ntk_base(base, scale, d)
    tr.add(
        "base",
        f"b' = b s^(d/(d-2)) = {num(base)} x {num(scale)}^({d}/{d - 2}) = {num(b2)}",
        b2,
        note="chosen so the slowest pair's speed is divided by exactly s",
    )
    return tr


def derive_mean_pool_projection(W: ArrayLike, heads: int, groups: int) -> Trace:
    tr = Trace()
    w = tr.add("W", "W (d_model, H*hs)", np.asarray(W, dtype=np.float64))
    per = heads // groups
    hs = w.shape[1] // heads
    tr.add("heads", f"{heads} heads of {hs} columns; groups of {per} consecutive heads", per)
    tr.add(
        "pooled",
        f"group g = mean of heads {per}g .. {per}g+{per - 1}, column by column",
        G.mean_pool_projection(w, heads, groups),
    )
    return tr


def derive_pooled_shape(
    d_model: int, heads: int, groups: int, head_dim: int, layout: str = "article"
) -> Trace:
    tr = Trace()
    shape = G.pooled_shape(d_model, heads, groups, head_dim, layout)
    before = G.pooled_shape(d_model, heads, heads, head_dim, layout)
    tr.add("before", f"W_K with {heads} heads: {before}", np.asarray(before))
    where = "columns" if layout == "article" else "rows (nn.Linear stores (out, in))"
    tr.add("after", f"{groups} groups x {head_dim} in the {where}: {shape}", np.asarray(shape))
    return tr


def derive_kv_params_removed(d_model: int, heads: int, groups: int, head_dim: int) -> Trace:
    tr = Trace()
    n = G.kv_params_removed(d_model, heads, groups, head_dim)
    tr.add(
        "removed",
        f"2 (W_K, W_V) x {num(d_model)} x ({heads} - {groups}) x {head_dim} = {num(n)}",
        n,
    )
    return tr


def derive_max_path_length(kind: str, n: int, k: int = 3) -> Trace:
    tr = Trace()
    value = A.max_path_length(kind, n, k)
    formula = {
        "self-attention": "every query reads every key: 1 layer",
        "recurrent": f"n - 1 = {n - 1} state updates in a row",
        "convolution": f"ceil((n - 1) / (k - 1)) = ceil({n - 1} / {k - 1}) = {value} layers",
        "dilated-convolution": f"smallest L with {k}^L >= {n}: L = {value} layers",
    }[kind]
    tr.add("path", formula, value)
    return tr


def derive_lm_mask(kind: str, seq: int, prefix: int = 0) -> Trace:
    tr = Trace()
    rule = {
        "bidirectional": "every query sees every key (encoder, BERT)",
        "causal": "query i sees keys j <= i (decoder, GPT)",
        "prefix": f"keys j < {prefix} (the prefix) are seen by all; after it, j <= i",
    }[kind]
    mask = A.lm_mask(kind, seq, prefix)
    tr.add("mask", rule, mask.astype(np.int64))
    return tr


def derive_allowed_pairs(kind: str, seq: int, prefix: int = 0) -> Trace:
    tr = derive_lm_mask(kind, seq, prefix)
    n = A.allowed_pairs(kind, seq, prefix)
    tr.add("count", f"ones in the {seq}x{seq} mask = {num(n)}", n)
    return tr


def derive_blocks_needed(seq: int, block_size: int = 16) -> Trace:
    tr = Trace()
    n = Pg.blocks_needed(seq, block_size)
    tr.add("blocks", f"ceil({seq} / {block_size}) = {n}", n)
    return tr


def derive_slots_wasted(seq: int, block_size: int = 16) -> Trace:
    tr = derive_blocks_needed(seq, block_size)
    n = Pg.blocks_needed(seq, block_size)
    waste = Pg.slots_wasted(seq, block_size)
    tr.add("wasted", f"{n} x {block_size} - {seq} = {waste} empty slots", waste)
    return tr


def derive_reserved_slots_wasted(seq: int, max_len: int) -> Trace:
    tr = Trace()
    waste = Pg.reserved_slots_wasted(seq, max_len)
    tr.add("wasted", f"reserved {max_len} - used {seq} = {waste} slots", waste)
    return tr


def derive_block_bytes(
    block_size: int, layers: int, kv_heads: int, head_dim: int, bytes: int = 2
) -> Trace:
    tr = Trace()
    per = 2 * layers * kv_heads * head_dim * bytes
    tr.add(
        "per token",
        f"2 x {layers} layers x {kv_heads} kv_heads x {head_dim} x {bytes} bytes = {num(per)}",
        per,
        note=human_bytes(per),
    )
    total = Pg.block_bytes(block_size, layers, kv_heads, head_dim, bytes)
    tr.add(
        "block",
        f"{num(per)} x {block_size} tokens = {num(total)} bytes",
        total,
        note=human_bytes(total),
    )
    return tr
