"""The positions misconceptions: each gives a different number from the right one where it
applies, the number a person making that mistake would give, and nothing where it cannot bite."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.engine.misconceptions.positions import POSITION_MISCONCEPTIONS
from qkv_drill.packs.computations import COMPUTATIONS, compute, misconception_value


def _wrong(comp: str, mc: str, args: dict):
    return misconception_value(comp, mc, args)


def test_every_position_misconception_is_registered_and_applies_to_a_real_computation():
    for m in POSITION_MISCONCEPTIONS:
        assert MISCONCEPTIONS[m.name] is m
        assert m.applies_to and set(m.applies_to) <= set(COMPUTATIONS)
        assert len(m.feedback.split()) >= 8


def test_sin_cos_swapped_gives_the_other_function():
    args = {"pos": 1, "dim": 0, "d": 8}
    assert compute("pe_entry", args).value == pytest.approx(math.sin(1))
    assert _wrong("pe_entry", "sin_cos_swapped", args) == pytest.approx(math.cos(1))
    table = _wrong("sinusoidal_pe", "sin_cos_swapped", {"seq": 2, "d": 4})
    np.testing.assert_allclose(table[0], [1, 0, 1, 0])


def test_wavelength_without_2pi_is_one_over_omega():
    args = {"pair": 2, "d": 64}
    right = compute("pe_wavelength", args).value
    assert _wrong("pe_wavelength", "wavelength_without_2pi", args) == pytest.approx(
        right / (2 * math.pi)
    )


def test_t5_direction_ignored_only_for_keys_after_the_query():
    assert _wrong("t5_bucket", "t5_direction_ignored", {"relative": 20}) == 10
    assert compute("t5_bucket", {"relative": 20}).value == 26
    assert _wrong("t5_bucket", "t5_direction_ignored", {"relative": -20}) is None


def test_alibi_formula_for_any_n_differs_only_off_powers_of_two():
    args = {"heads": 12, "head": 10}
    assert compute("alibi_slope", args).value == pytest.approx(2**-1.5)
    assert _wrong("alibi_slope", "alibi_slopes_formula_for_any_n", args) == pytest.approx(
        2 ** (-80 / 12)
    )
    assert _wrong("alibi_slope", "alibi_slopes_formula_for_any_n", {"heads": 8, "head": 3}) is None


def test_alibi_positive_bias_flips_the_sign_and_moves_the_weights():
    args = {"seq": 3, "heads": 8, "head": 1}
    np.testing.assert_allclose(
        _wrong("alibi_bias", "alibi_bias_positive", args), -compute("alibi_bias", args).value
    )
    q = [[1, 0], [0, 1], [1, 1]]
    wa = {"Q": q, "K": q, "heads": 8, "head": 1}
    right, wrong = (
        compute("alibi_weights", wa).value,
        _wrong("alibi_weights", "alibi_bias_positive", wa),
    )
    assert not np.allclose(right, wrong)
    np.testing.assert_allclose(wrong.sum(axis=-1), 1.0)


def test_interpolation_multiplied_and_ntk_as_interpolation():
    pi = {"position": 3000, "d": 128, "pair": 0, "scale": 4.0}
    assert compute("rope_angle_interpolated", pi).value == pytest.approx(750)
    assert _wrong("rope_angle_interpolated", "interpolation_multiplied", pi) == pytest.approx(12000)
    assert compute("rope_angle_ntk", pi).value == pytest.approx(3000)
    assert _wrong("rope_angle_ntk", "ntk_as_interpolation", pi) == pytest.approx(750)
    # on the slowest pair the two methods agree: the mistake cannot be told apart there
    low = {**pi, "pair": 63}
    assert _wrong("rope_angle_ntk", "ntk_as_interpolation", low) == pytest.approx(
        compute("rope_angle_ntk", low).value
    )


def test_mask_mistakes():
    assert _wrong("causal_pairs", "mask_future_visible", {"seq": 100}) == 10000
    assert _wrong("causal_pairs", "causal_without_diagonal", {"seq": 100}) == 4950
    assert compute("causal_pairs", {"seq": 100}).value == 5050
    assert _wrong("prefix_pairs", "mask_future_visible", {"seq": 5, "prefix": 5}) is None
    np.testing.assert_array_equal(_wrong("causal_mask", "mask_future_visible", {"seq": 3}), 1)


def test_blocks_rounded_down_only_with_a_partial_block():
    assert _wrong("paged_blocks", "blocks_rounded_down", {"seq": 1000}) == 62
    assert compute("paged_blocks", {"seq": 1000}).value == 63
    assert _wrong("paged_blocks", "blocks_rounded_down", {"seq": 992}) is None


def test_pooled_by_sum_scales_by_the_group_size():
    w = [[1, 3, -2, 0], [2, -1, 1, 1]]
    args = {"W": w, "heads": 4, "groups": 2}
    np.testing.assert_allclose(compute("gqa_pool", args).value, [[2, -1], [0.5, 1]])
    np.testing.assert_allclose(_wrong("gqa_pool", "pooled_by_sum", args), [[4, -2], [1, 2]])
    assert _wrong("gqa_pool", "pooled_by_sum", {"W": w, "heads": 4, "groups": 4}) is None
