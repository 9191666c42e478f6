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

import numpy as np

from qkv_drill.engine.multihead import merge_heads, repeat_kv, split_heads
from qkv_drill.engine.reference import _softmax_inplace, causal_mask


def format_shape(shape: tuple[int, ...]) -> str:
    """(2, 4) -> "2x4", the way shapes are written in prompts and feedback."""
    return "x".join(str(n) for n in shape) if shape else "scalar"


@dataclass(frozen=True, eq=False)  # arrays have no single truth value: compare by identity
class Step:
    """One line of a derivation: `formula` gives how `value` was obtained."""

    name: str
    formula: str
    value: np.ndarray
    note: str = ""

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))


@dataclass
class Trace:
    """An ordered derivation; inputs first, the output last."""

    steps: list[Step] = field(default_factory=list)

    def add(self, name: str, formula: str, value, note: str = "") -> np.ndarray:
        value = np.asarray(value)
        self.steps.append(Step(name, formula, value, note))
        return value

    def __getitem__(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(step.name == name for step in self.steps)

    def names(self) -> list[str]:
        return [step.name for step in self.steps]

    def describe(self) -> str:
        """One line: "X (2x4) -> Q = X W_Q (2x2) -> ...": the flow without the weight matrices."""
        parts = []
        for step in self.steps:
            if step.name.startswith(("W_", "b_")):
                continue
            label = step.name if step.formula == step.name else step.formula
            parts.append(f"{label} ({format_shape(step.shape)})")
        return " -> ".join(parts)


def _mask_note(mask, causal: bool) -> str:
    parts = []
    if mask is not None:
        kind = "boolean, True = may attend" if np.asarray(mask).dtype == bool else "added"
        parts.append(f"mask ({kind})")
    if causal:
        parts.append("causal: key j hidden from query i when j > i")
    return "; ".join(parts)


def _attend_steps(tr: Trace, q, k, v, mask, causal, scale) -> np.ndarray:
    """Scores, scaling, masking, softmax and weighting, appended to `tr`; returns the output."""
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
        _softmax_inplace(weights),
        note="each row sums to 1 (0 if fully masked)",
    )
    return tr.add("output", "output = weights V", weights @ v)


def trace_attention(x, w_q, w_k, w_v, mask=None, causal=False, scale=None, x_kv=None) -> Trace:
    """The single-head derivation from X to the output, every intermediate kept."""
    tr = Trace()
    x = tr.add("X", "X", x)
    if x_kv is not None:
        x_kv = tr.add("X_kv", "X_kv", x_kv, note="keys and values come from here (cross-attention)")
    src = x if x_kv is None else x_kv
    kv_src = "X" if x_kv is None else "X_kv"
    w_q = tr.add("W_Q", "W_Q", w_q)
    w_k = tr.add("W_K", "W_K", w_k)
    w_v = tr.add("W_V", "W_V", w_v)
    q = tr.add("Q", "Q = X W_Q", x @ w_q)  # (Tq, dk)
    k = tr.add("K", f"K = {kv_src} W_K", src @ w_k)  # (Tk, dk)
    v = tr.add("V", f"V = {kv_src} W_V", src @ w_v)  # (Tk, dv)
    _attend_steps(tr, q, k, v, mask, causal, scale)
    return tr


def trace_multi_head(
    x, w_q, w_k, w_v, w_o, n_heads, n_kv_heads=None, mask=None, causal=False, x_kv=None
) -> Trace:
    """The multi-head derivation: project, split into heads, attend, merge, project with W_O."""
    tr = Trace()
    x = tr.add("X", "X", x)
    if x_kv is not None:
        x_kv = tr.add("X_kv", "X_kv", x_kv, note="keys and values come from here (cross-attention)")
    src = x if x_kv is None else x_kv
    kv_src = "X" if x_kv is None else "X_kv"
    n_kv = n_heads if n_kv_heads is None else n_kv_heads
    for name, w in (("W_Q", w_q), ("W_K", w_k), ("W_V", w_v), ("W_O", w_o)):
        tr.add(name, name, w)
    if n_heads % n_kv:
        raise ValueError(f"n_heads={n_heads} must be a multiple of n_kv_heads={n_kv}")
    q = tr.add("Q", "Q = X W_Q", x @ np.asarray(w_q))  # (Tq, H*hs)
    k = tr.add("K", f"K = {kv_src} W_K", src @ np.asarray(w_k))  # (Tk, Hkv*hs)
    v = tr.add("V", f"V = {kv_src} W_V", src @ np.asarray(w_v))  # (Tk, Hkv*hv)
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
    y = _attend_steps(tr, qh, kh, vh, mask, causal, None)  # (H, Tq, hv)
    merged = tr.add(
        "merged",
        "merged = concat heads",
        merge_heads(y),
        note="transpose (H, T, hs) -> (T, H, hs), then reshape",
    )  # (Tq, H*hv)
    tr.add("final", "final = merged W_O", merged @ np.asarray(w_o))  # (Tq, C)
    return tr
