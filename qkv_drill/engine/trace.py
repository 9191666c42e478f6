"""Step-by-step derivations of attention, as shown beside an answer ("how was this computed?").

Each step keeps its formula and the actual array, so the UI can show values and shapes, and tests
can check that the derivation ends exactly where `attention` does.

Shape legend:
    T    sequence length (Tq queries, Tk keys/values)
    C    d_model
    H    heads, hs head size
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeAlias, TypeVar, Unpack, overload

import numpy as np
import numpy.typing as npt

from qkv_drill.engine.arrays import ArrayLike, FloatArray
from qkv_drill.engine.masks import causal_mask
from qkv_drill.engine.multihead import HeadWeights, merge_heads, repeat_kv, split_heads
from qkv_drill.engine.reference import softmax
from qkv_drill.engine.shapes import ShapeOptions, attention_shapes

StepValue: TypeAlias = npt.NDArray[np.number | np.bool_]
"""A step's value: numbers (a matrix, a scalar, a shape's dims) or a boolean mask."""
S = TypeVar("S", bound=np.number | np.bool_)


@dataclass(frozen=True, eq=False)  # arrays have no single truth value: compare by identity
class Step:
    """One line of a derivation: `formula` gives how `value` was obtained."""

    name: str
    formula: str
    value: StepValue
    note: str = ""
    operand_shapes: tuple[tuple[int, ...], ...] = ()
    """The shapes this step multiplies, left to right (shown as "(2x4) @ (4x2)")."""

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))


@dataclass
class Trace:
    """An ordered derivation; inputs first, the output last."""

    steps: list[Step] = field(default_factory=list)

    @overload
    def add(
        self,
        name: str,
        formula: str,
        value: npt.NDArray[S],
        note: str = "",
        operands: tuple[ArrayLike, ...] = (),
    ) -> npt.NDArray[S]: ...
    @overload
    def add(
        self,
        name: str,
        formula: str,
        value: ArrayLike,
        note: str = "",
        operands: tuple[ArrayLike, ...] = (),
    ) -> StepValue: ...
    def add(
        self,
        name: str,
        formula: str,
        value: ArrayLike,
        note: str = "",
        operands: tuple[ArrayLike, ...] = (),
    ) -> StepValue:
        """Append a step; returns `value` as an array (its dtype kept) for the next steps.

        `operands` are the arrays a product step multiplies: their shapes are kept as data.
        """
        array: StepValue = np.asarray(value)
        shapes = tuple(tuple(int(d) for d in np.shape(o)) for o in operands)
        self.steps.append(Step(name, formula, array, note, shapes))
        return array

    def __getitem__(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(step.name == name for step in self.steps)

    def names(self) -> list[str]:
        return [step.name for step in self.steps]


def _mask_note(mask: ArrayLike | None, causal: bool) -> str:
    parts = []
    if mask is not None:
        kind = "boolean, True = may attend" if np.asarray(mask).dtype == bool else "added"
        parts.append(f"mask ({kind})")
    if causal:
        parts.append("causal: key j hidden from query i when j > i")
    return "; ".join(parts)


def attend_steps(
    tr: Trace,
    q: FloatArray,
    k: FloatArray,
    v: FloatArray | None,
    mask: ArrayLike | None,
    causal: bool,
    scale: float | None,
    with_output: bool = True,
) -> FloatArray:
    """Scores, scaling, masking, softmax and weighting, appended to `tr`; returns the output.

    Without `with_output` it stops at the weights (and returns them).
    """
    dk = q.shape[-1]
    scores = tr.add("scores", "scores = Q K^T", q @ np.swapaxes(k, -1, -2))
    if scale is None:
        scaled = tr.add(
            "scaled",
            "scaled = scores / sqrt(d_k)",
            scores / math.sqrt(dk),
            note=f"sqrt({dk}) = {math.sqrt(dk):.4g}",
        )
    else:
        scaled = tr.add("scaled", f"scaled = scores * {scale:.4g}", scores * scale)
    pre = scaled
    if mask is not None or causal:
        masked = np.array(scaled, dtype=np.result_type(scaled, np.float64), copy=True)
        if mask is not None:
            mask = np.asarray(mask)
            masked = np.broadcast_to(masked, np.broadcast_shapes(masked.shape, mask.shape)).copy()
            if mask.dtype == bool:
                np.copyto(masked, -np.inf, where=~mask)
            else:
                masked += mask
        if causal:
            np.copyto(masked, -np.inf, where=~causal_mask(*masked.shape[-2:]))
        pre = tr.add("masked", "masked = scaled + mask", masked, note=_mask_note(mask, causal))
    weights = np.array(pre, dtype=np.result_type(pre, np.float64), copy=True)
    weights = tr.add(
        "weights",
        f"weights = softmax({'scaled' if pre is scaled else 'masked'})",
        softmax(weights),
        note="each row sums to 1 (0 if fully masked)",
    )
    if not with_output:
        return weights
    return tr.add("output", "output = weights V", weights @ v)


def _projection_steps(
    tr: Trace, x: ArrayLike, x_kv: ArrayLike | None, weights: dict[str, ArrayLike]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The first steps of both derivations: X (and X_kv in cross-attention), the weights, then
    Q = X W_Q and K, V from X (or X_kv). Returns Q, K, V."""
    x = tr.add("X", "X", np.asarray(x))  # (Tq, C)
    src, kv_src = x, "X"
    if x_kv is not None:
        note = "keys and values come from here (cross-attention)"
        src, kv_src = tr.add("X_kv", "X_kv", np.asarray(x_kv), note=note), "X_kv"  # (Tk, C)
    w = {name: tr.add(name, name, np.asarray(value)) for name, value in weights.items()}
    q = tr.add("Q", "Q = X W_Q", x @ w["W_Q"])  # (Tq, H*hs)
    k = tr.add("K", f"K = {kv_src} W_K", src @ w["W_K"])  # (Tk, Hkv*hs)
    v = tr.add("V", f"V = {kv_src} W_V", src @ w["W_V"])  # (Tk, Hkv*hv)
    return q, k, v


