"""Computations for attention as it is asked today: serving and training cost, the GQA head
mapping, RoPE, aligned causal and sliding-window masks, and named config fields.

Shape legend: T queries, S keys, d features.
"""

from __future__ import annotations

import numpy as np

from qkv_drill.engine import serving as S
from qkv_drill.engine.decoding import decode_step, kv_head_of
from qkv_drill.engine.masks import causal_mask, sliding_window_mask
from qkv_drill.engine.rope import rope, rope_angles
from qkv_drill.engine.serving_derivations import SERVING_DERIVATIONS
from qkv_drill.engine.trace import Trace, num
from qkv_drill.packs.computations.core import (
    Args,
    Computation,
    Result,
    arr,
    register,
    torch_backend,
)
from qkv_drill.packs.computations.quantities import quantity
from qkv_drill.packs.configs import CONFIG_FIELDS

CACHE = ("layers", "kv_heads", "head_dim")


def _serving(name: str, required: tuple[str, ...], optional: Args, returns: str) -> None:
    quantity(name, required, optional, returns, S, SERVING_DERIVATIONS)


_serving(
    "kv_cache_windowed",
    (*CACHE, "seq", "window"),
    {"batch": 1, "bytes": 2},
    "bytes of a KV cache that keeps the last `window` tokens",
)
_serving("prefill_flops", ("params", "layers", "d_model", "seq"), {}, "forward FLOPs of a prompt")
_serving(
    "decode_flops",
    ("params", "layers", "d_model", "context"),
    {},
    "forward FLOPs of one generated token with `context` tokens cached",
)
_serving(
    "decode_bytes",
    ("params", *CACHE, "context"),
    {"batch": 1, "bytes": 2},
    "bytes read per decode step: weights + KV cache",
)
_serving(
    "decode_intensity",
    ("params", "layers", "d_model", "kv_heads", "head_dim", "context"),
    {"batch": 1, "bytes": 2},
    "FLOPs per byte read in one decode step",
)
_serving(
    "flash_extra_memory",
    ("seq",),
    {"heads": 1, "batch": 1, "bytes": 4},
    "FlashAttention's working memory beyond inputs and output: O(T)",
)
_serving(
    "training_flops",
    ("params", "tokens", "layers", "d_model", "seq"),
    {},
    "6 N T plus the attention term",
)
_serving("gqa_cache_ratio", ("heads", "kv_heads"), {}, "KV cache with all heads / with kv_heads")


def _kv_head(a: Args) -> Result:
    j, h, kv = int(a["query_head"]), int(a["heads"]), int(a["kv_heads"])
    group = h // kv if kv > 0 and h % kv == 0 else 0
    tr = Trace()
    tr.add("group size", f"heads / kv_heads = {num(h)} / {num(kv)} = {num(group)}", group,
           note="consecutive query heads share one key/value head")  # fmt: skip
    head = kv_head_of(j, h, kv)
    tr.add("kv head", f"{num(j)} // {num(group)} = {num(head)}", head)
    return Result(value=float(head), trace=tr)


register(
    Computation(
        name="kv_head",
        kind="numeric",
        required=("query_head", "heads", "kv_heads"),
        returns="the key/value head query head `query_head` reads under GQA",
        fn=_kv_head,
        value=lambda a: float(
            kv_head_of(int(a["query_head"]), int(a["heads"]), int(a["kv_heads"]))
        ),
    )
)


def _config_field(a: Args) -> Result:
    field = str(a["field"])
    value = float(a[field])
    tr = Trace()
    tr.add(field, f"{field} = {num(value)}", value, note="from the model's published config")
    return Result(value=value, trace=tr)


register(
    Computation(
        name="config_field",
        kind="numeric",
        required=("field",),
        optional=dict.fromkeys(CONFIG_FIELDS),
        returns="a field of the named config (`field: head_dim`)",
        fn=_config_field,
        value=lambda a: float(a[str(a["field"])]),
    )
)


def _rope_value(a: Args) -> np.ndarray:
    return rope(arr(a["x"]), base=float(a.get("base", 10000.0)), style=a.get("style", "half"))


