"""The named computations packs call with `answer.compute`.

A pack never stores a numeric, shape or matrix answer: the engine computes it from the
instance's parameters, and the same computation gives the value each named misconception
produces, so a wrong answer can be recognised and named. Quantity mistakes come from
`engine.quantities.QUANTITY_MISCONCEPTIONS`, attention mistakes from
`engine.attention_with_misconception`.

Shape legend: T queries, S keys/values, hs head size, hv value size.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qkv_drill.engine import attention, attention_with_misconception, project_qkv, softmax
from qkv_drill.engine import quantities as Qn
from qkv_drill.engine.shapes import SHAPE_NAMES, attention_shape
from qkv_drill.engine.trace import (
    trace_attention,
    trace_dot,
    trace_project,
    trace_qk_attention,
    trace_scores,
    trace_shape,
    trace_softmax,
)

MAX_MATRIX_DIM = 64  # rows or columns of any matrix parameter
MAX_ELEMENTS = 4096  # elements of any array a matrix computation builds

Args = dict[str, Any]


@dataclass(frozen=True)
class Result:
    """A computed answer, with the derivation and attention heatmap when there is one."""

    value: Any  # float | tuple[int, ...] | np.ndarray
    trace: Any = None  # engine Trace
    heatmap: np.ndarray | None = None  # (T, S) attention weights


@dataclass(frozen=True)
class Computation:
    name: str
    kind: str  # "numeric" | "shape" | "matrix"
    required: tuple[str, ...]
    optional: dict[str, Any]
    returns: str
    fn: Callable[[Args], Result]
    # misconception -> the wrong value for these args, or None when the mistake changes
    # nothing here (forgot_batch with batch 1, no_causal_mask without a mask, ...)
    wrong: dict[str, Callable[[Args], Any]] = field(default_factory=dict)
    # misconception -> extra parameters it needs (kv_ignores_gqa needs the query `heads`)
    wrong_needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    matrix_args: tuple[str, ...] = ()
    torch_fn: Callable[[Args], np.ndarray] | None = None

    @property
    def arg_names(self) -> tuple[str, ...]:
        return self.required + tuple(self.optional)

    @property
    def misconceptions(self) -> tuple[str, ...]:
        return tuple(self.wrong)


COMPUTATIONS: dict[str, Computation] = {}


def _register(c: Computation) -> None:
    COMPUTATIONS[c.name] = c


def resolve_args(comp: Computation, values: Args) -> Args:
    """The computation's arguments from `values` (parameters + literal args), defaults filled."""
    out = dict(comp.optional)
    for k in comp.arg_names:
        if values.get(k) is not None:
            out[k] = values[k]
    for needs in comp.wrong_needs.values():
        for k in needs:
            if values.get(k) is not None:
                out[k] = values[k]
    return out


def compute(name: str, values: Args, backend: str = "numpy") -> Result:
    """Run computation `name` on `values` with the numpy engine (or torch, where it has a path)."""
    comp = COMPUTATIONS[name]
    args = resolve_args(comp, values)
    if backend == "torch":
        if comp.torch_fn is None:
            raise ValueError(f"{name} has no torch path")
        return Result(np.asarray(comp.torch_fn(args), dtype=float))
    return comp.fn(args)


def misconception_value(name: str, misconception: str, values: Args) -> Any:
    """The answer someone making `misconception` gives, or None when it does not apply."""
    comp = COMPUTATIONS[name]
    return comp.wrong[misconception](resolve_args(comp, values))


# --- quantities -----------------------------------------------------------------------------


def _gqa(a: Args) -> bool:
    return (
        a.get("kv_heads") is not None and a.get("heads") is not None and a["kv_heads"] != a["heads"]
    )


# When a quantity mistake makes no difference, it is not offered as a diagnosis.
_APPLIES: dict[str, Callable[[Args], bool]] = {
    "forgot_bias": lambda a: bool(a.get("bias")),
    "counted_bias": lambda a: not a.get("bias"),
    "forgot_output_projection": lambda a: bool(a.get("output", True)),
    "kv_ignores_gqa": _gqa,
    "forgot_batch": lambda a: a.get("batch") not in (None, 1),
    "forgot_layers": lambda a: a.get("layers") != 1,
}
_SCALED_ONLY = ("no_scaling", "scale_by_dk")  # for variance/std: only when the scaled case is asked


def _pick(a: Args, keys: tuple[str, ...]) -> Args:
    return {k: v for k, v in a.items() if k in keys and v is not None}


