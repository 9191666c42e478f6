"""KV-cache memory in fixed-size blocks, as vLLM's PagedAttention stores it.

Kwon et al. 2023 (arXiv 2309.06180): instead of reserving one contiguous slab per request for its
maximum length, the cache is cut into blocks of `block_size` tokens (16 by default in vLLM),
allocated on demand and found through a per-request block table. Waste is then confined to the
last, partly filled block of each sequence (under one block), where reservation wastes everything
between the tokens actually produced and the maximum length.
"""

from __future__ import annotations

import math


def _check(seq: int, block_size: int) -> None:
    if seq < 0 or block_size <= 0:
        raise ValueError(f"seq={seq} must be >= 0 and block_size={block_size} positive")


def blocks_needed(seq: int, block_size: int = 16) -> int:
    """ceil(seq / block_size): a partly filled last block is still a whole block."""
    _check(seq, block_size)
    return math.ceil(seq / block_size)


def slots_wasted(seq: int, block_size: int = 16) -> int:
    """Token slots allocated but empty: the unused tail of the last block (< block_size)."""
    return blocks_needed(seq, block_size) * block_size - seq


def reserved_slots_wasted(seq: int, max_len: int) -> int:
    """Slots a contiguous reservation for `max_len` tokens leaves empty after `seq` tokens."""
    if not 0 <= seq <= max_len:
        raise ValueError(f"seq={seq} must be in [0, max_len={max_len}]")
    return max_len - seq


def block_bytes(block_size: int, layers: int, kv_heads: int, head_dim: int, bytes: int = 2) -> int:
    """One block of K and V for every layer: 2 x layers x kv_heads x head_dim x bytes x tokens."""
    return 2 * layers * kv_heads * head_dim * bytes * block_size


def shared_prefix_blocks(prompt: int, block_size: int = 16) -> int:
    """Blocks parallel samples of one prompt can share: the prompt's full blocks.

    The partly filled last block is shared too until a sample writes to it; copy-on-write then
    gives that sample its own copy. Counting only full blocks gives what stays shared.
    """
    _check(prompt, block_size)
    return prompt // block_size
