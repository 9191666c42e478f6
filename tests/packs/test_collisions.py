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


def test_a_symmetric_key_matrix_is_why_the_transpose_mistake_redrew():
    """With K = K^T, Q K and Q K^T are the same matrix, so `no_transpose` gives the right answer:
    about a fifth of the 2x2 score questions' draws were thrown away (k12 == k21 one time in
    five with values -2..2). `not_symmetric: true` on K removes that cause at the draw."""
    import dataclasses

    from tests.helpers.shipped import shipped

    for qid in ("shapes.scores-by-hand", "pytorch.scores-by-hand"):
        q = shipped()[qid]
        assert q.params["K"].get("not_symmetric"), qid
        assert _redraw_rate(q, 200) < 0.03, qid
        plain = {**q.params, "K": {k: v for k, v in q.params["K"].items() if k != "not_symmetric"}}
        assert _redraw_rate(dataclasses.replace(q, params=plain), 200) > 0.12, qid  # the cause


def test_a_not_symmetric_parameter_is_never_symmetric():
    import numpy as np

    cases = (
        ([2, 2], [-2, 2], {}),
        ([3, 3], [0, 1], {}),
        ([2, 2], [0, 1], {"full_rank": True}),
        (["n", "n"], [-1, 1], {}),
    )
    for dims, values, extra in cases:
        spec = {"matrix": dims, "values": values, "not_symmetric": True, **extra}
        q = computed("scores", {"n": [2, 3], "Q": {"matrix": [2, 2]}, "K": spec}, type="matrix")
        seen = set()
        for s in range(80):
            k = np.asarray(draw_params(q, s)[0]["K"])
            assert k.ndim == 2 and k.shape[0] == k.shape[1]
            assert (k != k.T).any(), (dims, s, k)
            if extra.get("full_rank"):
                assert np.linalg.matrix_rank(k) == k.shape[0]
            seen.add(k.tobytes())
        assert len(seen) > 1  # still drawn at random, not one fixed matrix


def test_not_symmetric_is_refused_where_it_cannot_hold(tmp_path):
    from qkv_drill.packs.loader import load_pack_file

    head = "pack: {id: ns, title: NS, version: 1}\nquestions:\n"
    body = """  - id: ns.q
    topic: shapes
    difficulty: easy
    type: matrix
    prompt: "K = {K}"
    explanation: K.
    params:
      Q: {matrix: [2, 2]}
      K: SPEC
    answer: {compute: scores, tolerance: {abs: 0.01}}
"""
    cases = {
        "{matrix: [3], not_symmetric: true}": "'K' is a vector",
        "{matrix: [1, 1], not_symmetric: true}": "'K' is 1x1, which is always symmetric",
        "{matrix: [2, 2], values: [1, 1], not_symmetric: true}": "needs at least two values",
        "{matrix: [2, 2], not_symmetric: yes please}": "not_symmetric must be true or false",
    }
    for spec, message in cases.items():
        path = tmp_path / "ns.yaml"
        path.write_text(head + body.replace("SPEC", spec))
        errors = load_pack_file(path).errors
        assert [e.line for e in errors] == [11], (spec, [str(e) for e in errors])
        assert message in errors[0].message, (spec, errors[0].message)
