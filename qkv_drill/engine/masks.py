"""Attention masks as boolean arrays: True = may attend, the convention of torch's SDPA.

Alignment. With Tq queries and Tk keys, `top_left` puts query i at position i (torch's
`is_causal=True`, `tril(ones(Tq, Tk))`): right for training, where Tq == Tk. `bottom_right` puts
the last query at the last key, query i at position i + (Tk - Tq) (torch's
`causal_lower_right`): right when the keys include a cache of earlier tokens, as in decoding
(Tq = 1) or chunked prefill, where the last query must see every key. With Tq == Tk both agree.

Shape legend: Tq queries, Tk keys, B batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from qkv_drill.engine.arrays import BoolArray, IntArray

Align = Literal["top_left", "bottom_right"]
ALIGNS: tuple[Align, ...] = ("top_left", "bottom_right")


def query_positions(tq: int, tk: int, align: Align = "top_left") -> IntArray:
    """The key position each query sits at: i (top-left) or i + Tk - Tq (bottom-right)."""
    if align not in ALIGNS:
        raise ValueError(f"align must be one of {', '.join(ALIGNS)}, not {align!r}")
    offset = tk - tq if align == "bottom_right" else 0
    return np.arange(tq) + offset  # (Tq,)


def causal_mask(tq: int, tk: int, align: Align = "top_left") -> BoolArray:
    """True where query i may see key j: j <= the query's position (see `query_positions`).

    `top_left` is `tril(ones(Tq, Tk))`, torch's `is_causal`; `bottom_right` is
    `torch.nn.attention.bias.causal_lower_right`. With Tq < Tk (a cache), top-left hides from
    the last query the newest Tk - Tq keys, which decoding needs; bottom-right with Tq > Tk
    leaves the first Tq - Tk queries seeing nothing.
    """
    pos = query_positions(tq, tk, align)  # (Tq,)
    return np.arange(tk)[None, :] <= pos[:, None]  # (Tq, Tk)


def sliding_window_mask(tq: int, tk: int, window: int, align: Align = "bottom_right") -> BoolArray:
    """Causal attention limited to the last `window` keys: each query sees itself and the
    `window - 1` keys before it (keys p - window + 1 .. p for a query at position p).

    The window counts the query itself, so `window` keys are visible: as xFormers'
    `make_local_attention(window)`, which Mistral's reference code uses, and the transformers
    eager mask. The Mistral 7B paper (Jiang et al. 2023, section 2) words it as "positions
    between i - W and i", which read inclusively is W + 1 keys; the two readings differ by one
    (transformers issue #29623, vllm issue #3385). Mistral 7B's W is 4096.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1 (the query itself), not {window}")
    pos = query_positions(tq, tk, align)[:, None]  # (Tq, 1)
    j = np.arange(tk)[None, :]  # (1, Tk)
    return (j <= pos) & (j > pos - window)  # (Tq, Tk)


def padding_mask(lengths: Sequence[int] | IntArray, tk: int) -> BoolArray:
    """(B, 1, 1, Tk): True for the real keys j < lengths[b], False for padding after them.

    It masks keys (columns), broadcasting over heads and queries: no query may attend to a pad
    token. Padded queries still get outputs; they are ignored downstream (masking them as
    rows would leave rows with nothing to attend to).
    """
    lengths = np.asarray(lengths, dtype=int).reshape(-1)  # (B,)
    if (lengths < 0).any() or (lengths > tk).any():
        raise ValueError(f"lengths must be within 0..{tk}: {lengths.tolist()}")
    keep = np.arange(tk)[None, :] < lengths[:, None]  # (B, Tk)
    return keep[:, None, None, :]  # (B, 1, 1, Tk)
