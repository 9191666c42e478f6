"""Exercises on positions: RoPE (half style) on q and k, a sliding-window mask, a padding mask.

Shape legend: B batch;  T positions;  d width (even);  Tq queries, Tk keys
"""

from __future__ import annotations

import numpy as np

from qkv_drill.exercises import layouts as L
from qkv_drill.exercises.registry import Args, Case, Outputs, Task, lead, register, values


def _build_rope(rng: np.random.Generator, a: Args) -> Case:
    t, d = int(a["T"]), int(a["d"])
    offset = int(rng.integers(0, int(a["max_offset"]) + 1))
    return {
        "q": values(rng, (*lead(a), t, d), 1.0),  # (..., T, d)
        "k": values(rng, (*lead(a), t, d), 1.0),  # (..., T, d)
        "positions": np.arange(offset, offset + t),  # (T,) e.g. after `offset` cached tokens
    }


def _rope(c: Case, style: str = "half", positions: np.ndarray | None = None) -> Outputs:
    pos = c["positions"] if positions is None else positions
    return L.rope(c["q"], pos, style=style), L.rope(c["k"], pos, style=style)


def _rope_from_zero(c: Case) -> Outputs | None:
    pos = np.arange(len(c["positions"]))  # (T,)
    return None if np.array_equal(pos, c["positions"]) else _rope(c, positions=pos)


register(
    Task(
        name="rope",
        arguments=("q", "k", "positions"),
        defaults={"batch": 0, "heads": 0, "T": 3, "d": 4, "max_offset": 5},
        build=_build_rope,
        reference=_rope,
        wrong={
            "rope_wrong_pairing": lambda c: _rope(c, style="interleaved"),
            "rope_ignores_positions": _rope_from_zero,
        },
        returns="(q rotated, k rotated)",
    )
)


def _build_window(rng: np.random.Generator, a: Args) -> Case:
    return {"tq": int(a["Tq"]), "tk": int(a["Tk"]), "window": int(a["window"])}


def _window_top_left(c: Case) -> Outputs | None:
    if c["tq"] == c["tk"]:
        return None  # both alignments agree on a square mask
    i = np.arange(c["tq"])[:, None]  # (Tq, 1)
    j = np.arange(c["tk"])[None, :]  # (1, Tk)
    return ((j <= i) & (j > i - c["window"]),)  # (Tq, Tk)


register(
    Task(
        name="sliding_window_mask",
        arguments=("tq", "tk", "window"),
        defaults={"Tq": 4, "Tk": 4, "window": 2},
        build=_build_window,
        reference=lambda c: (L.sliding_window_mask(c["tq"], c["tk"], c["window"]),),
        wrong={
            "window_off_by_one": lambda c: (
                L.sliding_window_mask(c["tq"], c["tk"], c["window"], off_by_one=True),
            ),
            "causal_top_left": _window_top_left,
        },
        returns="the boolean mask (Tq, Tk)",
    )
)


def _build_padding(rng: np.random.Generator, a: Args) -> Case:
    b, tk = int(a["batch"]), int(a["Tk"])
    lengths = rng.integers(1, tk + 1, size=b)  # (B,) real tokens per sequence
    lengths[rng.integers(0, b)] = max(1, tk - 1)  # at least one sequence has padding
    return {"lengths": lengths, "tk": tk}


def _padding_on_queries(c: Case) -> Outputs:
    m = L.padding_mask(c["lengths"], c["tk"])  # (B, 1, 1, Tk)
    return (np.swapaxes(m, -1, -2),)  # (B, 1, Tk, 1): hides padded queries, not keys


register(
    Task(
        name="padding_mask",
        arguments=("lengths", "tk"),
        defaults={"batch": 3, "Tk": 4},
        build=_build_padding,
        reference=lambda c: (L.padding_mask(c["lengths"], c["tk"]),),
        wrong={
            "padding_on_queries": _padding_on_queries,
            "padding_inverted": lambda c: (~L.padding_mask(c["lengths"], c["tk"]),),
        },
        returns="the boolean mask (B, 1, 1, Tk)",
    )
)
