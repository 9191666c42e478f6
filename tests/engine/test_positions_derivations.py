"""Each derivation for positions, pooling, paths, masks and paging ends exactly at the value the
engine function returns, for the same arguments."""

from __future__ import annotations

import numpy as np
import pytest

from qkv_drill.engine import architecture as A
from qkv_drill.engine import derive_positions as D
from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import paging as Pg
from qkv_drill.engine import positions as P

Q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
K = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
W = np.arange(12, dtype=float).reshape(3, 4)

CASES = [
    (D.derive_sinusoidal_positions, P.sinusoidal_positions(3, 4), (3, 4)),
    (D.derive_pe_entry, P.sinusoidal_positions(6, 8)[5, 3], (5, 3, 8)),
    (D.derive_wavelength, P.wavelengths(8)[2], (2, 8)),
    (D.derive_offset_rotation, P.offset_rotation(3, 1, 4), (3, 1, 4)),
    (D.derive_pe_similarity, P.pe_similarity(4, 8), (4, 8)),
    (D.derive_learned_position_params, 393_216, (512, 768)),
    (D.derive_shaw_clipped, P.shaw_clipped(5, 5, 2), (5, 2)),
    (D.derive_t5_bucket, 19, (3,)),
    (D.derive_t5_bucket, 13, (-60,)),
    (D.derive_t5_bucket, 31, (-500, False)),
    (D.derive_alibi_slopes, P.alibi_slopes(12), (12,)),
    (D.derive_alibi_slope, P.alibi_slopes(12)[9], (12, 10)),
    (D.derive_alibi_bias, P.alibi_bias(4, 4, [0.25])[0], (4, 8, 2)),
    (
        D.derive_alibi_weights,
        P.biased_attention(Q, K, np.eye(3), P.alibi_bias(3, 3, [0.5])[0], True)[1],
        (Q, K, 8, 1),
    ),
    (
        D.derive_rotation_angle,
        P.rotation_angle(100, 64, "lowest", "ntk", 4.0),
        (100, 64, "lowest", "ntk", 4.0),
    ),
    (D.derive_rotation_angle, 25.0, (100, 64, "highest", "interpolation", 4.0)),
    (D.derive_rotation_angle, 100.0, (100, 64, "highest")),
    (D.derive_ntk_base, P.ntk_base(10000.0, 2.0, 64), (10000.0, 2.0, 64)),
    (D.derive_mean_pool_projection, G.mean_pool_projection(W, 4, 2), (W, 4, 2)),
    (D.derive_pooled_shape, (512, 128), (512, 8, 2, 64)),
    (D.derive_kv_params_removed, G.kv_params_removed(512, 8, 2, 64), (512, 8, 2, 64)),
    (D.derive_max_path_length, 500, ("convolution", 1000, 3)),
    (D.derive_max_path_length, 3, ("dilated-convolution", 1000, 10)),
    (D.derive_lm_mask, A.lm_mask("prefix", 4, 2), ("prefix", 4, 2)),
    (D.derive_allowed_pairs, 21, ("causal", 6)),
    (D.derive_blocks_needed, 3, (40, 16)),
    (D.derive_slots_wasted, Pg.slots_wasted(40, 16), (40, 16)),
    (D.derive_reserved_slots_wasted, 1748, (300, 2048)),
    (D.derive_block_bytes, Pg.block_bytes(16, 40, 40, 128, 2), (16, 40, 40, 128, 2)),
]


@pytest.mark.parametrize(
    ("derive", "expected", "args"), CASES, ids=lambda x: getattr(x, "__name__", None)
)
def test_derivation_ends_at_the_engine_value(derive, expected, args):
    tr = derive(*args)
    np.testing.assert_allclose(
        np.asarray(tr.steps[-1].value, dtype=float), np.asarray(expected, dtype=float)
    )
    assert all(step.formula for step in tr.steps)


def test_every_derivation_is_exercised():
    names = {name for name in dir(D) if name.startswith("derive_")}
    assert names == {c[0].__name__ for c in CASES}


def test_t5_derivation_shows_the_direction_and_the_log_step():
    tr = D.derive_t5_bucket(40)
    assert "after" in tr["direction"].formula and "log" in tr["log bucket"].formula
