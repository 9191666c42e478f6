"""Attention computations: scores, weights and outputs from Q, K (and V) or from X and the
projections, with the arguments interviews vary: scale, a mask parameter, causal alignment,
a sliding window, padding, and RoPE on Q and K.

A named attention mistake runs the same computation with `mistake` (an `AttentionMistake`) in
its arguments; the answer is then what the mistaken candidate computes, or None when the
mistake changes nothing here.

Shape legend: T queries, S keys/values, hs head size, hv value size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qkv_drill.engine.masks import Align, causal_mask, query_positions, sliding_window_mask
from qkv_drill.engine.misconceptions import ATTENTION_COMPUTATIONS, Value
from qkv_drill.engine.mistaken import AttentionMistake, changes_anything, mistaken_attention
from qkv_drill.engine.reference import attention, project_qkv
from qkv_drill.engine.rope import RopeStyle, rope
from qkv_drill.engine.trace import Trace, attend_steps, trace_attention, trace_qk_attention
from qkv_drill.packs.computations.core import (
    Args,
    Computation,
    Result,
    arr,
    register,
    torch_backend,
)

OTHER_ALIGN: dict[str, Align] = {"top_left": "bottom_right", "bottom_right": "top_left"}
OTHER_STYLE: dict[str, RopeStyle] = {"half": "interleaved", "interleaved": "half"}
ATTENTION_OPTIONAL: dict[str, object] = {
    "causal": False,
    "causal_align": "top_left",
    "window": None,
    "padding": None,
    "scale": None,
    "mask": None,
    "rope": False,
    "rope_style": "half",
}
"""Every attention computation's optional arguments (see docs/pack-format.md)."""


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """The inputs attention runs on, after projections, RoPE and masks."""

    q: np.ndarray  # (T, hs)
    k: np.ndarray  # (S, hs)
    v: np.ndarray  # (S, hv)
    mask: np.ndarray | None  # (T, S): boolean (True = may attend) or additive
    causal: bool  # the plain top-left causal mask, left to `attention`
    scale: float | None


