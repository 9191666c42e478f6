"""Two named mistakes with the same answer must not be told apart by guessing: re-draw, or, when
they are equal by construction, name both."""

from __future__ import annotations

from qkv_drill.cli import main
from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs.check import check
from qkv_drill.packs.instance import display, draw, equal_by_construction
from qkv_drill.packs.params import draw_params
from tests.helpers.questions import computed

BOTH = ["kv_only_one", "forgot_layers"]
KV = {"kv_heads": [2, 4], "head_dim": [64, 128], "seq": [512, 1024], "heads": [8]}


def test_two_mistakes_with_the_same_number_force_a_redraw():
    # with 2 layers, "only K or only V" (x 1/2) and "one layer" (x 1/2) give the same bytes
    q = computed("kv_cache_per_token", {**KV, "layers": [2, 6]}, mcs=BOTH)
    clashing = [s for s in range(40) if draw_params(q, s)[0]["layers"] == 2]
    assert clashing, "the crafted case never draws 2 layers"
    for s in clashing:
        inst = draw(q, s)
        assert inst.params["layers"] == 6 and inst.redraws >= 1
        assert inst.wrong["kv_only_one"] != inst.wrong["forgot_layers"]
        assert inst.same == {}


def test_the_issue_cases_are_redrawn():
    # flops_as_macs (x 1/2) equals forgot_batch with batch 2
    q = computed(
        "qk_flops",
        {"seq": [64], "d_k": [32], "batch": [2, 3]},
        mcs=["flops_as_macs", "forgot_batch"],
    )
    assert {draw(q, s).params["batch"] for s in range(20)} == {3}
    # 1/d_k with d_k 32 equals 1/sqrt(d_model) with d_model 1024
    q = computed(
        "scale_factor",
        {"d_k": [32, 64], "d_model": [1024, 2048]},
        mcs=["scale_by_dk", "scale_by_dmodel"],
    )
    drawn = {(draw(q, s).params["d_k"], draw(q, s).params["d_model"]) for s in range(30)}
    assert (32, 1024) not in drawn and len(drawn) == 3


def test_mistakes_equal_by_construction_are_named_together():
    q = computed(
        "kv_cache_per_token", {**KV, "layers": {"value": 2}}, mcs=["kv_only_one", "forgot_layers"]
    )
    assert equal_by_construction(q) == {("kv_only_one", "forgot_layers")}
    inst = draw(q, 0)
    assert inst.same == {"kv_only_one": ("forgot_layers",), "forgot_layers": ("kv_only_one",)}
    verdict = check(inst, display("numeric", inst.wrong["forgot_layers"], q.answer.tolerance))
    assert verdict.status == "wrong"
    for name in ("kv_only_one", "forgot_layers"):
        m = MISCONCEPTIONS[name]
        assert m.title in verdict.misconception.title and m.feedback in verdict.message
    assert verdict.misconception.name in ("kv_only_one", "forgot_layers")  # recorded by one name


def test_a_mistake_that_equals_another_only_sometimes_is_not_merged():
    q = computed("kv_cache_per_token", {**KV, "layers": [2, 6]}, mcs=BOTH)
    assert equal_by_construction(q) == frozenset()


PACK = """\
pack: {id: clash, title: Clash, version: 1}
questions:
  - id: clash.kv
    topic: cost
    difficulty: easy
    type: numeric
    prompt: "{layers} layers, {kv_heads} kv heads of {head_dim}: bytes per token?"
    explanation: "2 x layers x kv_heads x head_dim x bytes."
    params:
      layers: [2, 3, 4, 6]
      kv_heads: [2, 4]
      head_dim: [64, 128]
    answer: {compute: kv_cache_per_token}
    misconceptions: [kv_only_one, forgot_layers]
"""


def test_validate_reports_the_collision_rate_per_question(tmp_path, capsys):
    p = tmp_path / "clash.yaml"
    p.write_text(PACK)
    assert main(["validate", str(p), "--seeds", "20", "--no-torch"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "collisions" in x)
    assert "clash.kv:" in line and "% of draws re-drawn" in line
    rate = int(line.split(": ")[1].split("%")[0])
    assert 5 <= rate <= 60  # one layer count in four collides


def _redraw_rate(q, seeds: int) -> float:
    redraws = sum(draw(q, s).redraws for s in range(seeds))
    return redraws / (seeds + redraws)


def test_full_rank_matrices_stop_the_self_attention_question_redrawing():
    """A singular X or W_Q W_K^T makes a row of scores constant, so softmax ignores the scaling
    and no_scaling gives the right answer: about 45% of draws were thrown away. Drawing only
    full-rank matrices removes that cause at the draw."""
    import dataclasses

    from tests.helpers.shipped import shipped

    q = shipped()["roles.self-attention-from-x"]
    assert all(q.params[n].get("full_rank") for n in ("X", "W_Q", "W_K", "W_V"))
    assert _redraw_rate(q, 200) < 0.03
    plain = {n: {k: v for k, v in spec.items() if k != "full_rank"} for n, spec in q.params.items()}
    assert _redraw_rate(dataclasses.replace(q, params=plain), 200) > 0.3  # the cause, shown


def test_a_full_rank_parameter_is_always_full_rank():
    import numpy as np

    for dims, values in (([2, 2], [0, 1]), ([3, 2], [-1, 1]), ([2, 4], [0, 2]), ([3], [0, 1])):
        spec = {"matrix": dims, "values": values, "full_rank": True}
        q = computed("project", {"X": spec, "W": {"matrix": [dims[-1], 2]}}, type="matrix")
        for s in range(60):
            x = np.atleast_2d(draw_params(q, s)[0]["X"])
            assert x.shape == tuple(dims) or x.shape == (1, dims[0])
            assert np.linalg.matrix_rank(x) == min(x.shape)