def _rope(a: Args) -> Result:
    x = arr(a["x"])  # (T, d)
    style = a.get("style", "half")
    tr = Trace()
    tr.add("x", "x", x)
    ang = rope_angles(x.shape[0], x.shape[1], base=float(a.get("base", 10000.0)))  # (T, d/2)
    pairs = "(x_i, x_{i+d/2})" if style == "half" else "(x_2i, x_2i+1)"
    tr.add("angles", "angle[m, i] = m * base^(-2i/d)", ang, note=f"pairs {pairs}")
    out = _rope_value(a)
    tr.add("rotated", "(a, b) -> (a cos - b sin, a sin + b cos)", out)
    return Result(value=out, trace=tr)


register(
    Computation(
        name="rope",
        kind="matrix",
        required=("x",),
        optional={"base": 10000.0, "style": "half"},
        returns="x (T, d) with RoPE applied, row m at position m",
        fn=_rope,
        value=_rope_value,
        matrix_args=("x",),
        torch_fn=lambda a: torch_backend().rope(
            arr(a["x"]), base=float(a.get("base", 10000.0)), style=a.get("style", "half")
        ),
    )
)


def _mask_result(m: np.ndarray, what: str) -> Result:
    value = m.astype(float)  # (T, S) 1 = may attend
    tr = Trace()
    tr.add("mask", what, value, note="1 = may attend, 0 = hidden")
    return Result(value=value, trace=tr, heatmap=value)


def _causal(a: Args) -> np.ndarray:
    return causal_mask(int(a["tq"]), int(a["tk"]), a.get("align", "top_left")).astype(float)


def _causal_result(a: Args) -> Result:
    shift = " + S - T" if a.get("align") == "bottom_right" else ""
    return _mask_result(_causal(a) > 0, f"key j visible to query i when j <= i{shift}")


register(
    Computation(
        name="aligned_causal_mask",
        kind="matrix",
        required=("tq", "tk"),
        optional={"align": "top_left"},
        returns="the causal mask as 0/1, aligned top-left or bottom-right",
        fn=_causal_result,
        value=_causal,
    )
)


def _window(a: Args) -> np.ndarray:
    m = sliding_window_mask(
        int(a["tq"]), int(a["tk"]), int(a["window"]), a.get("align", "bottom_right")
    )
    return m.astype(float)


register(
    Computation(
        name="sliding_window_mask",
        kind="matrix",
        required=("tq", "tk", "window"),
        optional={"align": "bottom_right"},
        returns="the sliding-window mask as 0/1: itself and the window - 1 keys before",
        fn=lambda a: _mask_result(_window(a) > 0, f"causal, at most {a['window']} keys per query"),
        value=_window,
    )
)


def _decode_inputs(a: Args) -> tuple[np.ndarray, ...]:
    q = arr(a["q"]).reshape(1, -1)  # (1, dk) the new token's query
    k = arr(a["k"]).reshape(1, -1)  # (1, dk) its key
    v = arr(a["v"]).reshape(1, -1)  # (1, dv) its value
    kc = arr(a["K_cache"]).reshape(-1, q.shape[1])  # (T, dk) T may be 0
    vc = arr(a["V_cache"]).reshape(-1, v.shape[1])  # (T, dv)
    return q, kc, vc, k, v


def _decode_value(a: Args) -> np.ndarray:
    q, kc, vc, k, v = _decode_inputs(a)
    out: np.ndarray = decode_step(q, kc, vc, k, v)[0][0]  # (dv,)
    return out


def _decode(a: Args) -> Result:
    q, kc, vc, k, v = _decode_inputs(a)
    out, w, k_all, v_all = decode_step(q, kc, vc, k, v)  # (1, dv), (1, T+1), (T+1, d)
    tr = Trace()
    tr.add("K", "K = [K_cache; k]", k_all, note="the new key is appended before attending")
    tr.add("V", "V = [V_cache; v]", v_all)
    tr.add("scores", "scores = q K^T / sqrt(d_k)", (q @ k_all.T) / np.sqrt(q.shape[-1]))
    tr.add("weights", "weights = softmax(scores)", w, note="no mask: the cache holds the past")
    tr.add("output", "output = weights V", out[0])
    return Result(value=out[0], trace=tr, heatmap=w)


register(
    Computation(
        name="decode_output",
        kind="matrix",
        required=("q", "K_cache", "V_cache", "k", "v"),
        returns="one decode step's output: q over the cache plus its own key and value",
        fn=_decode,
        value=_decode_value,
        matrix_args=("q", "K_cache", "V_cache", "k", "v"),
        torch_fn=lambda a: torch_backend().decode_step(*_decode_inputs(a))[0][0],
    )
)
