"""How layer types and language-model architectures connect tokens: path lengths and masks.

Vaswani et al. 2017 (arXiv 1706.03762), Table 1, compares self-attention with recurrent and
convolutional layers by the number of sequential operations and the maximum path length between
two positions. The functions here give those counts exactly for stated conventions rather than in
O() form, so a question can ask for a number:

- self-attention: every query reads every key, 1 layer connects any two positions;
- recurrent: the first token reaches the last through n - 1 state updates, one after another;
- convolution, contiguous kernel width k: each layer widens the receptive field by k - 1, so
  ceil((n - 1) / (k - 1)) layers connect positions n - 1 apart (the paper's O(n/k));
- convolution, dilated (dilation k^l at layer l): after L layers the field is k^L, so
  ceil(log_k n) layers (the paper's O(log_k n)).

Masks (True = may attend, as SDPA) of the three pre-training set-ups: an encoder (BERT) sees
everything, a decoder (GPT) the past, a prefix LM (T5 section 3.2.1) everything inside the prefix
and the past after it.

Shape legend: T positions.
"""

from __future__ import annotations

import math

import numpy as np

from qkv_drill.engine.arrays import BoolArray

LAYER_KINDS = ("self-attention", "recurrent", "convolution", "dilated-convolution")
MASK_KINDS = ("bidirectional", "causal", "prefix")


def max_path_length(kind: str, n: int, k: int = 3) -> int:
    """Layers (or recurrent steps) a signal needs between the first and the n-th position."""
    if n < 2:
        raise ValueError(f"n={n}: a path needs two positions")
    if kind == "self-attention":
        return 1
    if kind == "recurrent":
        return n - 1
    if k < 2:
        raise ValueError(f"kernel width k={k} must be >= 2")
    if kind == "convolution":
        return math.ceil((n - 1) / (k - 1))
    if kind == "dilated-convolution":
        layers = 0
        while k**layers < n:  # integer arithmetic: no floating log at exact powers
            layers += 1
        return layers
    raise ValueError(f"kind {kind!r}: one of {', '.join(LAYER_KINDS)}")


def sequential_operations(kind: str, n: int) -> int:
    """Steps that must run one after another in a layer: n for a recurrence, 1 otherwise."""
    if kind not in LAYER_KINDS:
        raise ValueError(f"kind {kind!r}: one of {', '.join(LAYER_KINDS)}")
    return n if kind == "recurrent" else 1


def lm_mask(kind: str, seq: int, prefix: int = 0) -> BoolArray:
    """(T, T) boolean, True = query i may attend to key j."""
    if kind == "bidirectional":
        return np.ones((seq, seq), dtype=bool)  # (T, T)
    causal = np.tril(np.ones((seq, seq), dtype=bool))  # (T, T) j <= i
    if kind == "causal":
        return causal
    if kind == "prefix":
        if not 0 <= prefix <= seq:
            raise ValueError(f"prefix={prefix} must be in [0, {seq}]")
        causal[:, :prefix] = True  # every query sees the whole prefix
        return causal
    raise ValueError(f"kind {kind!r}: one of {', '.join(MASK_KINDS)}")


def allowed_pairs(kind: str, seq: int, prefix: int = 0) -> int:
    """(query, key) pairs the mask lets through: T^2, T(T+1)/2, or the prefix-LM count."""
    return int(lm_mask(kind, seq, prefix).sum())
