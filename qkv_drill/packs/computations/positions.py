"""Computations for the positions and why-attention packs: positional encodings, ALiBi, RoPE
context extension, path lengths, LM masks, paged KV blocks and GQA checkpoint conversion.

Each wraps an engine function (engine.positions, engine.architecture, engine.paging,
engine.kv_pooling) and its derivation (engine.derive_positions).

Shape legend: T positions, H heads, G groups, C d_model, hs head size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from qkv_drill.engine import architecture as A
from qkv_drill.engine import derive_positions as D
from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import paging as Pg
from qkv_drill.engine import positions as P
from qkv_drill.engine.trace import Trace
from qkv_drill.packs.computations.core import (
    Args,
    Computation,
    Kind,
    Result,
    Value,
    arr,
    register,
)

BASE = {"base": 10000.0}
REGISTERED: list[str] = []
"""Names registered here (their derivations live in engine.derive_positions)."""


def _simple(
    name: str,
    kind: Kind,
    required: tuple[str, ...],
    optional: Args,
    returns: str,
    value: Callable[..., object],
    derive: Callable[..., object],
    torch_fn: Callable[[Args], np.ndarray] | None = None,
    matrix_args: tuple[str, ...] = (),
) -> None:
    """Register `value(**args)` with the derivation `derive(**args)` (the same arguments)."""
    keys = required + tuple(optional)
    REGISTERED.append(name)

    def args_of(a: Args) -> Args:
        return {k: a[k] for k in keys if k in a}

    def val(a: Args) -> Value:
        v = value(**args_of(a))
        if kind == "numeric":
            return float(v)  # type: ignore[arg-type]
        if kind == "shape":
            return tuple(int(x) for x in v)  # type: ignore[attr-defined]
        return np.asarray(v, dtype=np.float64)

    register(
        Computation(
            name=name,
            kind=kind,
            required=required,
            optional=optional,
            returns=returns,
            fn=lambda a: Result(value=val(a), trace=derive(**args_of(a))),  # type: ignore[arg-type]
            value=val,
            matrix_args=matrix_args,
            torch_fn=torch_fn,
        )
    )


# --- sinusoidal and learned absolute ---------------------------------------------------------


def _pe_entry(pos: int, dim: int, d: int, base: float = 10000.0) -> float:
    if not 0 <= dim < d:
        raise ValueError(f"dim={dim} must be in [0, {d - 1}]")
    return float(P.sinusoidal_positions(pos + 1, d, base)[pos, dim])


_simple(
    "pe_entry",
    "numeric",
    ("pos", "dim", "d"),
    BASE,
    "PE[pos, dim] of the sinusoidal table",
    _pe_entry,
    D.derive_pe_entry,
)
_simple(
    "sinusoidal_pe",
    "matrix",
    ("seq", "d"),
    BASE,
    "the (seq, d) sinusoidal table",
    P.sinusoidal_positions,
    D.derive_sinusoidal_positions,
)
_simple(
    "pe_wavelength",
    "numeric",
    ("pair", "d"),
    BASE,
    "2 pi base^(2 pair / d), in positions",
    lambda pair, d, base=10000.0: P.wavelengths(d, base)[P.pair_index(int(pair), d)],
    D.derive_wavelength,
)
_simple(
    "pe_offset_rotation",
    "matrix",
    ("offset", "pair", "d"),
    BASE,
    "the 2x2 rotation taking a (sin, cos) pair from p to p + offset",
    P.offset_rotation,
    D.derive_offset_rotation,
)
_simple(
    "pe_similarity",
    "numeric",
    ("offset", "d"),
    BASE,
    "PE(p) . PE(p + offset)",
    P.pe_similarity,
    D.derive_pe_similarity,
)
_simple(
    "learned_position_params",
    "numeric",
    ("max_len", "d_model"),
    {},
    "max_len x d_model",
    P.learned_position_params,
    D.derive_learned_position_params,
)

# --- relative -------------------------------------------------------------------------------

_simple(
    "shaw_clipped",
    "matrix",
    ("seq", "clip"),
    {},
    "clip(j - i, -clip, clip) for a seq x seq attention",
    lambda seq, clip: P.shaw_clipped(seq, seq, clip),
    D.derive_shaw_clipped,
)
for _name, _bidirectional, _where in (
    ("t5_bucket", True, "encoder: bidirectional"),
    ("t5_bucket_causal", False, "decoder: causal"),
):

    def _bucket(
        relative: float,
        num_buckets: float = 32,
        max_distance: float = 128,
        _b: bool = _bidirectional,
    ) -> int:
        return int(P.t5_bucket(int(relative), _b, int(num_buckets), int(max_distance)))

    def _bucket_trace(
        relative: float,
        num_buckets: float = 32,
        max_distance: float = 128,
        _b: bool = _bidirectional,
    ) -> Trace:
        return D.derive_t5_bucket(int(relative), _b, int(num_buckets), int(max_distance))

    _simple(
        _name,
        "numeric",
        ("relative",),
        {"num_buckets": 32, "max_distance": 128},
        f"T5's bucket for relative position key - query ({_where})",
        _bucket,
        _bucket_trace,
    )

# --- ALiBi ------------------------------------------------------------------------------------


def _slope(heads: int, head: int) -> float:
    if not 1 <= head <= heads:
        raise ValueError(f"head={head} must be in [1, {heads}] (counted from 1)")
    return float(P.alibi_slopes(heads)[head - 1])


_simple(
    "alibi_slopes",
    "matrix",
    ("heads",),
    {},
    "every head's slope, head 1 first",
    lambda heads: P.alibi_slopes(int(heads)),
    D.derive_alibi_slopes,
)
_simple(
    "alibi_slope",
    "numeric",
    ("heads", "head"),
    {},
    "the slope of head `head` (from 1)",
    _slope,
    D.derive_alibi_slope,
)
_simple(
    "alibi_bias",
    "matrix",
    ("seq", "heads", "head"),
    {},
    "-m |i - j| for one head, (seq, seq)",
    lambda seq, heads, head: P.alibi_bias(seq, seq, [_slope(heads, head)])[0],
    D.derive_alibi_bias,
)


def _alibi_shape_trace(heads: int, seq: int, seq_kv: int | None = None) -> Trace:
    tk = seq if seq_kv is None else seq_kv
    tr = Trace()
    tr.add("slopes", f"one slope per head: ({heads},)", np.asarray((heads,)))
    shape = np.shape(P.alibi_bias(seq, tk, P.alibi_slopes(heads)))
    tr.add(
        "bias", f"-m_h |pos_i - j| for h, i, j: (heads, queries, keys) = {shape}", np.asarray(shape)
    )
    return tr


_simple(
    "alibi_bias_shape",
    "shape",
    ("heads", "seq"),
    {"seq_kv": None},
    "shape of the ALiBi bias added to one sequence's scores",
    lambda heads, seq, seq_kv=None: np.shape(
        P.alibi_bias(seq, seq if seq_kv is None else seq_kv, P.alibi_slopes(heads))
    ),
    _alibi_shape_trace,
)


def _alibi_weights(
    Q: ArrayLike, K: ArrayLike, heads: int, head: int, causal: bool = True
) -> np.ndarray:
    q, k = arr(Q), arr(K)  # (T, hs), (T, hs)
    bias = P.alibi_bias(q.shape[0], k.shape[0], [_slope(heads, head)])[0]  # (T, T)
    return P.biased_attention(q, k, np.eye(k.shape[0]), bias, causal=bool(causal))[1]  # (T, T)


def _alibi_weights_torch(a: Args) -> np.ndarray:
    from qkv_drill.packs.computations.core import torch_backend

    q, k = arr(a["Q"]), arr(a["K"])  # (T, hs), (T, hs)
    bias = P.alibi_bias(q.shape[0], k.shape[0], [_slope(a["heads"], a["head"])])[0]  # (T, T)
    causal = bool(a.get("causal", True))
    weights: np.ndarray = torch_backend().attention(
        q, k, np.eye(k.shape[0]), mask=bias, causal=causal
    )[1]  # (T, T)
    return weights


def _alibi_weights_value(a: Args) -> np.ndarray:
    return _alibi_weights(a["Q"], a["K"], int(a["heads"]), int(a["head"]), a.get("causal", True))


def _alibi_weights_result(a: Args) -> Result:
    w = _alibi_weights_value(a)  # (T, T) rows sum to 1
    trace = D.derive_alibi_weights(
        a["Q"], a["K"], int(a["heads"]), int(a["head"]), a.get("causal", True)
    )
    return Result(value=w, trace=trace, heatmap=w)


register(
    Computation(
        name="alibi_weights",
        kind="matrix",
        required=("Q", "K", "heads", "head"),
        optional={"causal": True},
        returns="softmax(Q K^T / sqrt(d_k) - m |i - j|), causal by default",
        fn=_alibi_weights_result,
        value=_alibi_weights_value,
        matrix_args=("Q", "K"),
        torch_fn=_alibi_weights_torch,
    )
)
REGISTERED.append("alibi_weights")

# --- RoPE context extension -------------------------------------------------------------------

for _name, _method, _extra, _what in (
    ("rope_angle", "none", {}, "plain RoPE"),
    ("rope_angle_interpolated", "interpolation", {"scale": 1.0}, "after position interpolation"),
    ("rope_angle_ntk", "ntk", {"scale": 1.0}, "with the NTK-aware base"),
):

    def _angle(
        position: float,
        d: float,
        pair: float,
        scale: float = 1.0,
        base: float = 10000.0,
        _method: str = _method,
    ) -> float:
        return P.rotation_angle(int(position), int(d), int(pair), _method, float(scale), base)

    def _angle_trace(
        position: float,
        d: float,
        pair: float,
        scale: float = 1.0,
        base: float = 10000.0,
        _method: str = _method,
    ) -> Trace:
        return D.derive_rotation_angle(
            int(position), int(d), int(pair), _method, float(scale), float(base)
        )

    _simple(
        _name,
        "numeric",
        ("position", "d", "pair"),
        {**_extra, "base": 10000.0},
        f"the rotation angle (radians) of pair `pair`, {_what}",
        _angle,
        _angle_trace,
    )
_simple(
    "ntk_base",
    "numeric",
    ("base", "scale", "d"),
    {},
    "b s^(d / (d - 2))",
    P.ntk_base,
    D.derive_ntk_base,
)

# --- paths and masks --------------------------------------------------------------------------

for _kind in ("recurrent", "convolution", "dilated-convolution"):
    _simple(
        "path_length_" + _kind.replace("-convolution", "").replace("-", "_"),
        "numeric",
        ("n",),
        {"k": 3},
        f"{_kind}: layers (or steps) from the first to the n-th position",
        lambda n, k=3, _kind=_kind: A.max_path_length(_kind, int(n), int(k)),
        lambda n, k=3, _kind=_kind: D.derive_max_path_length(_kind, int(n), int(k)),
    )

for _kind, _required in (("causal", ("seq",)), ("prefix", ("seq", "prefix"))):
    _simple(
        f"{_kind}_mask",
        "matrix",
        _required,
        {},
        f"the (seq, seq) {_kind} mask, 1 = may attend",
        lambda seq, prefix=0, _kind=_kind: A.lm_mask(_kind, int(seq), int(prefix)).astype(float),
        lambda seq, prefix=0, _kind=_kind: D.derive_lm_mask(_kind, int(seq), int(prefix)),
    )
    _simple(
        f"{_kind}_pairs",
        "numeric",
        _required,
        {},
        f"(query, key) pairs the {_kind} mask allows",
        lambda seq, prefix=0, _kind=_kind: A.allowed_pairs(_kind, int(seq), int(prefix)),
        lambda seq, prefix=0, _kind=_kind: D.derive_allowed_pairs(_kind, int(seq), int(prefix)),
    )

# --- serving ----------------------------------------------------------------------------------

_simple(
    "paged_blocks",
    "numeric",
    ("seq",),
    {"block_size": 16},
    "ceil(seq / block_size)",
    Pg.blocks_needed,
    D.derive_blocks_needed,
)
_simple(
    "paged_waste",
    "numeric",
    ("seq",),
    {"block_size": 16},
    "empty slots in the last block",
    Pg.slots_wasted,
    D.derive_slots_wasted,
)
_simple(
    "reserved_waste",
    "numeric",
    ("seq", "max_len"),
    {},
    "max_len - seq",
    Pg.reserved_slots_wasted,
    D.derive_reserved_slots_wasted,
)
_simple(
    "kv_block_bytes",
    "numeric",
    ("layers", "kv_heads", "head_dim"),
    {"block_size": 16, "bytes": 2},
    "bytes of one KV block across all layers",
    lambda layers, kv_heads, head_dim, block_size=16, bytes=2: Pg.block_bytes(
        block_size, layers, kv_heads, head_dim, bytes
    ),
    lambda layers, kv_heads, head_dim, block_size=16, bytes=2: D.derive_block_bytes(
        block_size, layers, kv_heads, head_dim, bytes
    ),
)

# --- GQA checkpoint conversion ----------------------------------------------------------------


def _pool_torch(a: Args) -> np.ndarray:
    import torch  # only for the agreement check in `validate`

    w = torch.as_tensor(arr(a["W"]))  # (C, H*hs)
    c, width = w.shape
    h, g = int(a["heads"]), int(a["groups"])
    hs = width // h
    return w.view(c, g, h // g, hs).mean(dim=2).reshape(c, g * hs).numpy()  # (C, G*hs)


_simple(
    "gqa_pool",
    "matrix",
    ("W", "heads", "groups"),
    {},
    "W_K or W_V (C, H*hs) mean-pooled to (C, G*hs)",
    lambda W, heads, groups: G.mean_pool_projection(W, int(heads), int(groups)),
    D.derive_mean_pool_projection,
    torch_fn=_pool_torch,
    matrix_args=("W",),
)
_simple(
    "gqa_pooled_linear_shape",
    "shape",
    ("d_model", "heads", "groups", "head_dim"),
    {},
    "shape of a pooled W_K stored as nn.Linear.weight: (G*hs, C)",
    lambda d_model, heads, groups, head_dim: G.pooled_shape(
        d_model, heads, groups, head_dim, layout="torch"
    ),
    lambda d_model, heads, groups, head_dim: D.derive_pooled_shape(
        d_model, heads, groups, head_dim, layout="torch"
    ),
)
_simple(
    "gqa_params_removed",
    "numeric",
    ("d_model", "heads", "groups", "head_dim"),
    {},
    "2 C (H - G) hs weights removed from W_K and W_V",
    lambda d_model, heads, groups, head_dim: G.kv_params_removed(
        int(d_model), int(heads), int(groups), int(head_dim)
    ),
    D.derive_kv_params_removed,
)
