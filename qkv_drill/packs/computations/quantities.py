"""Numeric computations: sizes, parameter counts, FLOPs, memory, variances (engine.quantities)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING

from qkv_drill.engine import derive_quantities as Dq
from qkv_drill.engine import quantities as Qn
from qkv_drill.packs.computations.core import Args, Computation, Result, pick, register

if TYPE_CHECKING:
    from qkv_drill.engine.trace import Trace


def quantity(
    name: str,
    required: tuple[str, ...],
    optional: Args,
    returns: str,
    module: ModuleType = Qn,
    derivations: Mapping[str, Callable[..., Trace]] = Dq.DERIVATIONS,
) -> None:
    """Register `module.<name>` (engine.quantities by default) with its derivation."""
    func = getattr(module, name)
    derive = derivations[name]
    keys = required + tuple(optional)

    def value(a: Args) -> float:
        return float(func(**pick(a, keys)))

    register(
        Computation(
            name=name,
            kind="numeric",
            required=required,
            optional=optional,
            returns=returns,
            fn=lambda a: Result(value=value(a), trace=derive(**pick(a, keys))),
            value=value,
        )
    )


quantity("head_dim", ("d_model", "heads"), {}, "d_model / heads")
quantity("scale_factor", ("d_k",), {}, "1 / sqrt(d_k)")
quantity("qk_variance", ("d_k",), {"scaled": False}, "analytic Var(q.k): d_k, or 1 when scaled")
quantity("qk_std", ("d_k",), {"scaled": False}, "standard deviation of q.k")


@functools.lru_cache(maxsize=256)
def _mc_variance(d_k: int, scaled: bool, samples: int) -> float:
    """The engine's seeded estimate, cached: it is deterministic and costs milliseconds."""
    return float(Qn.mc_qk_variance(d_k, scaled=scaled, samples=samples))


def _mc_args(a: Args) -> tuple[int, bool, int]:
    return int(a["d_k"]), bool(a.get("scaled")), int(a.get("samples", 20000))


def _mc_result(a: Args) -> Result:
    d_k, scaled, samples = _mc_args(a)
    value = _mc_variance(d_k, scaled, samples)
    return Result(value=value, trace=Dq.derive_mc_qk_variance(d_k, scaled, samples, estimate=value))


register(
    Computation(
        name="mc_qk_variance",
        kind="numeric",
        required=("d_k",),
        optional={"scaled": False, "samples": 20000},
        returns="seeded Monte Carlo estimate of Var(q.k)",
        fn=_mc_result,
        value=lambda a: _mc_variance(*_mc_args(a)),
    )
)
quantity(
    "projection_params",
    ("d_model", "heads"),
    {"kv_heads": None, "bias": False, "output": True},
    "parameters of W_Q, W_K, W_V (and W_O)",
)
quantity(
    "qkv_params_per_head",
    ("d_model", "d_k"),
    {"bias": False},
    "parameters of one head's W_Q, W_K, W_V",
)
quantity("qk_flops", ("seq", "d_k"), {"seq_kv": None, "heads": 1, "batch": 1}, "FLOPs of Q K^T")
quantity(
    "av_flops", ("seq", "d_k"), {"seq_kv": None, "heads": 1, "batch": 1}, "FLOPs of weights x V"
)
quantity(
    "attention_flops",
    ("seq", "d_model", "heads"),
    {"seq_kv": None, "batch": 1},
    "Q K^T + weights V for all heads",
)
quantity(
    "score_memory",
    ("seq",),
    {"seq_kv": None, "heads": 1, "batch": 1, "bytes": 4},
    "bytes of the score matrix",
)
quantity(
    "kv_cache_per_token",
    ("layers", "kv_heads", "head_dim"),
    {"bytes": 2},
    "bytes of cached K and V per token",
)
quantity(
    "kv_cache",
    ("layers", "kv_heads", "head_dim", "seq"),
    {"batch": 1, "bytes": 2},
    "bytes of cached K and V for a whole sequence",
)
quantity(
    "max_weight",
    ("d_k", "gap"),
    {"scaled": False},
    "larger softmax weight of two scores that differ by gap*sqrt(d_k)",
)
