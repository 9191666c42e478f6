"""Attention computations: weights and outputs from Q, K (and V) or from X and the projections.

A named attention mistake runs the same computation with `mistake` (an `AttentionMistake`) in
its arguments; the answer is then what the mistaken candidate computes, or None when the
mistake changes nothing here.

Shape legend: T queries, S keys/values, hs head size, hv value size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qkv_drill.engine.misconceptions import ATTENTION_COMPUTATIONS, Value
from qkv_drill.engine.mistaken import AttentionMistake, changes_anything, mistaken_attention
from qkv_drill.engine.reference import attention, project_qkv
from qkv_drill.engine.trace import trace_attention, trace_qk_attention
from qkv_drill.packs.computations.core import (
    Args,
    Computation,
    Result,
    arr,
    register,
    torch_backend,
)


def _qkv(a: Args) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q, K, V of the instance: given directly, or projected from X."""
    if a.get("X") is not None:
        return project_qkv(arr(a["X"]), arr(a["W_Q"]), arr(a["W_K"]), arr(a["W_V"]))
    Q, K = arr(a["Q"]), arr(a["K"])  # (T, hs), (S, hs)
    V = arr(a["V"]) if a.get("V") is not None else np.eye(K.shape[0])  # (S, hv)
    return Q, K, V


def _d_model(a: Args) -> int | None:
    if a.get("X") is not None:
        return int(arr(a["X"]).shape[-1])
    return None if a.get("d_model") is None else int(a["d_model"])


def _mistaken(a: Args, mistake: AttentionMistake, part: int) -> Value | None:
    q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
    causal = bool(a.get("causal"))
    if not changes_anything(mistake, q.shape[-1], k.shape[0], causal):
        return None
    return mistaken_attention(mistake, q, k, v, causal=causal, d_model=_d_model(a))[part]


def _attend(part: int) -> Callable[[Args], Result]:
    def f(a: Args) -> Result:
        mistake = a.get("mistake")
        if isinstance(mistake, AttentionMistake):
            return Result(value=_mistaken(a, mistake, part))
        q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
        causal = bool(a.get("causal"))
        out, w = attention(q, k, v, causal=causal)  # (T, hv), (T, S)
        if a.get("X") is not None:
            trace = trace_attention(
                arr(a["X"]), arr(a["W_Q"]), arr(a["W_K"]), arr(a["W_V"]), causal=causal
            )
        else:  # given Q, K (and V): the weights question stops at the weights
            given_v = arr(a["V"]) if part == 0 and a.get("V") is not None else None
            trace = trace_qk_attention(q, k, given_v, causal=causal)
        return Result(value=(out, w)[part], trace=trace, heatmap=w)

    return f


def _attend_value(part: int) -> Callable[[Args], Value | None]:
    def f(a: Args) -> Value | None:
        mistake = a.get("mistake")
        if isinstance(mistake, AttentionMistake):
            return _mistaken(a, mistake, part)
        q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
        return attention(q, k, v, causal=bool(a.get("causal")))[part]

    return f


def _attend_torch(part: int) -> Callable[[Args], np.ndarray]:
    def f(a: Args) -> np.ndarray:
        q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
        return torch_backend().attention(q, k, v, causal=bool(a.get("causal")))[part]

    return f


_ATTENTION = {
    "attention_weights": (("Q", "K"), 1, "softmax(Q K^T / sqrt(d_k)), rows sum to 1"),
    "attention_output": (("Q", "K", "V"), 0, "weights V"),
    "self_attention": (("X", "W_Q", "W_K", "W_V"), 0, "the attention output computed from X"),
}
assert set(_ATTENTION) == set(ATTENTION_COMPUTATIONS)

for _name, (_req, _part, _ret) in _ATTENTION.items():
    register(
        Computation(
            name=_name,
            kind="matrix",
            required=_req,
            optional={"causal": False},
            returns=_ret,
            fn=_attend(_part),
            value=_attend_value(_part),
            matrix_args=_req,
            torch_fn=_attend_torch(_part),
        )
    )
