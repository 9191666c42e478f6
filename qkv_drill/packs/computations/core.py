"""What a named computation is, the table of them, and running one (or a mistake in one).

A pack never stores a numeric, shape or matrix answer: the engine computes it from the
instance's parameters. The wrong value a named mistake gives comes from the mistake itself
(`engine.misconceptions`), run against the same computation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from qkv_drill.engine.misconceptions import MISCONCEPTIONS, applying_to
from qkv_drill.engine.misconceptions import Args as Args  # every computation module's types
from qkv_drill.engine.misconceptions import Value as Value
from qkv_drill.packs.limits import MAX_MATRIX_DIM as MAX_MATRIX_DIM  # one home for limits

if TYPE_CHECKING:
    from qkv_drill.engine.backends import Backend
    from qkv_drill.engine.trace import Trace

MAX_ELEMENTS = 4096  # elements of any array a matrix computation builds

Kind = Literal["numeric", "shape", "matrix"]

ALIGNS = ("top_left", "bottom_right")
ROPE_STYLES = ("half", "interleaved")
CHOICE_ARGS: dict[str, tuple[str, ...]] = {
    "causal_align": ALIGNS,
    "align": ALIGNS,
    "rope_style": ROPE_STYLES,
    "style": ROPE_STYLES,
}
"""Arguments that take one of a few words, written literally in `answer.args` (`field`, the
config field `config_field` returns, and `which`, the array `shape` sizes, are literal too)."""


@dataclass(frozen=True, kw_only=True)
class Result:
    """A computed answer, with the derivation and attention heatmap when there is one.

    `value` is None only when a mistake was asked for and changes nothing for these arguments.
    """

    value: Value | None
    trace: Trace | None = None
    heatmap: np.ndarray | None = None  # (T, S) attention weights


@dataclass(frozen=True, kw_only=True)
class Computation:
    """A named computation: its arguments, what it returns, and how (numpy, and torch)."""

    name: str
    kind: Kind
    required: tuple[str, ...]
    optional: Mapping[str, object] = field(default_factory=dict)
    returns: str
    fn: Callable[[Args], Result]
    value: Callable[[Args], Value | None] | None = None  # the answer alone, without a trace
    matrix_args: tuple[str, ...] = ()
    torch_fn: Callable[[Args], np.ndarray] | None = None

    @property
    def arg_names(self) -> tuple[str, ...]:
        return self.required + tuple(self.optional)

    @property
    def misconceptions(self) -> tuple[str, ...]:
        """The named mistakes that have a wrong value here."""
        return _applying_to(self.name)

    @property
    def reads(self) -> frozenset[str]:
        """Every name the answer or one of its wrong values reads: the arguments, and the extra
        parameters its misconceptions need."""
        return _reads(self.name, self.arg_names)

    def needs(self, misconception: str) -> tuple[str, ...]:
        """Extra parameters the wrong value of `misconception` needs here."""
        return tuple(MISCONCEPTIONS[misconception].needs.get(self.name, ()))

    def answer(self, args: Args) -> Value | None:
        return self.value(args) if self.value is not None else self.fn(args).value

    def wrong(self, misconception: str, args: Args) -> Value | None:
        """The answer someone making `misconception` gives, or None when it changes nothing."""
        return MISCONCEPTIONS[misconception].wrong[self.name](args, self.answer)


@functools.cache
def _applying_to(name: str) -> tuple[str, ...]:
    """Cached: the mistakes are all registered when engine.misconceptions is imported, and every
    question of every pack asks (loading checks it)."""
    return applying_to(name)


@functools.cache
def _reads(name: str, arg_names: tuple[str, ...]) -> frozenset[str]:
    needs = (MISCONCEPTIONS[mc].needs.get(name, ()) for mc in _applying_to(name))
    return frozenset(arg_names).union(*needs)


COMPUTATIONS: dict[str, Computation] = {}


def register(c: Computation) -> None:
    if c.name in COMPUTATIONS:
        raise ValueError(f"computation {c.name!r} is defined twice")
    COMPUTATIONS[c.name] = c


def resolve_args(comp: Computation, values: Args) -> Args:
    """The computation's arguments from `values` (parameters + literal args), defaults filled.

    Parameters a misconception needs here (the query `heads` for `kv_ignores_gqa`) come along.
    """
    out = dict(comp.optional)
    for k in comp.reads:
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
        return Result(value=np.asarray(comp.torch_fn(args), dtype=float))
    return comp.fn(args)


def misconception_value(name: str, misconception: str, values: Args) -> Value | None:
    """The answer someone making `misconception` gives, or None when it does not apply."""
    comp = COMPUTATIONS[name]
    return comp.wrong(misconception, resolve_args(comp, values))


def pick(a: Args, keys: tuple[str, ...]) -> Args:
    return {k: v for k, v in a.items() if k in keys and v is not None}


def arr(x: object) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def torch_backend() -> Backend:
    from qkv_drill.engine.backends import get_backend

    return get_backend("torch")
