"""Mistakes only code can make (an overflowing softmax, a mask read backwards, ...), beyond the
engine's registry, which holds every mistake a numeric answer can also show (causal_top_left,
kv_heads_tiled, rope_wrong_pairing, window_off_by_one, padding_on_queries, ...).

Each is a title and a teaching sentence; the wrong value it produces lives with the exercise that
can show it (`tasks_*.py`). A name in the registry is looked up there first.
"""

from __future__ import annotations

from qkv_drill.engine.misconceptions import MISCONCEPTIONS, Misconception

_CODE_TABLE = [
    (
        "softmax_overflow",
        "exp of large scores overflowed",
        "Your softmax overflows for large scores (exp(1000) is inf, inf/inf is NaN): subtract each "
        "row's maximum before exp; the result is the same and exp never sees a positive number.",
    ),
    (
        "masked_row_nan",
        "Fully masked row gives NaN",
        "A row where every key is masked is all -inf, and softmax of it is 0/0 = NaN: give such "
        "a row weights 0 (and output 0), as the exercise asks.",
    ),
    (
        "mask_ignored",
        "Mask not applied",
        "Your function returns attention without the mask: positions where the mask is False "
        "must get weight 0 (set their scores to -inf before the softmax).",
    ),
    (
        "mask_inverted",
        "Mask read the wrong way round",
        "Your function treats True as 'blocked'; here (as in torch's scaled_dot_product_attention) "
        "True means 'may attend'.",
    ),
    (
        "mask_after_softmax",
        "Mask applied after the softmax",
        "Your function zeroes the masked weights after the softmax, so each row no longer sums "
        "to 1: mask the scores (set them to -inf) before the softmax.",
    ),
    (
        "weights_transposed",
        "Weights used transposed",
        "Your function multiplies by W^T: the weights here are laid out (d_model, d_out), so "
        "Q = X W (nn.Linear stores the transpose, (out, in), and computes X W^T).",
    ),
    (
        "split_no_transpose",
        "Heads split by reshape alone",
        "Your function reshapes (B, T, C) straight to (B, H, T, hs): that mixes positions into the "
        "heads. Reshape to (B, T, H, hs) first, then swap the T and H axes.",
    ),
    (
        "rope_ignores_positions",
        "RoPE positions ignored",
        "Your function rotates by the row index 0, 1, 2, ... instead of the positions given: "
        "with a cache or an offset the positions do not start at 0.",
    ),
    (
        "padding_inverted",
        "Padding mask inverted",
        "Your mask is True on the padding; here True means 'may attend', so real tokens are True "
        "and padding is False.",
    ),
    (
        "cross_kv_from_queries",
        "K and V taken from the queries' sequence",
        "Your function computes K and V from x (the decoder side): in cross-attention the queries "
        "come from x, the keys and values from the context (the encoder output).",
    ),
]

CODE_MISCONCEPTIONS: dict[str, Misconception] = {
    name: Misconception(name=name, title=title, feedback=feedback)
    for name, title, feedback in _CODE_TABLE
    if name not in MISCONCEPTIONS
}


def lookup(name: str) -> Misconception | None:
    """The named mistake, from the engine's list first, then the code-only ones."""
    return MISCONCEPTIONS.get(name) or CODE_MISCONCEPTIONS.get(name)


def known(name: str) -> bool:
    return lookup(name) is not None