def _quantity(
    name: str,
    required: tuple[str, ...],
    optional: Args,
    returns: str,
    extra_wrong: dict[str, Callable[[Args], Any]] | None = None,
    needs: dict[str, tuple[str, ...]] | None = None,
) -> None:
    func = getattr(Qn, name)
    derive = Qn.DERIVATIONS[name]
    keys = required + tuple(optional)
    variants = Qn.QUANTITY_MISCONCEPTIONS.get(name, {})
    needs = dict(needs or {})
    if "kv_ignores_gqa" in variants and name != "projection_params":
        needs["kv_ignores_gqa"] = ("heads",)

    def engine_wrong(mc: str) -> Callable[[Args], Any]:
        extra = needs.get(mc, ())

        def f(a: Args) -> Any:
            applies = _APPLIES.get(mc, lambda a: True)(a)
            if mc in _SCALED_ONLY and name in ("qk_variance", "qk_std"):
                applies = bool(a.get("scaled"))
            if not applies:
                return None
            value = variants[mc](**_pick(a, keys + extra))
            if isinstance(value, tuple):  # only `shape` has shape variants, and it is no quantity
                raise TypeError(f"{name}: wrong variant {mc!r} gave a shape, not a number")
            return float(value)

        return f

    wrong = {mc: engine_wrong(mc) for mc in variants}
    wrong.update(extra_wrong or {})
    _register(
        Computation(
            name,
            "numeric",
            required,
            optional,
            returns,
            lambda a: Result(float(func(**_pick(a, keys))), trace=derive(**_pick(a, keys))),
            wrong,
            needs,
        )
    )


_quantity("head_dim", ("d_model", "heads"), {}, "d_model / heads")
_quantity(
    "scale_factor",
    ("d_k",),
    {},
    "1 / sqrt(d_k)",
    {"scale_by_dmodel": lambda a: 1.0 / math.sqrt(a["d_model"])},
    needs={"scale_by_dmodel": ("d_model",)},
)
_quantity("qk_variance", ("d_k",), {"scaled": False}, "analytic Var(q.k): d_k, or 1 when scaled")
_quantity("qk_std", ("d_k",), {"scaled": False}, "standard deviation of q.k")


@functools.lru_cache(maxsize=256)
def _mc_variance(d_k: int, scaled: bool, samples: int) -> float:
    """The engine's seeded estimate, cached: it is deterministic and costs milliseconds."""
    return float(Qn.mc_qk_variance(d_k, scaled=scaled, samples=samples))


def _mc_args(a: Args) -> tuple[int, bool, int]:
    return int(a["d_k"]), bool(a.get("scaled")), int(a.get("samples", 20000))


def _mc_result(a: Args) -> Result:
    d_k, scaled, samples = _mc_args(a)
    value = _mc_variance(d_k, scaled, samples)
    return Result(value, trace=Qn.derive_mc_qk_variance(d_k, scaled, samples, estimate=value))


_register(
    Computation(
        "mc_qk_variance",
        "numeric",
        ("d_k",),
        {"scaled": False, "samples": 20000},
        "seeded Monte Carlo estimate of Var(q.k)",
        _mc_result,
        {"std_for_variance": lambda a: math.sqrt(_mc_variance(*_mc_args(a)))},
    )
)
_quantity(
    "projection_params",
    ("d_model", "heads"),
    {"kv_heads": None, "bias": False, "output": True},
    "parameters of W_Q, W_K, W_V (and W_O)",
)
_quantity(
    "qkv_params_per_head",
    ("d_model", "d_k"),
    {"bias": False},
    "parameters of one head's W_Q, W_K, W_V",
)
_quantity("qk_flops", ("seq", "d_k"), {"seq_kv": None, "heads": 1, "batch": 1}, "FLOPs of Q K^T")
_quantity(
    "av_flops", ("seq", "d_k"), {"seq_kv": None, "heads": 1, "batch": 1}, "FLOPs of weights x V"
)
_quantity(
    "attention_flops",
    ("seq", "d_model", "heads"),
    {"seq_kv": None, "batch": 1},
    "Q K^T + weights V for all heads",
)
_quantity(
    "score_memory",
    ("seq",),
    {"seq_kv": None, "heads": 1, "batch": 1, "bytes": 4},
    "bytes of the score matrix",
)
_quantity(
    "kv_cache_per_token",
    ("layers", "kv_heads", "head_dim"),
    {"bytes": 2},
    "bytes of cached K and V per token",
)
_quantity(
    "kv_cache",
    ("layers", "kv_heads", "head_dim", "seq"),
    {"batch": 1, "bytes": 2},
    "bytes of cached K and V for a whole sequence",
)
_quantity(
    "max_weight",
    ("d_k", "gap"),
    {"scaled": False},
    "larger softmax weight of two scores that differ by gap*sqrt(d_k)",
    {
        "no_scaling": lambda a: (
            float(Qn.max_weight(a["d_k"], a["gap"], scaled=False)) if a.get("scaled") else None
        ),
    },
)


