"""Each content defect reviewers found in the shipped packs stays fixed.

A test per question id: it reads the wording or draws instances and recomputes, so that the old
wording or parameters would fail it. Facts about PyTorch are checked on the installed torch.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from qkv_drill.packs.check import check
from qkv_drill.packs.instance import draw
from qkv_drill.packs.model import Question
from tests.helpers.shipped import shipped


def q(qid: str) -> Question:
    return shipped()[qid]


def words(text: str) -> str:
    return " ".join(text.split())


def option(question: Question, starts: str):
    (o,) = [o for o in question.options if o.text.startswith(starts)]
    return o


def correct_option(question: Question):
    (o,) = [o for o in question.options if o.correct]
    return o


# --- wrong or misleading ----------------------------------------------------------------------


def test_first_row_distractor_no_longer_blames_an_inverted_mask():
    last = option(q("masking.first-row"), "All the weight on the last key")
    assert last.misconception != "inverted_causal_mask"
    assert "last row" in words(last.why)
    # the fact the wording now states: an inverted mask (hide j < i) leaves row 0 seeing every
    # key and makes the last row one-hot
    t = 4
    i, j = np.indices((t, t))
    inverted_allowed = j >= i  # (T, T)
    assert inverted_allowed[0].all()
    assert inverted_allowed[-1].sum() == 1 and inverted_allowed[-1, -1]


def test_finite_negative_says_masked_fill_raises_and_only_an_additive_mask_becomes_inf():
    question = q("masking.finite-negative")
    right = words(correct_option(question).text)
    assert "masked_fill" in right and "overflow error" in right
    assert "additive" in right and "NaN" in right
    torch = pytest.importorskip("torch")
    scores = torch.zeros(2, 3, dtype=torch.float16)
    mask = torch.tensor([[False, True, True], [True, True, True]])
    with pytest.raises(RuntimeError, match="overflow"):
        scores.masked_fill(mask, -1e9)
    additive = torch.zeros(2, 3).masked_fill(mask, -1e9).half()  # (2, 3)
    assert torch.isinf(additive[1]).all()
    assert torch.isnan(torch.softmax((scores + additive).float(), -1)[1]).all()
    finite = scores.masked_fill(mask, torch.finfo(torch.float16).min)
    assert torch.isfinite(torch.softmax(finite.float(), -1)).all()


def test_project_by_hand_names_the_only_product_that_is_three_wide():
    text = words(q("pytorch.project-by-hand").explanation)
    assert "3-wide result means you multiplied by the weight" not in text
    assert "shape error" in text and "W_Q X" in text
    x, w_q = np.ones((2, 3)), np.ones((3, 2))  # (T, d_model), (d_model, d_k)
    with pytest.raises(ValueError):
        x @ w_q.T  # the PyTorch weight (d_k, d_model) used without transposing
    assert (w_q @ x).shape == (3, 3)


def test_saturated_softmax_does_not_promise_saturation_its_draws_do_not_deliver():
    question = q("scaling.saturated-softmax")
    tops = []
    for seed in range(300):
        z = np.asarray(draw(question, seed).params["z"], dtype=float)
        p = np.exp(z - z.max())
        tops.append((p / p.sum()).max())
    if min(tops) < 0.9:  # some draws are not saturated: the text must not say they all are
        assert "forgot its scaling" not in question.prompt
        assert "tie" in question.explanation
        assert "the weights are close to one-hot. In that regime" not in words(question.explanation)


def test_scaling_by_dk_is_an_initialisation_effect_not_a_known_mistake():
    growth = q("scaling.trained-growth")
    for o in growth.options:
        assert "known mistake" not in o.why
    assert "muP" in option(growth, "The variance shrinks").why
    for qid in ("scaling.divide-by-dk", "scaling.factor"):
        assert "initialisation" in words(q(qid).explanation), qid
    assert "initialisation" in words(correct_option(q("scaling.divide-by-dk")).text)


@pytest.mark.parametrize(
    ("qid", "convention"), [("shapes.wk-per-head", "K = X W_K"), ("shapes.wv-dv", "V = X W_V")]
)
def test_weight_shape_prompts_state_the_row_convention(qid, convention):
    question = q(qid)
    assert convention in question.prompt
    assert "nn.Linear.weight" in words(question.explanation)


def _hand_worked_answer(params: dict) -> str:
    """A careful hand computation: exact integer projections, weights to two decimals."""
    x, w_q, w_k, w_v = (np.asarray(params[k], dtype=float) for k in ("X", "W_Q", "W_K", "W_V"))
    q_, k_, v_ = x @ w_q, x @ w_k, x @ w_v  # (2, 2) each
    scores = q_ @ k_.T / math.sqrt(2)  # (2, 2)
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = np.round(p / p.sum(axis=1, keepdims=True), 2)  # (2, 2), two decimals
    out = np.round(weights @ v_, 2)  # (2, 2)
    return "; ".join(" ".join(f"{v:.2f}" for v in row) for row in out)


def test_self_attention_from_x_accepts_answers_worked_at_two_decimals():
    question = q("roles.self-attention-from-x")
    seeds = range(300)
    passed = sum(
        check(inst := draw(question, s), _hand_worked_answer(inst.params)).status == "correct"
        for s in seeds
    )
    assert passed == len(seeds)


def test_score_memory_never_asks_beyond_the_models_context():
    question = q("cost.score-memory-8k")
    for seed in range(200):
        params = draw(question, seed).params
        assert params["seq"] <= params["context"], params["model"]


def test_kv_per_token_gqa_gives_new_numbers():
    question = q("cost.kv-per-token-gqa")
    answers = {draw(question, seed).expected for seed in range(40)}
    assert len(answers) > 1


@pytest.mark.parametrize(
    "qid",
    [
        "multihead.split-code",
        "multihead.contiguous",
        "cost.decode-step-cost",
        "cost.flash-attention",
    ],
)
def test_no_option_is_tagged_with_a_misconception_describing_another_bug(qid):
    tagged = {
        "multihead.split-code": {"heads_merged_wrong_order"},
        "multihead.contiguous": {"heads_merged_wrong_order"},
        "cost.decode-step-cost": {"kv_only_one"},
        "cost.flash-attention": {"no_scaling"},
    }[qid]
    assert {o.misconception for o in q(qid).options} & tagged == set()


# --- nits ---------------------------------------------------------------------------------------


def test_fully_masked_row_explains_nan_and_what_sdpa_returns():
    question = q("masking.fully-masked-row")
    assert "sum of exps is 0" not in words(option(question, "A uniform row").why)
    assert "scaled_dot_product_attention" in words(option(question, "All zeros").why)
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    q_, k_, v_ = torch.ones(1, 1, 2, 4), torch.ones(1, 1, 3, 4), torch.ones(1, 1, 3, 4)
    allowed = torch.tensor([[True, False, False], [False, False, False]])  # (T, S)
    out = F.scaled_dot_product_attention(q_, k_, v_, attn_mask=allowed)  # (1, 1, T, hs)
    assert torch.equal(out[0, 0, 1], torch.zeros(4))
    assert torch.isnan(torch.softmax(torch.full((3,), float("-inf")), -1)).all()


def test_bias_free_models_cite_stability():
    assert "stability" in q("multihead.mha-params-bias").explanation


def test_fp32_is_the_default_floating_dtype():
    why = option(q("cost.dtype-bytes"), "fp32").why
    assert "floating" in why
    torch = pytest.importorskip("torch")
    assert torch.get_default_dtype() == torch.float32
    assert torch.tensor([1]).dtype == torch.int64


def test_attention_flops_never_says_a_batch_of_1_sequences():
    question = q("cost.attention-flops")
    for seed in range(100):
        assert "batch of 1 sequences" not in words(draw(question, seed).prompt)


def test_zero_weight_is_impossible_only_in_exact_arithmetic():
    question = q("roles.db-zero-weight")
    assert "exact arithmetic" in words(correct_option(question).text)
    z = np.array([0.0, -200.0], dtype=np.float32)
    p = np.exp(z - z.max())
    assert (p / p.sum())[1] == 0.0  # float32 underflow: the claim needs its qualifier


def test_merged_and_dk_standard_why_agree_on_cost_parity():
    for qid in ("shapes.merged", "shapes.dk-standard-why"):
        text = words(q(qid).explanation)
        assert "single-head attention with full dimensionality" in text, qid
    assert "That is the point of choosing" not in q("shapes.merged").explanation


@pytest.mark.parametrize("qid", ["scaling.dk-one", "scaling.std-scaled"])
def test_variance_claims_state_zero_mean(qid):
    question = q(qid)
    text = words(question.prompt + " " + question.explanation + " " + str(question.options))
    assert "zero-mean" in text or "mean 0" in text
    # the reason: with mean m, Var(q k) = 1 + 2 m^2 for unit-variance independent q, k
    rng = np.random.default_rng(0)
    m = 1.0
    prod = (rng.normal(m, 1, 200_000)) * (rng.normal(m, 1, 200_000))
    assert abs(prod.var() - (1 + 2 * m * m)) < 0.1


def test_output_by_hand_says_raw_scores_can_leave_the_range():
    assert "can give" in q("roles.output-by-hand").explanation


@pytest.mark.parametrize(
    ("qid", "starts"),
    [("shapes.one-matrix-for-batch", "T matrices"), ("roles.key-role", "The position's index")],
)
def test_position_enters_through_the_input_or_rope(qid, starts):
    assert "RoPE" in option(q(qid), starts).why


def test_tied_qk_says_weights_are_not_symmetric():
    text = words(q("roles.tied-qk").explanation)
    assert "weights are still not symmetric" in text
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(3, 2)), rng.normal(size=(2, 2))  # (T, d), (d, d)
    s = (x @ w) @ (x @ w).T  # (T, T)
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    assert np.allclose(s, s.T) and not np.allclose(p, p.T)


def test_shape_derivations_start_from_a_length_the_prompt_shows():
    for question in shipped().values():
        if question.answer and question.answer.compute == "shape" and "seq" in question.params:
            assert "{seq}" in question.prompt, question.id


def test_max_weight_unscaled_does_not_claim_every_draw_saturates():
    question = q("scaling.max-weight-unscaled")
    smallest = min(draw(question, seed).expected for seed in range(100))
    text = words(question.explanation)
    if smallest < 0.9:
        assert "races to 1" not in text
        assert "0.88" in text


def test_params_explanation_names_the_gpt2_models_it_draws():
    question = q("cost.attn-params-config")
    assert "gpt2-small" in str(question.params["model"])
    assert re.search(r"GPT-2", question.explanation)
