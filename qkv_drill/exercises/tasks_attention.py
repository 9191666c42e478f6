"""Exercises on softmax and scaled dot-product attention (plain, masked, causal both ways).

Shape legend: ... leading (B, H) dims;  Tq queries, Tk keys;  dk query/key width, dv value width
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from qkv_drill.engine import attention_with_misconception
from qkv_drill.engine.reference import attention, softmax
from qkv_drill.exercises import layouts as L
from qkv_drill.exercises.registry import Args, Case, Outputs, Task, lead, register, values

# --- softmax -------------------------------------------------------------------------------------


def _build_softmax(rng: np.random.Generator, a: Args) -> Case:
    rows, cols = int(a["rows"]), int(a["cols"])
    x = values(rng, (*lead(a), rows, cols), float(a["scale"]))  # (..., rows, cols)
    for r in rng.permutation(rows)[: int(a["dead_rows"])]:
        x[..., r, :] = -np.inf  # a fully masked row
    return {"x": x}


def _naive_softmax(x: np.ndarray, axis: int = -1, stable: bool = False) -> np.ndarray:
    with np.errstate(all="ignore"):
        z = x - x.max(axis=axis, keepdims=True) if stable else x
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)


register(
    Task(
        name="softmax",
        arguments=("x",),
        defaults={"batch": 0, "heads": 0, "rows": 3, "cols": 4, "scale": 1.0, "dead_rows": 0},
        build=_build_softmax,
        reference=lambda c: (softmax(c["x"], axis=-1),),
        wrong={
            "softmax_wrong_axis": lambda c: (softmax(c["x"], axis=-2),),
            "softmax_overflow": lambda c: (_naive_softmax(c["x"]),),
            "masked_row_nan": lambda c: (_naive_softmax(c["x"], stable=True),),
        },
        returns="the softmax of x over its last axis",
    )
)


# --- scaled dot-product attention ---------------------------------------------------------------


def _qkv(rng: np.random.Generator, a: Args) -> Case:
    axes, s = lead(a), float(a["scale"])
    tq, tk, dk, dv = (int(a[k]) for k in ("Tq", "Tk", "d_k", "d_v"))
    return {
        "q": values(rng, (*axes, tq, dk), s),  # (..., Tq, dk)
        "k": values(rng, (*axes, tk, dk), s),  # (..., Tk, dk)
        "v": values(rng, (*axes, tk, dv), 1.0),  # (..., Tk, dv)
    }


_ATTN = {"batch": 0, "heads": 0, "Tq": 3, "Tk": 3, "d_k": 4, "d_v": 2, "scale": 1.0}


def _engine_mistake(name: str, causal: bool = False) -> Callable[[Case], Outputs | None]:
    def f(c: Case) -> Outputs | None:
        return (attention_with_misconception(name, c["q"], c["k"], c["v"], causal=causal)[0],)

    return f


def _naive_attention(c: Case, mask: np.ndarray | None = None, stable: bool = False) -> Outputs:
    """softmax written without the max subtraction (or without the dead-row guard)."""
    q, k, v = c["q"], c["k"], c["v"]
    att = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])  # (..., Tq, Tk)
    if mask is not None:
        att = np.where(mask, att, -np.inf)
    w = _naive_softmax(att, stable=stable)  # (..., Tq, Tk)
    with np.errstate(all="ignore"):
        return (w @ v,)  # (..., Tq, dv)


_BASIC_MISTAKES = ("no_scaling", "scale_by_dk", "softmax_wrong_axis", "raw_scores_weighting")

register(
    Task(
        name="attention",
        arguments=("q", "k", "v"),
        defaults=_ATTN,
        build=_qkv,
        reference=lambda c: (attention(c["q"], c["k"], c["v"])[0],),
        wrong={
            **{mc: _engine_mistake(mc) for mc in _BASIC_MISTAKES},
            "softmax_overflow": _naive_attention,
        },
        returns="the attention output (..., Tq, d_v)",
    )
)


def _build_masked(rng: np.random.Generator, a: Args) -> Case:
    case = _qkv(rng, a)
    tq, tk = int(a["Tq"]), int(a["Tk"])
    mask = rng.random((tq, tk)) < float(a["keep"])  # (Tq, Tk) True = may attend
    mask[np.arange(tq), rng.integers(0, tk, tq)] = True  # every row keeps a key...
    for r in rng.permutation(tq)[: int(a["dead_rows"])]:
        mask[r] = False  # ...except the fully masked rows asked for
    return {**case, "mask": mask}


def _masked(c: Case, mask: np.ndarray) -> Outputs:
    return (attention(c["q"], c["k"], c["v"], mask=mask)[0],)


def _mask_after_softmax(c: Case) -> Outputs:
    w = attention(c["q"], c["k"], c["v"])[1] * c["mask"]  # (..., Tq, Tk) rows no longer sum to 1
    return (w @ c["v"],)


register(
    Task(
        name="masked_attention",
        arguments=("q", "k", "v", "mask"),
        defaults={**_ATTN, "keep": 0.6, "dead_rows": 0},
        build=_build_masked,
        reference=lambda c: _masked(c, c["mask"]),
        wrong={
            "mask_ignored": lambda c: (attention(c["q"], c["k"], c["v"])[0],),
            "mask_inverted": lambda c: _masked(c, ~c["mask"]),
            "mask_after_softmax": _mask_after_softmax,
            "masked_row_nan": lambda c: _naive_attention(c, c["mask"], stable=True),
            "no_scaling": lambda c: (
                attention_with_misconception("no_scaling", c["q"], c["k"], c["v"], c["mask"])[0],
            ),
        },
        returns="the attention output (..., Tq, d_v)",
    )
)


def _bottom_right(tq: int, tk: int) -> np.ndarray:
    return L.causal_mask_bottom_right(tq, tk)  # (Tq, Tk)


register(
    Task(
        name="causal_attention",
        arguments=("q", "k", "v"),
        defaults=_ATTN,
        build=_qkv,
        reference=lambda c: (attention(c["q"], c["k"], c["v"], causal=True)[0],),
        wrong={
            **{
                mc: _engine_mistake(mc, causal=True)
                for mc in ("no_causal_mask", "inverted_causal_mask", "no_scaling")
            },
        },
        returns="the causal attention output (..., Tq, d_v)",
    )
)


def _causal_br(c: Case) -> Outputs:
    tq, tk = c["q"].shape[-2], c["k"].shape[-2]
    return (attention(c["q"], c["k"], c["v"], mask=_bottom_right(tq, tk))[0],)


register(
    Task(
        name="causal_attention_bottom_right",
        arguments=("q", "k", "v"),
        defaults={**_ATTN, "Tq": 2, "Tk": 4},
        build=_qkv,
        reference=_causal_br,
        wrong={
            "causal_top_left": lambda c: (attention(c["q"], c["k"], c["v"], causal=True)[0],),
            "no_causal_mask": lambda c: (attention(c["q"], c["k"], c["v"])[0],),
            "no_scaling": lambda c: (
                attention(
                    c["q"],
                    c["k"],
                    c["v"],
                    mask=_bottom_right(c["q"].shape[-2], c["k"].shape[-2]),
                    scale=1.0,
                )[0],
            ),
        },
        returns="the causal attention output (..., Tq, d_v)",
    )
)