# --- shapes ---------------------------------------------------------------------------------

_SHAPE_OPTIONAL = ("batch", "seq_kv", "kv_heads", "d_k", "d_v")


def _shape(a: Args) -> tuple[int, ...]:
    kw = _pick(a, _SHAPE_OPTIONAL)
    return tuple(
        int(d) for d in attention_shape(a["which"], a["seq"], a["d_model"], a["heads"], **kw)
    )


def _shape_trace(a: Args):
    kw = _pick(a, _SHAPE_OPTIONAL)
    return trace_shape(a["which"], a["seq"], a["d_model"], a["heads"], **kw)


def _shape_wrong(mc: str) -> Callable[[Args], Any]:
    def f(a: Args) -> Any:
        if mc == "forgot_batch":
            return _shape({**a, "batch": None}) if a.get("batch") is not None else None
        if mc == "no_head_split":
            if a["heads"] == 1 or a.get("d_k") is not None:
                return None
            return _shape({**a, "d_k": a["d_model"], "d_v": a["d_model"]})
        if mc == "kv_ignores_gqa":
            return _shape({**a, "kv_heads": a["heads"]}) if _gqa(a) else None
        return None

    return f


_register(
    Computation(
        "shape",
        "shape",
        ("which", "seq", "d_model", "heads"),
        dict.fromkeys(_SHAPE_OPTIONAL),
        "the shape of `which`",
        lambda a: Result(_shape(a), trace=_shape_trace(a)),
        {mc: _shape_wrong(mc) for mc in ("forgot_batch", "no_head_split", "kv_ignores_gqa")},
    )
)


# --- matrices -------------------------------------------------------------------------------


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _vec(x: Any) -> np.ndarray:
    return _arr(x).reshape(-1)


def _dot(a: Args, scale: float) -> float:
    q, k = _vec(a["q"]), _vec(a["k"])  # (hs,), (hs,)
    return float(q @ k) * scale


_register(
    Computation(
        "dot",
        "numeric",
        ("q", "k"),
        {},
        "q . k",
        lambda a: Result(_dot(a, 1.0), trace=trace_dot(_vec(a["q"]), _vec(a["k"]))),
        {},
        {},
        ("q", "k"),
    )
)
_register(
    Computation(
        "scaled_dot",
        "numeric",
        ("q", "k"),
        {},
        "q . k / sqrt(len)",
        lambda a: Result(
            _dot(a, 1.0 / math.sqrt(_vec(a["q"]).size)),
            trace=trace_dot(_vec(a["q"]), _vec(a["k"]), scaled=True),
        ),
        {
            "no_scaling": lambda a: _dot(a, 1.0),
            "scale_by_dk": lambda a: _dot(a, 1.0 / _vec(a["q"]).size),
        },
        {},
        ("q", "k"),
    )
)


def _torch():
    from qkv_drill.engine.backends import get_backend

    return get_backend("torch")


def _softmax_rows(a: Args) -> Result:
    w = softmax(_arr(a["z"]), axis=-1)  # (T, S) each row sums to 1
    return Result(w, trace=trace_softmax(_arr(a["z"])), heatmap=w if w.ndim == 2 else None)


_register(
    Computation(
        "softmax",
        "matrix",
        ("z",),
        {},
        "softmax over the last axis (each row)",
        _softmax_rows,
        {
            "softmax_wrong_axis": lambda a: (
                softmax(_arr(a["z"]), axis=0) if _arr(a["z"]).ndim == 2 else None
            ),
        },
        {},
        ("z",),
        lambda a: _torch().softmax(_arr(a["z"]), axis=-1),
    )
)


def _project_torch(a: Args) -> np.ndarray:
    X, W = _arr(a["X"]), _arr(a["W"])
    return _torch().project_qkv(X, W, W, W)[0]  # (T, d_out)


_register(
    Computation(
        "project",
        "matrix",
        ("X", "W"),
        {},
        "X W",
        lambda a: Result(
            _arr(a["X"]) @ _arr(a["W"]),  # (T, C) @ (C, hs) -> (T, hs)
            trace=trace_project(_arr(a["X"]), _arr(a["W"])),
        ),
        {},
        {},
        ("X", "W"),
        _project_torch,
    )
)


def _square(a: Args) -> bool:
    """Q K (no transpose) is defined: Q's width equals K's length."""
    return _arr(a["Q"]).shape[-1] == _arr(a["K"]).shape[0]


