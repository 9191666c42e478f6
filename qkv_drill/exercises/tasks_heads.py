"""Exercises on projections, heads (split, merge, multi-head, grouped-query), cross-attention and
a KV-cache decode step.

Weights use the engine's (in, out) layout: Q = X W_Q with W_Q (C, H*hs).
Shape legend: B batch;  T positions (Tq, Tk);  C d_model;  H heads, Hkv key/value heads;
hs head size;  dk, dv widths;  S cached length
"""

from __future__ import annotations

import numpy as np

from qkv_drill.engine import (
    attention_mistake,
    gqa_attention,
    merge_heads,
    mistaken_multi_head,
    split_heads,
)
from qkv_drill.engine.multihead import HeadWeights, multi_head_attention, project_heads
from qkv_drill.engine.reference import attention
from qkv_drill.exercises import layouts as L
from qkv_drill.exercises.registry import Args, Case, Outputs, Task, register, values


def _batch(a: Args) -> tuple[int, ...]:
    return (int(a["batch"]),) if int(a.get("batch", 0)) > 0 else ()


# --- projections ----------------------------------------------------------------------------------


def _build_project(rng: np.random.Generator, a: Args) -> Case:
    c, dk, t = int(a["d_model"]), int(a["d_k"]), int(a["T"])
    return {
        "x": values(rng, (*_batch(a), t, c), 1.0),  # (..., T, C)
        "w_q": values(rng, (c, dk), 1.0),  # (C, dk)
        "w_k": values(rng, (c, dk), 1.0),  # (C, dk)
        "w_v": values(rng, (c, dk), 1.0),  # (C, dv)
    }


def _project(c: Case, transpose: bool = False) -> Outputs | None:
    ws = [c["w_q"], c["w_k"], c["w_v"]]
    if transpose:
        if ws[0].shape[0] != ws[0].shape[1]:
            return None  # x @ W^T is not even defined: the code would raise instead
        ws = [w.T for w in ws]
    return tuple(c["x"] @ w for w in ws)  # 3 x (..., T, dk)


register(
    Task(
        name="project_qkv",
        arguments=("x", "w_q", "w_k", "w_v"),
        defaults={"batch": 0, "T": 3, "d_model": 4, "d_k": 4},
        build=_build_project,
        reference=_project,  # type: ignore[arg-type]  # never None without transpose
        wrong={"weights_transposed": lambda c: _project(c, transpose=True)},
        returns="(q, k, v)",
    )
)


# --- split and merge heads ----------------------------------------------------------------------


def _build_split(rng: np.random.Generator, a: Args) -> Case:
    h, hs, t = int(a["n_heads"]), int(a["head_size"]), int(a["T"])
    return {"x": values(rng, (*_batch(a), t, h * hs), 1.0), "n_heads": h}  # (..., T, C)