def _qkv(a: Args) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q, K, V of the instance: given directly, or projected from X."""
    if a.get("X") is not None:
        w_v = a["W_V"] if a.get("W_V") is not None else a["W_K"]  # weights only: any V will do
        return project_qkv(arr(a["X"]), arr(a["W_Q"]), arr(a["W_K"]), arr(w_v))
    Q, K = arr(a["Q"]), arr(a["K"])  # (T, hs), (S, hs)
    V = arr(a["V"]) if a.get("V") is not None else np.eye(K.shape[0])  # (S, hv)
    return Q, K, V


def _user_mask(a: Args) -> np.ndarray | None:
    """The `mask` parameter: 0/1 entries are boolean (1 = may attend), others are added."""
    if a.get("mask") is None:
        return None
    m = arr(a["mask"])  # (T, S)
    return m.astype(bool) if np.isin(m, (0.0, 1.0)).all() else m


def prepare(a: Args, mistake: AttentionMistake | None = None) -> Prepared:
    """Project, rotate and mask as the arguments say (and as `mistake`, when given, gets wrong)."""
    m = mistake or AttentionMistake()
    q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
    t, s = q.shape[0], k.shape[0]
    align: Align = "bottom_right" if a.get("causal_align") == "bottom_right" else "top_left"
    if m.causal_align_swapped:
        align = OTHER_ALIGN[align]
    if a.get("rope"):
        style: RopeStyle = "interleaved" if a.get("rope_style") == "interleaved" else "half"
        style = OTHER_STYLE[style] if m.rope_style_swapped else style
        q = rope(q, query_positions(t, s, "bottom_right"), style=style)  # (T, hs) Q sits last
        k = rope(k, style=style)  # (S, hs)
        if m.rope_on_values:
            v = rope(v, style=style)  # (S, hv) the mistake: values carry no position
    mask = _user_mask(a)
    allowed = np.ones((t, s), dtype=bool)  # (T, S)
    causal = bool(a.get("causal")) and m.causal != "dropped"
    window = a.get("window")
    plain_causal = causal and align == "top_left" and window is None
    if window is not None and m.causal != "dropped":
        w = int(window) + (1 if m.window_off_by_one else 0)
        allowed &= sliding_window_mask(t, s, w, align)
    elif causal and not plain_causal:
        allowed &= causal_mask(t, s, align)
    if a.get("padding") is not None:
        n = int(a["padding"])  # real tokens; the rest are padding
        if m.padding_on_queries:
            allowed &= (np.arange(t) < n)[:, None]  # the mistake: rows masked, keys kept
        else:
            allowed &= (np.arange(s) < n)[None, :]  # no query attends to a pad key
    if not allowed.all():
        mask = allowed if mask is None else _combine(mask, allowed)
    scale = None if a.get("scale") is None else float(a["scale"])
    return Prepared(q=q, k=k, v=v, mask=mask, causal=plain_causal, scale=scale)


def _combine(mask: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    combined: np.ndarray = (
        mask & allowed if mask.dtype == bool else np.where(allowed, mask, -np.inf)
    )
    return combined


def _applies(a: Args, m: AttentionMistake, p: Prepared) -> bool:
    """False when the mistake cannot change the answer for these arguments."""
    t, s = p.q.shape[0], p.k.shape[0]
    if m.rope_on_values or m.rope_style_swapped:
        return bool(a.get("rope")) and (p.q.shape[1] > 2 or m.rope_on_values)
    if m.causal_align_swapped:
        return (bool(a.get("causal")) or a.get("window") is not None) and t != s
    if m.window_off_by_one:
        return a.get("window") is not None
    if m.padding_on_queries:
        return a.get("padding") is not None and int(a["padding"]) < max(t, s)
    if m.causal == "dropped":
        return bool(a.get("causal")) or a.get("window") is not None
    if m.causal == "inverted" and (a.get("window") is not None or not p.causal):
        return False  # only the plain top-left causal mask is inverted
    return changes_anything(m, p.q.shape[-1], s, p.causal or m.causal == "as_asked")


def _mistaken(a: Args, mistake: AttentionMistake, part: int) -> Value | None:
    p = prepare(a, mistake)
    if not _applies(a, mistake, p):
        return None
    core = AttentionMistake(
        scale=mistake.scale,
        causal=mistake.causal if mistake.causal == "inverted" else "as_asked",
        softmax_axis=mistake.softmax_axis,
        transpose_k=mistake.transpose_k,
        softmax=mistake.softmax,
        needs_d_model=mistake.needs_d_model,
    )
    d_model = int(arr(a["X"]).shape[-1]) if a.get("X") is not None else a.get("d_model")
    if mistake.scale is not None and p.scale is not None:
        return None  # a scale given in the question is not the one the candidate gets wrong
    y, w = mistaken_attention(core, p.q, p.k, p.v, p.mask, p.causal, d_model=d_model)
    return (y, w)[part]


def _trace(a: Args, p: Prepared, part: int) -> Trace:
    if a.get("X") is not None and a.get("W_V") is not None and not a.get("rope"):
        x, w_q, w_k, w_v = (arr(a[n]) for n in ("X", "W_Q", "W_K", "W_V"))
        return trace_attention(x, w_q, w_k, w_v, p.mask, p.causal, p.scale)
    if a.get("X") is not None and not a.get("rope"):  # the weights from X: no V needed
        tr = Trace()
        x = tr.add("X", "X", arr(a["X"]))  # (T, C)
        w_q, w_k = tr.add("W_Q", "W_Q", arr(a["W_Q"])), tr.add("W_K", "W_K", arr(a["W_K"]))
        tr.add("Q", "Q = X W_Q", x @ w_q)  # (T, hs)
        tr.add("K", "K = X W_K", x @ w_k)  # (T, hs)
        attend_steps(tr, p.q, p.k, p.v, p.mask, p.causal, p.scale, with_output=False)
        return tr
    if not a.get("rope"):
        given_v = p.v if part == 0 and (a.get("V") is not None or a.get("X") is not None) else None
        return trace_qk_attention(p.q, p.k, given_v, p.causal, p.mask, p.scale)
    tr = Trace()
    style = a.get("rope_style") or "half"
    tr.add("Q rotated", f"RoPE({style}) of Q, query i at position i + S - T", p.q)
    tr.add("K rotated", f"RoPE({style}) of K, key j at position j", p.k,
           note="the values are not rotated")  # fmt: skip
    attend_steps(tr, p.q, p.k, p.v, p.mask, p.causal, p.scale, with_output=part == 0)
    return tr


def _attend(part: int) -> Callable[[Args], Result]:
    def f(a: Args) -> Result:
        mistake = a.get("mistake")
        if isinstance(mistake, AttentionMistake):
            return Result(value=_mistaken(a, mistake, part))
        p = prepare(a)
        out, w = attention(p.q, p.k, p.v, p.mask, p.causal, p.scale)  # (T, hv), (T, S)
        return Result(value=(out, w)[part], trace=_trace(a, p, part), heatmap=w)

    return f


def _attend_value(part: int) -> Callable[[Args], Value | None]:
    def f(a: Args) -> Value | None:
        mistake = a.get("mistake")
        if isinstance(mistake, AttentionMistake):
            return _mistaken(a, mistake, part)
        p = prepare(a)
        return attention(p.q, p.k, p.v, p.mask, p.causal, p.scale)[part]

    return f


def _attend_torch(part: int) -> Callable[[Args], np.ndarray]:
    def f(a: Args) -> np.ndarray:
        p = prepare(a)
        out: np.ndarray = torch_backend().attention(p.q, p.k, p.v, p.mask, p.causal, p.scale)[part]
        return out

    return f


_ATTENTION = {
    "attention_weights": (("Q", "K"), 1, "softmax(Q K^T / sqrt(d_k)), rows sum to 1"),
    "attention_output": (("Q", "K", "V"), 0, "weights V"),
    "self_attention": (("X", "W_Q", "W_K", "W_V"), 0, "the attention output computed from X"),
    "self_attention_weights": (("X", "W_Q", "W_K"), 1, "the attention weights computed from X"),
}
if set(_ATTENTION) != set(ATTENTION_COMPUTATIONS):
    raise RuntimeError("engine.misconceptions.ATTENTION_COMPUTATIONS is out of date")

for _name, (_req, _part, _ret) in _ATTENTION.items():
    register(
        Computation(
            name=_name,
            kind="matrix",
            required=_req,
            optional=dict(ATTENTION_OPTIONAL),
            returns=_ret,
            fn=_attend(_part),
            value=_attend_value(_part),
            matrix_args=(*_req, "mask"),
            torch_fn=_attend_torch(_part),
        )
    )
