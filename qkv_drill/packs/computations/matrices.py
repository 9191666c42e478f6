"""Shape and small-matrix computations: shapes, dot products, softmax, projection, scores.

Shape legend: T queries, S keys/values, hs head size, C d_model.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from qkv_drill.engine.reference import softmax
from qkv_drill.engine.shapes import attention_shape
from qkv_drill.engine.trace import (
    trace_dot,
    trace_project,
    trace_scores,
    trace_shape,
    trace_softmax,
)
from qkv_drill.packs.computations.core import (
    Args,
    Computation,
    Result,
    arr,
    pick,
    register,
    torch_backend,
)

SHAPE_OPTIONAL = ("batch", "seq_kv", "kv_heads", "d_k", "d_v")


def _shape(a: Args) -> tuple[int, ...]:
    kw = pick(a, SHAPE_OPTIONAL)
    return tuple(
        int(d) for d in attention_shape(a["which"], a["seq"], a["d_model"], a["heads"], **kw)
    )


def _shape_result(a: Args) -> Result:
    kw = pick(a, SHAPE_OPTIONAL)
    trace = trace_shape(a["which"], a["seq"], a["d_model"], a["heads"], **kw)
    return Result(value=_shape(a), trace=trace)


register(
    Computation(
        name="shape",
        kind="shape",
        required=("which", "seq", "d_model", "heads"),
        optional=dict.fromkeys(SHAPE_OPTIONAL),
        returns="the shape of `which`",
        fn=_shape_result,
        value=_shape,
    )
)


def _vec(x: object) -> np.ndarray:
    return arr(x).reshape(-1)


def _dot(scaled: bool) -> Callable[[Args], Result]:
    def f(a: Args) -> Result:
        q, k = _vec(a["q"]), _vec(a["k"])  # (hs,), (hs,)
        scale = 1.0 / math.sqrt(q.size) if scaled else 1.0
        return Result(value=float(q @ k) * scale, trace=trace_dot(q, k, scaled=scaled))

    return f


for _name, _scaled, _returns in (
    ("dot", False, "q . k"),
    ("scaled_dot", True, "q . k / sqrt(len)"),
):
    register(
        Computation(
            name=_name,
            kind="numeric",
            required=("q", "k"),
            returns=_returns,
            fn=_dot(_scaled),
            matrix_args=("q", "k"),
        )
    )


def _softmax_rows(a: Args) -> Result:
    w = softmax(arr(a["z"]), axis=-1)  # (T, S) each row sums to 1
    return Result(value=w, trace=trace_softmax(arr(a["z"])), heatmap=w if w.ndim == 2 else None)


register(
    Computation(
        name="softmax",
        kind="matrix",
        required=("z",),
        returns="softmax over the last axis (each row)",
        fn=_softmax_rows,
        matrix_args=("z",),
        torch_fn=lambda a: torch_backend().softmax(arr(a["z"]), axis=-1),
    )
)


def _project_torch(a: Args) -> np.ndarray:
    X, W = arr(a["X"]), arr(a["W"])
    out: np.ndarray = torch_backend().project_qkv(X, W, W, W)[0]  # (T, d_out)
    return out


register(
    Computation(
        name="project",
        kind="matrix",
        required=("X", "W"),
        returns="X W",
        fn=lambda a: Result(
            value=arr(a["X"]) @ arr(a["W"]),  # (T, C) @ (C, hs) -> (T, hs)
            trace=trace_project(arr(a["X"]), arr(a["W"])),
        ),
        matrix_args=("X", "W"),
        torch_fn=_project_torch,
    )
)


def _qk(a: Args) -> tuple[np.ndarray, np.ndarray]:
    """Q and K, given or projected from X."""
    if a.get("X") is not None:
        X = arr(a["X"])  # (T, C)
        return X @ arr(a["W_Q"]), X @ arr(a["W_K"])  # (T, hs), (T, hs)
    return arr(a["Q"]), arr(a["K"])  # (T, hs), (S, hs)


def _scale(a: Args) -> float:
    return 1.0 / math.sqrt(_qk(a)[0].shape[-1]) if a.get("scaled", True) else 1.0


def _scores(a: Args) -> np.ndarray:
    Q, K = _qk(a)  # (T, hs), (S, hs)
    scores: np.ndarray = (Q @ K.T) * _scale(a)  # (T, S)
    return scores


def _scores_torch(a: Args) -> np.ndarray:
    import torch  # only for the agreement check in `validate`

    if a.get("X") is not None:
        X = torch.as_tensor(arr(a["X"]))  # (T, C)
        Q, K = X @ torch.as_tensor(arr(a["W_Q"])), X @ torch.as_tensor(arr(a["W_K"]))
    else:
        Q, K = torch.as_tensor(arr(a["Q"])), torch.as_tensor(arr(a["K"]))  # (T, hs), (S, hs)
    return (Q @ K.T * _scale(a)).numpy()  # (T, S)


for _name, _req, _ret in (
    ("scores", ("Q", "K"), "Q K^T (/ sqrt(d_k))"),
    ("self_attention_scores", ("X", "W_Q", "W_K"), "Q K^T (/ sqrt(d_k)) with Q, K from X"),
):
    register(
        Computation(
            name=_name,
            kind="matrix",
            required=_req,
            optional={"scaled": True},
            returns=_ret,
            fn=lambda a: Result(
                value=_scores(a), trace=trace_scores(*_qk(a), scaled=bool(a.get("scaled", True)))
            ),
            value=_scores,
            matrix_args=_req,
            torch_fn=_scores_torch,
        )
    )