def _split_no_transpose(c: Case) -> Outputs:
    *lead, t, ch = c["x"].shape
    h = c["n_heads"]
    return (c["x"].reshape(*lead, h, t, ch // h),)  # the bug: positions leak into heads


register(
    Task(
        name="split_heads",
        arguments=("x", "n_heads"),
        defaults={"batch": 2, "T": 3, "n_heads": 2, "head_size": 2},
        build=_build_split,
        reference=lambda c: (split_heads(c["x"], c["n_heads"]),),
        wrong={"split_no_transpose": _split_no_transpose},
        returns="the heads (..., H, T, hs)",
    )
)


def _build_merge(rng: np.random.Generator, a: Args) -> Case:
    h, hs, t = int(a["n_heads"]), int(a["head_size"]), int(a["T"])
    return {"x": values(rng, (*_batch(a), h, t, hs), 1.0)}  # (..., H, T, hs)


def _merge_wrong_order(c: Case) -> Outputs:
    *lead, h, t, hs = c["x"].shape
    return (c["x"].reshape(*lead, t, h * hs),)  # no swap of H and T first


register(
    Task(
        name="merge_heads",
        arguments=("x",),
        defaults={"batch": 2, "T": 3, "n_heads": 2, "head_size": 2},
        build=_build_merge,
        reference=lambda c: (merge_heads(c["x"]),),
        wrong={"heads_merged_wrong_order": _merge_wrong_order},
        returns="the merged heads (..., T, H*hs)",
    )
)


# --- multi-head and grouped-query attention -----------------------------------------------------


def _build_mha(rng: np.random.Generator, a: Args) -> Case:
    h, hs, t, c = int(a["n_heads"]), int(a["head_size"]), int(a["T"]), int(a["d_model"])
    hkv = int(a["n_kv_heads"]) if a.get("gqa") else h
    case = {
        "x": values(rng, (*_batch(a), t, c), float(a["scale"])),  # (..., T, C)
        "w_q": values(rng, (c, h * hs), 1.0),  # (C, H*hs)
        "w_k": values(rng, (c, hkv * hs), 1.0),  # (C, Hkv*hs)
        "w_v": values(rng, (c, hkv * hs), 1.0),  # (C, Hkv*hs)
        "w_o": values(rng, (h * hs, c), 1.0),  # (H*hs, C)
        "n_heads": h,
    }
    if a.get("gqa"):
        case["n_kv_heads"] = hkv
    return case


def _layer(c: Case) -> HeadWeights:
    """The case's weights and head layout as one layer."""
    return HeadWeights(
        w_q=c["w_q"],
        w_k=c["w_k"],
        w_v=c["w_v"],
        w_o=c["w_o"],
        n_heads=c["n_heads"],
        n_kv_heads=c.get("n_kv_heads"),
    )


def _mha(c: Case) -> Outputs:
    return (multi_head_attention(c["x"], None, _layer(c))[0],)


def _mha_mistake(name: str):
    def f(c: Case) -> Outputs:
        return (mistaken_multi_head(attention_mistake(name), c["x"], c["x"], _layer(c))[0],)

    return f


def _mha_no_w_o(c: Case) -> Outputs:
    qh, kh, vh = project_heads(c["x"], None, _layer(c))
    return (merge_heads(attention(qh, kh, vh)[0]),)  # (..., T, H*hs): W_O never applied


def _mha_split_no_transpose(c: Case) -> Outputs:
    x, h = c["x"], c["n_heads"]
    *lead, t, _ = x.shape

    def heads(m: np.ndarray) -> np.ndarray:
        return m.reshape(*lead, h, t, -1)  # (..., H, T, hs) by reshape alone: the bug

    y, _ = attention(heads(x @ c["w_q"]), heads(x @ c["w_k"]), heads(x @ c["w_v"]))
    return (merge_heads(y) @ c["w_o"],)  # (..., T, C)


_MHA = {"batch": 0, "T": 3, "d_model": 4, "n_heads": 2, "n_kv_heads": 2, "head_size": 2}

register(
    Task(
        name="multi_head_attention",
        arguments=("x", "w_q", "w_k", "w_v", "w_o", "n_heads"),
        defaults={**_MHA, "scale": 1.0, "gqa": False},
        build=_build_mha,
        reference=_mha,
        wrong={
            **{
                mc: _mha_mistake(mc)
                for mc in (
                    "no_scaling",
                    "scale_by_dmodel",
                    "softmax_wrong_axis",
                    "heads_merged_wrong_order",
                )
            },
            "forgot_output_projection": lambda c: (
                _mha_no_w_o(c) if c["w_o"].shape[0] == c["w_o"].shape[1] else None
            ),
            "split_no_transpose": _mha_split_no_transpose,
        },
        returns="the output (..., T, C)",
    )
)


def _gqa(c: Case, tiled: bool = False, scale: float | None = None) -> Outputs:
    """Through the engine's grouped-query attention; `tiled=True` is the `repeat` mistake."""
    x, h, hkv = c["x"], c["n_heads"], c["n_kv_heads"]
    q = split_heads(x @ c["w_q"], h)  # (..., H, T, hs)
    k = split_heads(x @ c["w_k"], hkv)  # (..., Hkv, T, hs)
    v = split_heads(x @ c["w_v"], hkv)  # (..., Hkv, T, hs)
    y, _ = gqa_attention(q, k, v, scale=scale, tiled=tiled)  # (..., H, T, hs)
    return (merge_heads(y) @ c["w_o"],)  # (..., T, C)


register(
    Task(
        name="gqa_attention",
        arguments=("x", "w_q", "w_k", "w_v", "w_o", "n_heads", "n_kv_heads"),
        defaults={**_MHA, "n_heads": 4, "scale": 1.0, "gqa": True},
        build=_build_mha,
        reference=_mha,
        wrong={
            "kv_heads_tiled": lambda c: _gqa(c, tiled=True),
            "no_scaling": lambda c: _gqa(c, scale=1.0),
        },
        returns="the output (..., T, C)",
    )
)


# --- cross-attention --------------------------------------------------------------------------


def _build_cross(rng: np.random.Generator, a: Args) -> Case:
    c, dk, tq, tk = int(a["d_model"]), int(a["d_k"]), int(a["Tq"]), int(a["Tk"])
    return {
        "x": values(rng, (*_batch(a), tq, c), 1.0),  # (..., Tq, C) decoder side
        "context": values(rng, (*_batch(a), tk, c), 1.0),  # (..., Tk, C) encoder output
        "w_q": values(rng, (c, dk), 1.0),  # (C, dk)
        "w_k": values(rng, (c, dk), 1.0),  # (C, dk)
        "w_v": values(rng, (c, dk), 1.0),  # (C, dv)
    }


def _cross(c: Case, kv_from: str = "context", scale: float | None = None) -> Outputs:
    q = c["x"] @ c["w_q"]  # (..., Tq, dk)
    k = c[kv_from] @ c["w_k"]  # (..., Tk, dk)
    v = c[kv_from] @ c["w_v"]  # (..., Tk, dv)
    return (attention(q, k, v, scale=scale)[0],)  # (..., Tq, dv)


register(
    Task(
        name="cross_attention",
        arguments=("x", "context", "w_q", "w_k", "w_v"),
        defaults={"batch": 0, "Tq": 2, "Tk": 3, "d_model": 4, "d_k": 2},
        build=_build_cross,
        reference=_cross,
        wrong={
            "cross_kv_from_queries": lambda c: _cross(c, kv_from="x"),
            "no_scaling": lambda c: _cross(c, scale=1.0),
        },
        returns="the output (..., Tq, d_v)",
    )
)


# --- a KV-cache decode step -------------------------------------------------------------------


def _build_decode(rng: np.random.Generator, a: Args) -> Case:
    lead = tuple(int(a[k]) for k in ("batch", "heads") if int(a.get(k, 0)) > 0)
    s, dk, dv = int(a["cached"]), int(a["d_k"]), int(a["d_v"])
    return {
        "q_t": values(rng, (*lead, 1, dk), 1.0),  # (..., 1, dk) the new token's query
        "k_cache": values(rng, (*lead, s, dk), 1.0),  # (..., S, dk)
        "v_cache": values(rng, (*lead, s, dv), 1.0),  # (..., S, dv)
        "k_t": values(rng, (*lead, 1, dk), 1.0),  # (..., 1, dk)
        "v_t": values(rng, (*lead, 1, dv), 1.0),  # (..., 1, dv)
    }


def _decode(c: Case) -> Outputs:
    return L.decode_step(c["q_t"], c["k_cache"], c["v_cache"], c["k_t"], c["v_t"])


def _decode_variant(kind: str):
    def f(c: Case) -> Outputs:
        _, k_all, v_all = _decode(c)  # (..., S+1, dk), (..., S+1, dv)
        if kind == "decode_without_new_token":
            y = attention(c["q_t"], c["k_cache"], c["v_cache"])[0]  # (..., 1, dv)
        elif kind == "causal_top_left":
            y = attention(c["q_t"], k_all, v_all, causal=True)[0]  # sees key 0 only
        else:
            y = attention(c["q_t"], k_all, v_all, scale=1.0)[0]
        return y, k_all, v_all

    return f


register(
    Task(
        name="decode_step",
        arguments=("q_t", "k_cache", "v_cache", "k_t", "v_t"),
        defaults={"batch": 0, "heads": 0, "cached": 3, "d_k": 4, "d_v": 2},
        build=_build_decode,
        reference=_decode,
        wrong={
            mc: _decode_variant(mc)
            for mc in ("decode_without_new_token", "causal_top_left", "no_scaling")
        },
        returns="(output, k_cache, v_cache)",
    )
)
