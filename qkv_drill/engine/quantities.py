"""Sizes, parameter counts, FLOPs, memory and variances: plain functions of ints and floats.

Conventions: FLOPs count a multiply-add as 2; `bytes` is bytes per element; weights follow the
article, W_Q is (d_model, heads*d_k).

Wrong variants. `QUANTITY_MISCONCEPTIONS[func_name][misconception_name]` is a callable taking the
same arguments as the function `func_name` and returning the value a candidate making that mistake
would give, e.g. `QUANTITY_MISCONCEPTIONS["kv_cache"]["kv_only_one"](layers=32, ...)`. Keys are the
computation names of the pack format, which are the function names here (`shape` is
`shapes.attention_shape`).
`wrong_value(func_name, name, **kwargs)` does the look-up and the call, and
`supported_misconceptions(func_name)` lists the names. A variant may equal the right value for some
arguments (`counted_bias` when bias=True); callers check that the numbers discriminate.
`kv_ignores_gqa` needs the query head count, passed as `heads=`; `scale_by_dmodel` needs `d_model=`.

Shape legend (the Monte Carlo estimate): N samples, dk components per vector.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable

import numpy as np

from qkv_drill.engine.shapes import attention_shape

MC_CHUNK_ELEMENTS = 1 << 20
"""Random numbers per array per chunk in `mc_qk_variance` (8 MB of float64)."""


def head_dim(d_model: int, heads: int) -> int:
    """d_k = d_model / heads: the heads split the model width, they do not each get all of it."""
    if heads <= 0 or d_model % heads:
        raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
    return d_model // heads


def scale_factor(d_k: int, d_model: int | None = None) -> float:
    """1/sqrt(d_k): brings Var(q.k) back from d_k to 1.

    `d_model` does not change the answer; it is only used by `scale_by_dmodel`.
    """
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
    return _projection_count(d_model, heads * hs, kv_heads * hs, bias, output)


def _projection_count(d_model: int, q_out: int, kv_out: int, bias: bool, output: bool) -> int:
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
    """weights V: (seq, seq_kv) @ (seq_kv, d_k), per head and batch element (d_k here is d_v)."""
    seq_kv = seq if seq_kv is None else seq_kv
    return 2 * batch * heads * seq * seq_kv * d_k


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


def kv_cache_per_token(
    layers: int, kv_heads: int, head_dim: int, bytes: int = 2, heads: int | None = None
) -> int:
    """Bytes cached per generated token: K and V (2), per layer, per key/value head.

    `heads` (query heads) does not change the answer; it is only used by `kv_ignores_gqa`.
    """
    return 2 * layers * kv_heads * head_dim * bytes


def kv_cache(
    layers: int,
    kv_heads: int,
    head_dim: int,
    seq: int,
    batch: int = 1,
    bytes: int = 2,
    heads: int | None = None,
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


# Wrong variants ---------------------------------------------------------------------------------


def _variant(
    func: Callable[..., float],
    transform: Callable[[float, dict], float] | None = None,
    **override: object,
) -> Callable[..., float]:
    """`func` with some arguments overridden and/or its result transformed.

    An override may be a value or a callable of the bound arguments (a dict).
    """
    sig = inspect.signature(func)

    def wrong(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        for key, new in override.items():
            bound.arguments[key] = new(given) if callable(new) else new
        value = func(*bound.args, **bound.kwargs)
        return transform(value, given) if transform else value

    wrong.__name__ = f"{func.__name__}_wrong"
    return wrong


def _model_width(args: dict) -> int:
    if args.get("d_model") is None:
        raise ValueError("scale_by_dmodel needs d_model=")
    return int(args["d_model"])


def _query_heads(args: dict) -> int:
    if args.get("heads") is None:
        raise ValueError("kv_ignores_gqa needs the number of query heads: heads=")
    return int(args["heads"])


def _flops_family(func: Callable[..., float]) -> dict[str, Callable[..., float]]:
    return {
        "flops_as_macs": _variant(func, lambda v, a: v / 2),
        "forgot_batch": _variant(func, batch=1),
    }


def _variance_family(func: Callable[..., float]) -> dict[str, Callable[..., float]]:
    other = qk_std if func is qk_variance else qk_variance
    return {
        "std_for_variance": _variant(other),
        "no_scaling": _variant(func, scaled=False),
        # scores divided by d_k: variance d_k / d_k^2 = 1 / d_k, standard deviation its root
        "scale_by_dk": _variant(
            func, lambda v, a: func(a["d_k"]) / a["d_k"] ** (2 if func is qk_variance else 1)
        ),
    }


def _projection_params_no_split(d_model, heads, kv_heads=None, bias=False, output=True) -> int:
    """Every head projecting to the full d_model instead of d_model / heads."""
    kv_heads = heads if kv_heads is None else kv_heads
    return _projection_count(d_model, heads * d_model, kv_heads * d_model, bias, output)


QUANTITY_MISCONCEPTIONS: dict[str, dict[str, Callable[..., float]]] = {
    "head_dim": {"no_head_split": _variant(head_dim, lambda v, a: a["d_model"])},
    "scale_factor": {
        "no_scaling": _variant(scale_factor, lambda v, a: 1.0),
        "scale_by_dk": _variant(scale_factor, lambda v, a: 1.0 / a["d_k"]),
        "scale_by_dmodel": _variant(scale_factor, lambda v, a: 1.0 / math.sqrt(_model_width(a))),
    },
    "projection_params": {
        "forgot_output_projection": _variant(projection_params, output=False),
        "forgot_bias": _variant(projection_params, bias=False),
        "counted_bias": _variant(projection_params, bias=True),
        "kv_ignores_gqa": _variant(projection_params, kv_heads=None),
        "no_head_split": _projection_params_no_split,
    },
    "qkv_params_per_head": {
        "no_head_split": _variant(qkv_params_per_head, d_k=lambda a: a["d_model"]),
        "forgot_bias": _variant(qkv_params_per_head, bias=False),
        "counted_bias": _variant(qkv_params_per_head, bias=True),
    },
    "qk_flops": _flops_family(qk_flops),
    "av_flops": _flops_family(av_flops),
    "attention_flops": {
        **_flops_family(attention_flops),
        "no_head_split": _variant(attention_flops, lambda v, a: v * a["heads"]),
    },
    "score_memory": {"forgot_batch": _variant(score_memory, batch=1)},
    "kv_cache_per_token": {
        "kv_only_one": _variant(kv_cache_per_token, lambda v, a: v // 2),
        "forgot_layers": _variant(kv_cache_per_token, layers=1),
        "kv_ignores_gqa": _variant(kv_cache_per_token, kv_heads=_query_heads),
    },
    "kv_cache": {
        "kv_only_one": _variant(kv_cache, lambda v, a: v // 2),
        "forgot_layers": _variant(kv_cache, layers=1),
        "forgot_batch": _variant(kv_cache, batch=1),
        "kv_ignores_gqa": _variant(kv_cache, kv_heads=_query_heads),
    },
    "qk_variance": _variance_family(qk_variance),
    "qk_std": _variance_family(qk_std),
    "max_weight": {"no_scaling": _variant(max_weight, scaled=False)},
    "shape": {
        "forgot_batch": _variant(attention_shape, batch=None),
        "no_head_split": _variant(attention_shape, d_k=lambda a: a["d_model"]),
        "kv_ignores_gqa": _variant(attention_shape, kv_heads=None),
    },
    "mc_qk_variance": {
        "std_for_variance": _variant(mc_qk_variance, lambda v, a: math.sqrt(v)),
    },
}


def supported_misconceptions(func_name: str) -> frozenset[str]:
    """The misconception names that have a wrong variant for quantity `func_name`."""
    return frozenset(QUANTITY_MISCONCEPTIONS.get(func_name, {}))


def wrong_value(func_name: str, misconception: str, /, *args: object, **kwargs: object) -> float:
    """What a candidate making `misconception` answers for `func_name(*args, **kwargs)`."""
    try:
        variant = QUANTITY_MISCONCEPTIONS[func_name][misconception]
    except KeyError:
        raise KeyError(f"{func_name} has no wrong variant {misconception!r}") from None
    return variant(*args, **kwargs)
