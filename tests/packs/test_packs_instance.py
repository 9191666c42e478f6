"""Drawing instances: reproducible, varied, computed by the engine, re-drawn when ambiguous."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.engine import attention
from qkv_drill.engine import quantities as Qn
from qkv_drill.packs.configs import CONFIGS
from qkv_drill.packs.instance import draw, draw_fixed, render_prompt
from qkv_drill.packs.params import ImpossibleConstraints, draw_params, rng_for
from tests.helpers.questions import Option, computed, question

HEAD = computed(
    "head_dim",
    {"d_model": [256, 512, 768, 1024, 2048], "heads": [2, 4, 8, 16]},
    mcs=["no_head_split"],
    prompt="d_model {d_model}, {heads} heads: d_k?",
)
WEIGHTS = computed(
    "attention_weights",
    {
        "T": {"range": [2, 4]},
        "Q": {"matrix": ["T", 3], "values": [-2, 2]},
        "K": {"matrix": ["T", 3], "values": [-2, 2]},
    },
    type="matrix",
    args={"causal": True},
    tol=(0.01, 0.0),
    mcs=["no_scaling", "no_causal_mask", "softmax_wrong_axis"],
    prompt="Q = {Q}\nK = {K}\nWeights?",
)


def test_same_seed_same_instance():
    a, b = draw(WEIGHTS, 7), draw(WEIGHTS, 7)
    assert a.params == b.params and a.prompt == b.prompt
    assert np.array_equal(a.expected, b.expected)


def test_seed_is_stable_across_processes():
    """sha256 seeding, not Python's salted hash(): another interpreter draws the same numbers."""
    here = rng_for("q.id", 3).integers(0, 10**9, size=4).tolist()
    code = (
        "from qkv_drill.packs.params import rng_for;"
        "print(rng_for('q.id', 3).integers(0, 10**9, size=4).tolist())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    ).stdout
    assert out.strip() == str(here)


def test_different_seeds_give_different_numbers():
    prompts = {draw(WEIGHTS, s).prompt for s in range(20)}
    assert len(prompts) >= 15
    heads = {draw(HEAD, s).params["heads"] for s in range(40)}
    assert heads == {2, 4, 8, 16}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6))
def test_expected_equals_direct_engine_calls(seed):
    inst = draw(WEIGHTS, seed)
    Q, K = np.array(inst.params["Q"], float), np.array(inst.params["K"], float)
    _, w = attention(Q, K, np.eye(K.shape[0]), causal=True)
    assert np.array_equal(inst.expected, w)
    assert np.array_equal(inst.heatmap, w)
    h = draw(HEAD, seed)
    assert h.expected == Qn.head_dim(h.params["d_model"], h.params["heads"])


def test_matrix_shown_in_prompt_is_the_one_computed():
    inst = draw(WEIGHTS, 3)
    for row in inst.params["Q"]:
        assert "| " + " | ".join(str(x) for x in row) + " |" in inst.prompt


def test_redraw_when_a_misconception_collides():
    """heads=1 makes no_head_split give the right answer; such draws must be replaced."""
    q = computed(
        "head_dim",
        {"d_model": [512, 768], "heads": [1, 8]},
        mcs=["no_head_split"],
        prompt="{d_model} {heads}",
    )
    would_collide = [s for s in range(30) if draw_params(q, s)[0]["heads"] == 1]
    assert would_collide, "the crafted case never hits heads=1"
    for s in would_collide:
        inst = draw(q, s)
        assert inst.params["heads"] == 8
        assert inst.wrong["no_head_split"] != inst.expected
    # without the misconception nothing is re-drawn
    plain = computed("head_dim", {"d_model": [512, 768], "heads": [1, 8]})
    assert draw(plain, would_collide[0]).params["heads"] == 1


def test_collision_within_tolerance_also_redraws():
    """Scaling barely matters when all scores are equal; a loose tolerance hides no_scaling."""
    q = computed(
        "scale_factor",
        {"d_k": [1, 4]},
        tol=(0.3, 0.0),
        mcs=["no_scaling"],
    )
    # d_k=1: 1 vs 1 (same); d_k=4: 0.5 vs 1 (differs by 0.5 > 0.3)
    assert {draw(q, s).params["d_k"] for s in range(20)} == {4}


def test_precision_is_stated_in_the_prompt():
    assert draw(HEAD, 1).prompt.endswith("Exact integer.")
    assert draw(WEIGHTS, 1).prompt.endswith("Give each entry to within 0.01.")
    q = computed("scale_factor", {"d_k": [64]}, tol=(0.001, 0.0))
    assert draw(q, 0).prompt.endswith("Answer to within 0.001.")
    rel = computed(
        "kv_cache_per_token", {"layers": [2], "kv_heads": [2], "head_dim": [4]}, tol=(0.0, 0.05)
    )
    assert draw(rel, 0).prompt.endswith("Answer to within 5%.")
    shape = computed(
        "shape",
        {"seq": [4], "d_model": [8], "heads": [2]},
        type="shape",
        args={"which": "q_heads"},
    )
    assert draw(shape, 0).prompt.endswith("Give the shape as a tuple, e.g. (2, 3).")