def trace_attention(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
    x_kv: ArrayLike | None = None,
) -> Trace:
    """The single-head derivation from X to the output, every intermediate kept."""
    tr = Trace()
    q, k, v = _projection_steps(tr, x, x_kv, {"W_Q": w_q, "W_K": w_k, "W_V": w_v})
    attend_steps(tr, q, k, v, mask, causal, scale)  # (Tq, dk), (Tk, dk), (Tk, dv)
    return tr


def trace_multi_head(
    x: ArrayLike,
    layer: HeadWeights,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
    x_kv: ArrayLike | None = None,
) -> Trace:
    """The multi-head derivation: project, split into heads, attend, merge, project with W_O."""
    if layer.has_bias:
        raise ValueError("the multi-head derivation has no bias steps: pass a layer without")
    n_heads, n_kv = layer.n_heads, layer.kv_heads
    if n_heads % n_kv:
        raise ValueError(f"n_heads={n_heads} must be a multiple of n_kv_heads={n_kv}")
    tr = Trace()
    weights = {"W_Q": layer.w_q, "W_K": layer.w_k, "W_V": layer.w_v, "W_O": layer.w_o}
    q, k, v = _projection_steps(tr, x, x_kv, weights)  # (Tq, H*hs), (Tk, Hkv*hs), (Tk, Hkv*hv)
    qh = tr.add("Q_heads", f"Q_heads = split(Q, {n_heads} heads)", split_heads(q, n_heads))
    kh = tr.add("K_heads", f"K_heads = split(K, {n_kv} heads)", split_heads(k, n_kv))
    vh = tr.add("V_heads", f"V_heads = split(V, {n_kv} heads)", split_heads(v, n_kv))
    if n_kv != n_heads:
        rep = n_heads // n_kv
        kh = tr.add(
            "K_rep",
            f"K_rep = repeat each K head {rep}x",
            repeat_kv(kh, rep),  # (H, Tk, hs)
            note="grouped-query attention: query heads share key/value heads",
        )
        vh = tr.add("V_rep", f"V_rep = repeat each V head {rep}x", repeat_kv(vh, rep))
    y = attend_steps(tr, qh, kh, vh, mask, causal, None)  # (H, Tq, hv)
    merged = tr.add(
        "merged",
        "merged = concat heads",
        merge_heads(y),
        note="transpose (H, T, hs) -> (T, H, hs), then reshape",
    )  # (Tq, H*hv)
    tr.add("final", "final = merged W_O", merged @ np.asarray(layer.w_o))  # (Tq, C)
    return tr


# --- small derivations: numbers, vectors, one matrix product ---------------------------------

MAX_TERMS = 8  # a dot product longer than this is summarised rather than written out term by term


def num(x: float | np.number) -> str:
    """A number as written in a formula: `131,072`, `0.125`, `-2`."""
    x = float(x)
    if math.isfinite(x) and x == math.floor(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.6g}"


