"""What the packs teach holds under the conditions they state, and only refers to what users see.

A figure for the variance or standard deviation of q . k (d_k, sqrt(d_k), 1/8, 22.6...) is true
only for independent query and key components with mean 0 and variance 1: every question and
every misconception feedback that states one must say so (or name standard-normal components,
or state another variance outright).
An explanation is shown after a drawn instance; the pack's `examples:` are self-tests nobody
sees, so an explanation must not lean on "the example". A rubric's keywords pre-tick the points
an answer covers, so the model answer must tick every point: a keyword list it misses would
leave a correct answer unticked.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs.check import keyword_hit
from qkv_drill.packs.model import Question
from tests.helpers.shipped import shipped

# a stated spread of raw or scaled scores: "variance is 64", "variance d_k", "Var(q . k) = d_k",
# "standard deviation of about 22.6", "standard deviation sqrt(d_k)"
SPREAD_FIGURE = re.compile(
    r"variance (?:of |is |becomes |stays at |exactly )?(?:\d|d_k|1/)"
    r"|standard deviation (?:of |is )?(?:about |sqrt|\d)"
    r"|variance of q ?\. ?k is"
    r"|Var\(q",
    re.IGNORECASE,
)
ASSUMPTION = re.compile(
    r"unit[- ]variance|mean 0 and variance 1|variance 1\b(?!/)|variance one|standard[- ]normal"
    r"|independent with mean 0",
    re.IGNORECASE,
)


def visible_text(question: Question) -> str:
    """Everything a user can read for a question: prompt, options, explanation, hints, answer."""
    parts = [question.prompt, question.explanation, question.model_answer or ""]
    parts += [f"{o.text} {o.why or ''}" for o in question.options]
    parts += list(question.hints or [])
    return " ".join(" ".join(parts).split())


def spread_claims() -> list[str]:
    return sorted(qid for qid, q in shipped().items() if SPREAD_FIGURE.search(visible_text(q)))


def test_the_spread_pattern_finds_the_variance_questions():
    found = spread_claims()
    assert len(found) >= 20
    assert {"scaling.var-unscaled", "scaling.dmodel-vs-dk", "multihead.scale-per-head"} <= set(
        found
    )


@pytest.mark.parametrize("qid", spread_claims())
def test_every_stated_spread_of_scores_states_its_assumptions(qid):
    text = visible_text(shipped()[qid])
    claim = SPREAD_FIGURE.search(text)
    assert ASSUMPTION.search(text), (
        f"{qid} states a variance or standard deviation of q . k ({claim and claim[0]!r})"
        " without saying it assumes independent, zero-mean, unit-variance components"
    )


@pytest.mark.parametrize(
    "name", sorted(n for n, m in MISCONCEPTIONS.items() if SPREAD_FIGURE.search(m.feedback))
)
def test_misconception_feedback_states_the_variance_assumption(name):
    assert ASSUMPTION.search(MISCONCEPTIONS[name].feedback), name


def test_the_assumption_is_what_makes_the_figure_true():
    """Var(q . k) = d_k for zero-mean unit-variance components, and not for another scale."""
    rng = np.random.default_rng(0)
    d_k, n = 64, 40_000
    q, k = rng.normal(0, 1, (n, d_k)), rng.normal(0, 1, (n, d_k))
    assert abs((q * k).sum(axis=1).var() / d_k - 1) < 0.05
    q, k = rng.normal(0, 2, (n, d_k)), rng.normal(0, 2, (n, d_k))  # variance 4 each
    assert abs((q * k).sum(axis=1).var() / d_k - 16) < 1


HIDDEN_EXAMPLE = re.compile(r"\b(?:the|this|these) examples?(?:'s)?\b", re.IGNORECASE)


@pytest.mark.parametrize("qid", sorted(shipped()))
def test_explanations_do_not_refer_to_the_hidden_examples(qid):
    question = shipped()[qid]
    texts = [question.explanation] + [o.why or "" for o in question.options]
    for text in texts:
        match = HIDDEN_EXAMPLE.search(" ".join(text.split()))
        assert match is None, f"{qid}: {match[0]!r} names a pack example the user never sees"


def test_the_hidden_example_pattern_spares_for_example():
    assert HIDDEN_EXAMPLE.search("The example's pairs are those of a decode step")
    assert not HIDDEN_EXAMPLE.search("for example an orthogonal A")
    assert not HIDDEN_EXAMPLE.search("with an example of each")


def text_questions() -> list[str]:
    return sorted(qid for qid, q in shipped().items() if q.type == "text")


@pytest.mark.parametrize("qid", text_questions())
def test_the_model_answer_ticks_every_rubric_point(qid):
    """Keywords pre-tick the points an answer covers: the model answer itself must tick all."""
    question = shipped()[qid]
    missed = [
        p.point
        for p in question.rubric
        if not any(keyword_hit(question.model_answer or "", k) for k in p.keywords)
    ]
    assert not missed, f"{qid}: the model answer would leave unticked {missed}"


# Answers that split d_model evenly between the heads without being given the head size: attention
# FLOPs (h x 4 T^2 d_k = 4 T^2 d_model), projection parameters, and per-head or all-heads shapes.
PER_HEAD_COMPUTATIONS = {"attention_flops", "projection_params"}
PER_HEAD_SHAPES = {"q", "k", "v", "w_q", "w_k", "w_v", "w_o", "q_heads", "k_heads", "v_heads"}
PER_HEAD_SHAPES |= {"kv_cache_layer"}
HEAD_SIZE_STATED = re.compile(
    r"d_model\s*/\s*(?:heads|h\b|num_heads|query heads)|C\s*//\s*\{heads\}|\bhs = C"
    r"|d_k\s*=\s*(?:d_v\s*=\s*)?\{|head(?:s)? of size|head size|`d_k = d_v = d_model",
    re.IGNORECASE,
)


def splits_the_width(question: Question) -> bool:
    answer = question.answer
    if answer is None:
        return False
    if any(isinstance(v, dict) and "config" in v for v in question.params.values()):
        return False  # a named model: its head size is a fact of that model
    if "nn.MultiheadAttention" in question.prompt:
        return False  # the module itself splits embed_dim evenly
    heads = question.params.get("heads")
    single = isinstance(heads, dict) and heads.get("value") == 1
    if answer.compute in PER_HEAD_COMPUTATIONS:
        return True
    return answer.compute == "shape" and answer.args.get("which") in PER_HEAD_SHAPES and not single


def width_splitting() -> list[str]:
    return sorted(qid for qid, q in shipped().items() if splits_the_width(q))


def test_width_splitting_questions_are_found():
    assert {"cost.attention-flops", "multihead.mha-params", "multihead.split-shape"} <= set(
        width_splitting()
    )


@pytest.mark.parametrize("qid", width_splitting())
def test_questions_that_split_the_width_say_the_head_size(qid):
    prompt = " ".join(shipped()[qid].prompt.split())
    assert HEAD_SIZE_STATED.search(prompt), (
        f"{qid}: the answer assumes heads of size d_model / heads; the prompt must say so"
    )


FLOP_CONVENTION = re.compile(
    r"multiply-add\s*(?:=|counts? as|counted as|as)\s*2|6 N T",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "qid", sorted(qid for qid, q in shipped().items() if q.answer and "flops" in q.answer.compute)
)
def test_flop_questions_state_the_counting_convention(qid):
    """A multiply-add is 1 or 2 FLOPs depending on who counts: the prompt must say which."""
    prompt = " ".join(shipped()[qid].prompt.split())
    assert FLOP_CONVENTION.search(prompt), f"{qid}: say how a multiply-add is counted"


MEMORY_COMPUTATIONS = {
    "score_memory",
    "kv_cache",
    "kv_cache_per_token",
    "kv_cache_windowed",
    "kv_block_bytes",
    "decode_bytes",
    "decode_intensity",
    "flash_extra_memory",
}
BYTES_STATED = re.compile(
    r"fp16|fp32|bf16|int8|float16|float32|bytes? per|\d bytes?\b|\{bytes\} bytes?", re.IGNORECASE
)


@pytest.mark.parametrize(
    "qid",
    sorted(
        qid for qid, q in shipped().items() if q.answer and q.answer.compute in MEMORY_COMPUTATIONS
    ),
)
def test_memory_questions_state_the_bytes_per_element(qid):
    prompt = " ".join(shipped()[qid].prompt.split())
    assert BYTES_STATED.search(prompt), f"{qid}: say the dtype or the bytes per element"
