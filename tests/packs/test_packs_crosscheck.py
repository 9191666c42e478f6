"""The torch second opinion on a drawn instance: agrees on the shipped questions, and says so
loudly when a backend goes wrong."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qkv_drill.packs import computations
from qkv_drill.packs.crosscheck import cross_check, has_torch_path
from qkv_drill.packs.instance import draw
from qkv_drill.packs.loader import load_packs


@pytest.fixture(scope="module")
def shipped():
    return load_packs(include_user=False).questions


def _first(shipped, compute_name):
    for q in shipped.values():
        if q.answer is not None and q.answer.compute == compute_name:
            return q
    pytest.skip(f"no shipped question computes {compute_name}")


@pytest.mark.parametrize("name", ["self_attention", "attention_weights", "scores", "project"])
def test_torch_agrees_on_shipped_matrix_questions(shipped, name):
    inst = draw(_first(shipped, name), seed=11)
    result = cross_check(inst)
    assert result is not None and result.agrees
    assert result.max_abs_diff < 1e-9
    assert "agrees" in result.describe()


def test_quantities_have_no_torch_path(shipped):
    inst = draw(_first(shipped, "head_dim"), seed=1)
    assert not has_torch_path(inst)
    assert cross_check(inst) is None


def test_a_disagreeing_backend_is_reported(shipped, monkeypatch):
    q = _first(shipped, "attention_weights")
    inst = draw(q, seed=3)
    comp = computations.COMPUTATIONS["attention_weights"]

    def off_by_a_bit(args):
        return np.asarray(comp.torch_fn(args)) + 1e-3

    broken = dataclasses.replace(comp, torch_fn=off_by_a_bit)
    monkeypatch.setitem(computations.COMPUTATIONS, "attention_weights", broken)
    result = cross_check(inst)
    assert result is not None and not result.agrees
    assert result.max_abs_diff == pytest.approx(1e-3)
    assert "DISAGREE" in result.describe()