def human_bytes(n: float | np.number) -> str:
    """`131,072 bytes` -> "128 KiB": the size someone would say out loud."""
    n = float(n)
    for unit, power in (("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 2**power:
            return f"{n / 2**power:.4g} {unit}"
    return f"{num(n)} bytes"


def _terms(q: np.ndarray, k: np.ndarray) -> str:
    if q.size > MAX_TERMS:
        return f"sum of {q.size} products"
    return " + ".join(f"{_signed(a)}*{_signed(b)}" for a, b in zip(q, k, strict=True))


def _signed(x: float | np.number) -> str:
    """A factor in a written-out product: negatives in brackets, `(-2)*3`."""
    return num(x) if x >= 0 else f"({num(x)})"


def trace_dot(q: ArrayLike, k: ArrayLike, scaled: bool = False) -> Trace:
    """q . k written out term by term (and divided by sqrt(d_k) when `scaled`)."""
    tr = Trace()
    q = tr.add("q", "q", np.asarray(q, dtype=np.float64).reshape(-1))  # (dk,)
    k = tr.add("k", "k", np.asarray(k, dtype=np.float64).reshape(-1))  # (dk,)
    tr.add("products", "q_i * k_i", q * k)  # (dk,)
    dot = float(q @ k)
    tr.add("dot", f"q . k = {_terms(q, k)} = {num(dot)}", dot)
    if scaled:
        dk = q.size
        tr.add(
            "scaled",
            f"q . k / sqrt(d_k) = {num(dot)} / sqrt({dk}) = {num(dot / math.sqrt(dk))}",
            dot * (1.0 / math.sqrt(dk)),
            note=f"sqrt({dk}) = {math.sqrt(dk):.4g}",
        )
    return tr


def trace_softmax(z: ArrayLike) -> Trace:
    """Softmax over each row, the stable way: subtract the row max, exponentiate, normalise."""
    tr = Trace()
    z = tr.add("z", "z", np.asarray(z, dtype=np.float64))  # (T, S) or (S,)
    shifted = tr.add(
        "shifted",
        "shifted = z - max(z)",
        z - z.max(axis=-1, keepdims=True),
        note="per row; the result is unchanged and exp cannot overflow",
    )
    e = tr.add("exp", "exp(shifted)", np.exp(shifted))
    tr.add("sum", "sum of exp along the row", e.sum(axis=-1))
    tr.add("softmax", "softmax = exp / sum", softmax(z, axis=-1), note="each row sums to 1")
    return tr


def trace_project(x: ArrayLike, w: ArrayLike) -> Trace:
    """X W: one projection (the same step makes Q, K or V)."""
    tr = Trace()
    x = tr.add("X", "X", np.asarray(x, dtype=np.float64))  # (T, C)
    w = tr.add("W", "W", np.asarray(w, dtype=np.float64))  # (C, hs)
    tr.add("XW", "X W", x @ w, operands=(x, w))
    return tr


def trace_scores(q: ArrayLike, k: ArrayLike, scaled: bool = True) -> Trace:
    """Q, K, K^T, Q K^T and (when `scaled`) the division by sqrt(d_k)."""
    tr = Trace()
    q = tr.add("Q", "Q", np.asarray(q, dtype=np.float64))  # (T, hs)
    k = tr.add("K", "K", np.asarray(k, dtype=np.float64))  # (S, hs)
    kt = tr.add("K^T", "K^T", k.T)  # (hs, S)
    scores = tr.add("scores", "scores = Q K^T", q @ kt)  # (T, S)
    if scaled:
        dk = q.shape[-1]
        tr.add(
            "scaled",
            f"scaled = scores / sqrt(d_k) = scores / sqrt({dk})",
            scores / math.sqrt(dk),
            note=f"sqrt({dk}) = {math.sqrt(dk):.4g}",
        )
    return tr


def trace_qk_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike | None = None,
    causal: bool = False,
    mask: ArrayLike | None = None,
    scale: float | None = None,
) -> Trace:
    """Attention from given Q, K (and V): ends at the weights when there is no V."""
    tr = Trace()
    q = tr.add("Q", "Q", np.asarray(q, dtype=np.float64))  # (T, hs)
    k = tr.add("K", "K", np.asarray(k, dtype=np.float64))  # (S, hs)
    if v is not None:
        v = tr.add("V", "V", np.asarray(v, dtype=np.float64))  # (S, hv)
    tr.add("K^T", "K^T", k.T)  # (hs, S)
    attend_steps(tr, q, k, v, mask, causal, scale, with_output=v is not None)
    return tr


# --- shapes ---------------------------------------------------------------------------------

_SHAPE_FLOW = {  # which -> the arrays leading to it, in the order they are made
    "x": ("x",),
    "w_q": ("x", "w_q"),
    "q": ("x", "w_q", "q"),
    "q_heads": ("x", "w_q", "q", "q_heads"),
    "w_k": ("x", "w_k"),
    "k": ("x", "w_k", "k"),
    "k_heads": ("x", "w_k", "k", "k_heads"),
    "w_v": ("x", "w_v"),
    "v": ("x", "w_v", "v"),
    "v_heads": ("x", "w_v", "v", "v_heads"),
    "scores": ("x", "w_q", "q", "q_heads", "w_k", "k", "k_heads", "scores"),
    "weights": ("x", "w_q", "q", "q_heads", "w_k", "k", "k_heads", "scores", "weights"),
    "merged": (
        *("x", "w_q", "q", "q_heads", "w_k", "k", "k_heads", "scores", "weights"),
        *("w_v", "v", "v_heads", "merged"),
    ),
    "w_o": ("merged", "w_o"),
    "output": (
        *("x", "w_q", "q", "q_heads", "w_k", "k", "k_heads", "scores", "weights"),
        *("w_v", "v", "v_heads", "merged", "w_o", "output"),
    ),
    "kv_cache_layer": ("x", "w_k", "k", "k_heads", "w_v", "v", "v_heads", "kv_cache_layer"),
}


def _shape_symbols(
    batched: bool, multi: bool, cross: bool, gqa: bool
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """name -> (formula, symbolic dims) for the article's letters."""
    b = ("B",) if batched else ()
    h = ("H",) if multi else ()
    s = "T_kv" if cross else "T"
    kvh = "H_kv" if gqa else "H"
    return {
        "x": ("x", (*b, "T", "d_model")),
        "w_q": ("W_Q", ("d_model", "H*d_k")),
        "w_k": ("W_K", ("d_model", f"{kvh}*d_k")),
        "w_v": ("W_V", ("d_model", f"{kvh}*d_v")),
        "w_o": ("W_O", ("H*d_v", "d_model")),
        "q": ("Q = x W_Q", (*b, "T", "H*d_k")),
        "k": ("K = x W_K" if not cross else "K = x_kv W_K", (*b, s, f"{kvh}*d_k")),
        "v": ("V = x W_V" if not cross else "V = x_kv W_V", (*b, s, f"{kvh}*d_v")),
        "q_heads": ("split Q into heads, heads before T", (*b, "H", "T", "d_k")),
        "k_heads": ("split K into heads", (*b, kvh, s, "d_k")),
        "v_heads": ("split V into heads", (*b, kvh, s, "d_v")),
        "scores": ("scores = Q K^T / sqrt(d_k)", (*b, *h, "T", s)),
        "weights": ("weights = softmax(scores) over the keys", (*b, *h, "T", s)),
        "merged": ("concatenate the heads' weights V", (*b, "T", "H*d_v")),
        "output": (
            "output = merged W_O" if multi else "output = weights V",
            (*b, "T", "d_model" if multi else "d_v"),
        ),
        "kv_cache_layer": ("stack K and V of one layer", ("2", *b, kvh, s, "d_k")),
    }


def trace_shape(
    which: str, seq: int, d_model: int, heads: int, **options: Unpack[ShapeOptions]
) -> Trace:
    """The shapes met on the way to `which`, symbolic and substituted; each value is the dims."""
    shapes = attention_shapes(seq, d_model, heads, **options)
    if which not in shapes:
        raise KeyError(f"unknown shape {which!r}")
    multi = heads > 1
    seq_kv, kv_heads = options.get("seq_kv"), options.get("kv_heads")
    symbols = _shape_symbols(
        options.get("batch") is not None,
        multi,
        seq_kv is not None and seq_kv != seq,
        kv_heads is not None and kv_heads != heads,
    )
    flow = _SHAPE_FLOW[which]
    if not multi and which in ("scores", "weights", "output"):
        flow = tuple(n for n in flow if n not in ("q_heads", "k_heads", "v_heads", "merged", "w_o"))
    tr = Trace()
    for name in flow:
        formula, dims = symbols[name]
        sym = "(" + ", ".join(dims) + ")"
        tr.add(name, f"{formula}: {sym} = {shapes[name]}", np.asarray(shapes[name], dtype=np.int64))
    return tr
