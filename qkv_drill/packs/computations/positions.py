"""Computations for the positions and why-attention packs: positional encodings, ALiBi, RoPE
context extension (why-attention and serving are in computations/architecture.py).

Each wraps an engine function (engine.positions) and its derivation (engine.derive_positions).

Shape legend: T positions, hs head size.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qkv_drill.engine import derive_positions as D
from qkv_drill.engine import positions as P
from qkv_drill.engine.trace import Trace
from qkv_drill.packs.computations.core import (
    Args,
    Computation,
    Result,
    arr,
    register,
)
from qkv_drill.packs.computations.simple import REGISTERED, register_simple

BASE = {"base": 10000.0}


# --- sinusoidal and learned absolute ---------------------------------------------------------


def _pe_entry(pos: int, dim: int, d: int, base: float = 10000.0) -> float:
    if not 0 <= dim < d:
        raise ValueError(f"dim={dim} must be in [0, {d - 1}]")
    return float(P.sinusoidal_positions(pos + 1, d, base)[pos, dim])


register_simple(
    "pe_entry",
    "numeric",
    ("pos", "dim", "d"),
    BASE,
    "PE[pos, dim] of the sinusoidal table",
    _pe_entry,
    D.derive_pe_entry,
)
register_simple(
    "sinusoidal_pe",
    "matrix",
    ("seq", "d"),
    BASE,
    "the (seq, d) sinusoidal table",
    P.sinusoidal_positions,
    D.derive_sinusoidal_positions,
)
register_simple(
    "pe_wavelength",
    "numeric",
    ("pair", "d"),
    BASE,
    "2 pi base^(2 pair / d), in positions",
    lambda pair, d, base=10000.0: P.wavelengths(d, base)[P.pair_index(int(pair), d)],
    D.derive_wavelength,
)
register_simple(
    "pe_offset_rotation",
    "matrix",
    ("offset", "pair", "d"),
    BASE,
    "the 2x2 rotation taking a (sin, cos) pair from p to p + offset",
    P.offset_rotation,
    D.derive_offset_rotation,
)
register_simple(
    "pe_similarity",
    "numeric",
    ("offset", "d"),
    BASE,
    "PE(p) . PE(p + offset)",
    P.pe_similarity,
    D.derive_pe_similarity,
)
register_simple(
    "learned_position_params",
    "numeric",
    ("max_len", "d_model"),
    {},
    "max_len x d_model",
    P.learned_position_params,
    D.derive_learned_position_params,
)

# --- relative -------------------------------------------------------------------------------

register_simple(
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

    register_simple(
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


register_simple(
    "alibi_slopes",
    "matrix",
    ("heads",),
    {},
    "every head's slope, head 1 first",
    lambda heads: P.alibi_slopes(int(heads)),
    D.derive_alibi_slopes,
)
register_simple(
    "alibi_slope",
    "numeric",
    ("heads", "head"),
    {},
    "the slope of head `head` (from 1)",
    _slope,
    D.derive_alibi_slope,
)
register_simple(
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


register_simple(
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
REGISTERED.append("alibi_weights")  # registered by hand: it has a torch path

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

    register_simple(
        _name,
        "numeric",
        ("position", "d", "pair"),
        {**_extra, "base": 10000.0},
        f"the rotation angle (radians) of pair `pair`, {_what}",
        _angle,
        _angle_trace,
    )
register_simple(
    "ntk_base",
    "numeric",
    ("base", "scale", "d"),
    {},
    "b s^(d / (d - 2))",
    P.ntk_base,
    D.derive_ntk_base,
)
