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
        "multihead.gqa-llama70b",
    ],
)
def test_no_option_is_tagged_with_a_misconception_describing_another_bug(qid):
    tagged = {
        "multihead.split-code": {"heads_merged_wrong_order"},
        "multihead.contiguous": {"heads_merged_wrong_order"},
        "cost.decode-step-cost": {"kv_only_one"},
        "cost.flash-attention": {"no_scaling"},
        # "2 times smaller (K only, not V)" believes GQA shares only K; kv_only_one's feedback
        # ("counts only one of K and V ... hence the factor 2") explains a different slip
        "multihead.gqa-llama70b": {"kv_only_one"},
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


# --- second review: figures, sources and conventions ----------------------------------------


def _softmax(z) -> np.ndarray:
    p = np.exp(np.asarray(z, dtype=float) - max(z))
    return p / p.sum()


def test_saturated_softmax_lead_figures_hold_for_three_keys():
    text = words(q("scaling.saturated-softmax").explanation)
    assert "a lead of 5 already gives the leader more than 0.99" not in text
    assert "a lead of 6 over both others already gives the leader more than 0.99" in text
    assert _softmax([6, 0, 0])[0] > 0.99
    assert round(_softmax([5, 0, 0])[0], 3) == 0.987 and "0.987" in text


def test_path_convolution_cites_section_4_for_contiguous_kernels():
    text = words(q("why-attention.path-convolution").explanation)
    assert "Table 1 of arXiv 1706.03762 writes this O(n/k)" not in text
    assert "Section 4 of arXiv 1706.03762 gives this as O(n/k)" in text
    assert "Table 1 lists the O(log_k(n)) of dilated convolutions" in text


def test_cache_shrinking_prompt_admits_eviction_and_excludes_paging():
    question = q("why-attention.cache-shrinking-multi")
    assert "per token" not in words(question.prompt)
    assert option(question, "Evicting old tokens").correct
    paging = option(question, "Paging the cache")
    assert not paging.correct and "number of tokens kept" in words(paging.why)


def test_flash_extra_memory_figures_name_the_sizes_they_are_for():
    from qkv_drill.engine.serving import flash_extra_memory

    text = words(q("efficient.flash-extra-memory").explanation)
    assert "16 MiB here" not in text
    assert "for 32 heads, batch 8 and T = 16384 that is 16 MiB" in text and "(256 GiB)" in text
    assert flash_extra_memory(16384, heads=32, batch=8) == 16 * 2**20
    assert 8 * 32 * 16384**2 * 4 == 256 * 2**30


def test_flash_statistics_are_two_per_row_in_v1_and_the_log_sum_exp_in_v2():
    text = words(q("efficient.flash-memory-saved").explanation)
    assert "combined as the log-sum-exp), which" not in text
    assert "running max m and the sum of exponentials l" in text
    assert "FlashAttention-2 only their log-sum-exp m + log l (arXiv 2307.08691" in text
    m, l_ = 3.0, 7.5  # one row's statistics: m + log l recovers the softmax normaliser
    assert math.isclose(math.exp(m + math.log(l_)), math.exp(m) * l_)


def test_mqa_keeps_a_bit_over_half_of_the_attention_parameters():
    from qkv_drill.engine.quantities import projection_params

    question = q("efficient.mqa-params")
    text = words(question.explanation)
    assert "modest (about half" not in text and "a bit over half of its `4 d^2`" in text
    for seed in range(60):
        p = draw(question, seed).params
        kept = projection_params(p["d_model"], p["heads"], kv_heads=1, bias=False, output=True)
        assert 0.5 < kept / (4 * p["d_model"] ** 2) < 0.6


def test_multi_head_cost_parity_is_parameters_and_matmul_flops_not_score_memory():
    from qkv_drill.engine.quantities import attention_flops, projection_params, score_memory

    text = words(q("multihead.why-multiple-heads").explanation)
    assert "the total cost is the same as a single wide head" not in text
    assert "only the score matrices multiply" in text
    d, h, t = 512, 8, 128
    assert projection_params(d, h) == projection_params(d, 1)
    assert attention_flops(t, d, h) == attention_flops(t, d, 1)
    assert score_memory(t, heads=h) == h * score_memory(t, heads=1)


def test_decode_flops_per_byte_figure_states_the_two_byte_cache():
    text = words(q("kv-cache.decode-attn-flops").explanation)
    assert "With a 2-byte (fp16) cache that is about one FLOP per byte read" in text
    t, d = 1024, 4096
    assert (4 * t * d) / (2 * t * d * 2) == 1.0  # FLOPs / (K and V elements x 2 bytes)


def test_decode_score_bytes_range_is_the_range_the_draws_give():
    question = q("kv-cache.decode-score-bytes-batch")
    sizes = {draw(question, seed).expected for seed in range(200)}
    assert min(sizes) == 192 * 2**10 and max(sizes) == 8 * 2**20
    text = words(question.explanation)
    assert "a few MiB" not in text and "from 192 KiB to 8 MiB" in text


def test_decode_bytes_cache_figure_names_the_model_shape():
    from qkv_drill.engine.quantities import kv_cache

    text = words(q("kv-cache.decode-bytes").explanation)
    assert "(32 layers, 32 key/value heads of 128)" in text
    one = kv_cache(32, 32, 128, 4096)
    assert one == 2 * 2**30 and 8 * one > 14e9  # 2 GiB each; 8 of them outweigh 14 GB
    assert kv_cache(32, 8, 128, 4096) == one // 4 and "a quarter of that" in text


def test_key_order_output_is_invariant_to_the_order_of_key_value_pairs():
    question = q("complexity.key-order-output")
    assert "The example's" not in question.explanation
    rng = np.random.default_rng(3)
    qv, k, v = rng.normal(size=(1, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    order = [2, 0, 1]

    def out(k_, v_):
        return _softmax((qv @ k_.T / math.sqrt(2))[0]) @ v_  # (d_v,)

    assert np.allclose(out(k, v), out(k[order], v[order]))


def test_bare_padding_mask_is_right_only_by_accident_at_batch_1():
    why = words(option(q("pytorch.mask-broadcast"), "attn_mask=pad,").why)
    assert "only by accident, when N is 1" in why
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    torch.manual_seed(0)
    q1, k1, v1 = (torch.randn(1, 2, 3, 4) for _ in range(3))  # (N, H, L, hs)
    pad = torch.tensor([[True, True, False]])  # (N, S)
    right = F.scaled_dot_product_attention(q1, k1, v1, attn_mask=pad[:, None, None, :])
    assert torch.allclose(F.scaled_dot_product_attention(q1, k1, v1, attn_mask=pad), right)
    q2, k2, v2 = (torch.randn(2, 2, 3, 4) for _ in range(3))
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(q2, k2, v2, attn_mask=pad.expand(2, 3))


def test_window_off_by_one_feedback_names_its_convention():
    from qkv_drill.engine.misconceptions import MISCONCEPTIONS

    feedback = MISCONCEPTIONS["window_off_by_one"].feedback
    assert "in this question's convention the window counts the query itself" in feedback
    assert "Mistral" in feedback
    for question in shipped().values():
        if "window_off_by_one" in (question.misconceptions or []):
            prompt = words(question.prompt)
            assert "W - 1 keys before it" in prompt or "window - 1" in prompt, question.id


def test_llama3_8k_context_is_cited_to_the_model_card_not_the_herd_paper():
    from qkv_drill.engine.quantities import score_memory
    from qkv_drill.packs.configs import CONFIGS

    text = words(q("cost.score-memory-8k").explanation)
    assert "8,192-token context (arXiv 2407.21783)" not in text
    assert "Llama 3 model card" in text and "extend it to 128K" in text
    llama3 = CONFIGS["llama3-8b"]
    assert llama3.context == 8192
    assert score_memory(8192, heads=llama3.heads, bytes=2) == 4 * 2**30


def test_softmax_exercise_fix_for_dead_rows_guards_the_division_too():
    text = words(q("implement.softmax").explanation)
    assert "(replace their max by 0, or use `np.where`) so" not in text
    assert "replace a zero sum by 1" in text
    dead = np.full((1, 3), -np.inf)  # (rows, cols): a fully masked row
    with np.errstate(all="ignore"):
        m = np.where(np.isneginf(dead.max(-1, keepdims=True)), 0.0, dead.max(-1, keepdims=True))
        e = np.exp(dead - m)  # all 0
        assert np.isnan(e / e.sum(-1, keepdims=True)).all()  # the max fix alone: 0/0
    s = e.sum(-1, keepdims=True)
    assert (e / np.where(s == 0, 1.0, s) == 0).all()  # with the sum guard: zeros


@pytest.mark.parametrize("qid", ["complexity.additive-text", "complexity.scaled-variance"])
def test_scaling_is_the_papers_remedy_not_a_measured_fix(qid):
    """Section 3.2.1 suspects saturation and scales; it reports no comparison after scaling."""
    question = q(qid)
    text = words(f"{question.explanation} {question.model_answer or ''}")
    assert "removes that gap" not in text and "keep up with additive" not in text
    assert "remedy" in text and "suspect" in text


@pytest.mark.parametrize("qid", ["why-attention.paging-why", "why-attention.paged-waste"])
def test_vllm_waste_figure_is_cited_where_the_paper_states_it(qid):
    """The 20.4%-38.2% range is in the introduction with Figure 2; section 3.1 names the wastes."""
    text = words(q(qid).explanation)
    assert "20.4% to 38.2%" in text
    assert "2309.06180, section 1 and Figure 2" in text and "section 3.1" in text
    assert "2309.06180, section 3)" not in text


def test_decoder_only_position_distractor_agrees_with_the_nope_result():
    """The positions pack teaches that causal decoders without encodings still learn position."""
    why = words(option(q("why-attention.why-decoder-only"), "Decoder-only models need no").why)
    assert "Haviv et al. 2022" in why and "causal" in why
    assert "Haviv et al." in words(q("positions.bag-of-tokens").explanation)


def test_kv_head_of_draws_a_query_head_whose_tiled_head_is_another_head():
    """GQA: query head j reads key/value head j // (heads / kv_heads) (repeat_kv in HF Llama,
    arXiv 2305.13245). The query head is built so that `repeat`'s j % kv_heads is another head:
    no draw is thrown away, and the whole range of heads is asked about."""
    question = q("efficient.kv-head-of")
    asked = set()
    for seed in range(300):
        inst = draw(question, seed)
        j, heads, kv_heads = (int(inst.params[k]) for k in ("query_head", "heads", "kv_heads"))
        assert 0 <= j < heads and heads % kv_heads == 0
        assert inst.expected == j // (heads // kv_heads)
        assert j % kv_heads != inst.expected
        assert inst.redraws == 0
        asked.add((heads, j))
    for heads in (64, 128):
        js = [j for h, j in asked if h == heads]
        assert min(js) < heads // 8 and max(js) >= heads - heads // 8  # first and last groups