def _scores(a: Args, scale: float | None = None, transpose: bool = True) -> np.ndarray:
    Q, K = _arr(a["Q"]), _arr(a["K"])  # (T, hs), (S, hs)
    if scale is None:
        scale = 1.0 / math.sqrt(Q.shape[-1]) if a.get("scaled", True) else 1.0
    return (Q @ (K.T if transpose else K)) * scale  # (T, S)


def _scores_torch(a: Args) -> np.ndarray:
    import torch  # only for the agreement check in `validate`

    Q = torch.as_tensor(_arr(a["Q"]))  # (T, hs)
    K = torch.as_tensor(_arr(a["K"]))  # (S, hs)
    scale = 1.0 / math.sqrt(Q.shape[-1]) if a.get("scaled", True) else 1.0
    return (Q @ K.T * scale).numpy()  # (T, S)


_register(
    Computation(
        "scores",
        "matrix",
        ("Q", "K"),
        {"scaled": True},
        "Q K^T (/ sqrt(d_k))",
        lambda a: Result(
            _scores(a), trace=trace_scores(a["Q"], a["K"], scaled=bool(a.get("scaled", True)))
        ),
        {
            "no_scaling": lambda a: _scores(a, scale=1.0) if a.get("scaled", True) else None,
            "scale_by_dk": lambda a: (
                _scores(a, scale=1.0 / _arr(a["Q"]).shape[-1]) if a.get("scaled", True) else None
            ),
            "no_transpose": lambda a: _scores(a, transpose=False) if _square(a) else None,
        },
        {},
        ("Q", "K"),
        _scores_torch,
    )
)


def _qkv(a: Args) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q, K, V of the instance: given directly, or projected from X."""
    if a.get("X") is not None:
        return project_qkv(_arr(a["X"]), _arr(a["W_Q"]), _arr(a["W_K"]), _arr(a["W_V"]))
    Q, K = _arr(a["Q"]), _arr(a["K"])  # (T, hs), (S, hs)
    V = _arr(a["V"]) if a.get("V") is not None else np.eye(K.shape[0])  # (S, hv)
    return Q, K, V


def _attend(part: int) -> Callable[[Args], Result]:
    def f(a: Args) -> Result:
        q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
        causal = bool(a.get("causal"))
        out, w = attention(q, k, v, causal=causal)  # (T, hv), (T, S)
        if a.get("X") is not None:
            trace = trace_attention(
                _arr(a["X"]), _arr(a["W_Q"]), _arr(a["W_K"]), _arr(a["W_V"]), causal=causal
            )
        else:  # given Q, K (and V): the weights question stops at the weights
            given_v = _arr(a["V"]) if part == 0 and a.get("V") is not None else None
            trace = trace_qk_attention(q, k, given_v, causal=causal)
        return Result((out, w)[part], trace=trace, heatmap=w)

    return f


_ATTN_MISTAKES = (
    "no_scaling",
    "scale_by_dk",
    "softmax_wrong_axis",
    "no_causal_mask",
    "inverted_causal_mask",
    "raw_scores_weighting",
    "no_transpose",
)


def _attend_wrong(part: int) -> dict[str, Callable[[Args], Any]]:
    def make(mc: str) -> Callable[[Args], Any]:
        def f(a: Args) -> Any:
            q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
            causal = bool(a.get("causal"))
            if mc in ("no_causal_mask", "inverted_causal_mask") and not causal:
                return None
            if mc == "no_transpose" and q.shape[-1] != k.shape[0]:
                return None
            return attention_with_misconception(mc, q, k, v, causal=causal)[part]

        return f

    return {mc: make(mc) for mc in _ATTN_MISTAKES}


def _attend_torch(part: int) -> Callable[[Args], np.ndarray]:
    def f(a: Args) -> np.ndarray:
        q, k, v = _qkv(a)  # (T, hs), (S, hs), (S, hv)
        return _torch().attention(q, k, v, causal=bool(a.get("causal")))[part]

    return f


for _name, _req, _part, _ret in (
    ("attention_weights", ("Q", "K"), 1, "softmax(Q K^T / sqrt(d_k)), rows sum to 1"),
    ("attention_output", ("Q", "K", "V"), 0, "weights V"),
    ("self_attention", ("X", "W_Q", "W_K", "W_V"), 0, "the attention output computed from X"),
):
    _register(
        Computation(
            _name,
            "matrix",
            _req,
            {"causal": False},
            _ret,
            _attend(_part),
            _attend_wrong(_part),
            {},
            _req,
            _attend_torch(_part),
        )
    )


SHAPE_WHICH = SHAPE_NAMES