def test_placeholders_only_replace_known_identifiers():
    text = render_prompt(
        "d_k = {d_k}, {unknown}, {not an id}, {{d_k}}, softmax(QK^T/sqrt{d_k}) {x}",
        {"d_k": 64, "x": 0.125},
    )
    # {{d_k}} is the way to show braces: it is not substituted
    assert text == "d_k = 64, {unknown}, {not an id}, {d_k}, softmax(QK^T/sqrt64) 0.125"


def test_config_sets_display_name_and_fields_unless_given():
    q = computed(
        "kv_cache",
        {"model": {"config": ["llama2-70b"]}, "seq": [4096], "layers": [1]},
        derive={"head_dim": "d_model / heads"},
        mcs=["kv_ignores_gqa"],
        prompt="{model} with {kv_heads} kv heads",
    )
    inst = draw(q, 0)
    cfg = CONFIGS["llama2-70b"]
    assert inst.prompt.startswith("Llama 2 70B with 8 kv heads")
    assert inst.params["layers"] == 1  # given explicitly, not taken from the config
    assert inst.params["head_dim"] == 128 and isinstance(inst.params["head_dim"], int)
    assert inst.expected == Qn.kv_cache(1, cfg.kv_heads, 128, 4096)
    assert inst.wrong["kv_ignores_gqa"] == Qn.kv_cache(1, cfg.heads, 128, 4096)


def test_published_configs():
    c = CONFIGS
    assert (c["gpt2-small"].d_model, c["gpt2-small"].heads, c["gpt2-small"].layers) == (768, 12, 12)
    assert c["gpt2-small"].vocab == 50257 and c["gpt2-small"].context == 1024
    assert (c["bert-base"].vocab, c["bert-large"].layers) == (30522, 24)
    assert (c["llama2-70b"].heads, c["llama2-70b"].kv_heads, c["llama2-70b"].d_ff) == (64, 8, 28672)
    assert c["llama2-13b"].d_ff == 13824 and c["gpt2-xl"].heads == 25
    assert all(cfg.d_model % cfg.heads == 0 for cfg in c.values())
    assert c["gpt2-small"].display == "GPT-2 small"


def test_range_step_and_value_specs():
    q = computed(
        "score_memory",
        {"seq": {"range": [2, 64], "step": 2}, "bytes": {"value": 2}},
    )
    seqs = {draw(q, s).params["seq"] for s in range(60)}
    assert seqs <= set(range(2, 65, 2)) and len(seqs) > 10
    assert {draw(q, s).params["bytes"] for s in range(5)} == {2}


def test_impossible_constraints_raise():
    q = computed(
        "head_dim",
        {"d_model": [510], "heads": [4]},
        constraints=({"divisible": ["d_model", "heads"]},),
    )
    with pytest.raises(ImpossibleConstraints):
        draw(q, 0)


@pytest.mark.parametrize(
    ("kind", "a", "b", "ok"),
    [
        ("less", 1, 2, True),
        ("less", 2, 2, False),
        ("less_equal", 2, 2, True),
        ("not_equal", 3, 3, False),
        ("divisible", 12, 4, True),
        ("divisible", 12, 5, False),
    ],
)
def test_constraints(kind, a, b, ok):
    from qkv_drill.packs.params import constraint_holds

    assert constraint_holds({kind: ["a", b]}, {"a": a}) is ok


def test_options_shuffle_per_seed_and_expected_follows():
    opts = tuple(Option(f"opt{i}", correct=(i == 2)) for i in range(5))
    q = question(type="choice", options=opts)
    orders = {tuple(draw(q, s).options) for s in range(20)}
    assert len(orders) > 5
    for s in range(20):
        inst = draw(q, s)
        assert inst.options[inst.expected] == "opt2"
    fixed = question(type="choice", options=opts, shuffle=False)
    assert {tuple(draw(fixed, s).options) for s in range(5)} == {tuple(o.text for o in opts)}


def test_draw_fixed_uses_the_given_params():
    inst = draw_fixed(HEAD, {"d_model": 512, "heads": 8})
    assert inst.expected == 64.0 and inst.wrong["no_head_split"] == 512


def test_display_parses_back_within_tolerance():
    q = computed("scale_factor", {"d_k": [3, 7, 11]}, tol=(1e-4, 0.0))
    for s in range(10):
        inst = draw(q, s)
        assert abs(float(inst.expected_display) - 1 / math.sqrt(inst.params["d_k"])) < 1e-5
