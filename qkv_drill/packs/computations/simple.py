"""Registering a computation that is one engine function and its derivation, called with the same
arguments: most of the positions, why-attention and serving computations are such."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qkv_drill.packs.computations.core import Args, Computation, Kind, Result, Value, register

REGISTERED: list[str] = []
"""Names registered here (their derivations live in engine.derive_positions)."""


def register_simple(
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
