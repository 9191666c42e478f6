"""The shipped packs cover what the product promises: enough questions, most of them computed
live, every fact of the source article drilled from several angles, and the packs on attention as
it is asked today (RoPE, the KV cache, efficient attention, complexity) as wide as promised."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
SEED_FACTS = range(1, 14)  # the 13 facts listed in the seed article's README
COMPUTED = {"numeric", "shape", "matrix"}
CORE_TOPICS = {"shapes", "roles", "scaling"}
ALL_TOPICS = CORE_TOPICS | {"multihead", "masking", "cross-attention", "cost", "pytorch"}
ALL_TOPICS |= {"rope", "kv-cache", "efficient", "complexity"}
TYPES = {"choice", "multi", "numeric", "shape", "matrix", "text"}
# The key facts of each newer pack, as tags; each is drilled by 3+ questions of 2+ types.
KEY_FACTS = {
    "rope": {
        "rope-where": "applied to Q and K after projection, never V",
        "rope-rotation": "the rotation of pairs by m theta_i",
        "rope-relative": "q_m . k_n depends on m - n only",
        "rope-pairing": "half against interleaved pairing",
        "rope-cache": "keys are cached after rotation",
        "rope-base": "the base theta and what raising it does",
    },
    "kv-cache": {
        "kv-what-cached": "K and V are cached, Q is not",
        "kv-decode-shapes": "one query against a cache of t",
        "kv-bytes": "cache bytes with layers, KV heads, dtype, batch and windows",
        "kv-prefill-decode": "prefill against decode cost; decode is memory-bound",
        "kv-bottom-right": "bottom-right masks for cached decoding and chunked prefill",
    },
    "efficient": {
        "eff-gqa": "MHA vs MQA vs GQA: head mapping, cache savings, quality",
        "eff-window": "sliding windows: receptive field W x layers, rolling buffer",
        "eff-flash": "FlashAttention: exact, O(T) memory, recomputation, tiling",
    },
    "complexity": {
        "cx-quadratic": "O(T^2 d) against O(T d^2) and when each dominates",
        "cx-table": "the paper's per-layer comparison with recurrent and convolutional layers",
        "cx-train-flops": "training FLOPs 6 N T plus the attention term",
        "cx-permutation": "permutation equivariance without positions",
        "cx-lowrank": "W_Q W_K^T has rank <= d_k",
        "cx-additive": "dot-product against additive attention, and why scaling matters",
    },
}
NEW_PACKS = {"rope.yaml": "rope", "kv_cache.yaml": "kv-cache"}
NEW_PACKS |= {"efficient.yaml": "efficient", "complexity.yaml": "complexity"}
# A source named in the explanation: a paper's arXiv id, a torch run, or an official repository.
SOURCE = re.compile(
    r"arXiv \d{4}\.\d{4,5}|torch 2\.13|PyTorch docs|model card|Llama reference|configuration"
)


def _pack(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8-sig"))


def _questions() -> list[dict]:
    out = []
    for path in sorted(QUESTIONS.glob("*.yaml")):
        out.extend(_pack(path)["questions"])
    return out


@pytest.fixture(scope="module")
def new_packs() -> dict[str, list[dict]]:
    out = {}
    for name, pack_id in NEW_PACKS.items():
        doc = _pack(QUESTIONS / name)
        assert doc["pack"]["id"] == pack_id
        out[pack_id] = doc["questions"]
    return out


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return _questions()


def test_at_least_200_questions(questions):
    assert len(questions) >= 200


def test_at_least_40_percent_computed_by_the_engine(questions):
    computed = [q for q in questions if q["type"] in COMPUTED]
    assert len(computed) / len(questions) >= 0.40
    for q in computed:
        assert "compute" in q["answer"], q["id"]


def test_every_topic_is_shipped(questions):
    assert {q["topic"] for q in questions} >= ALL_TOPICS


def test_every_seed_fact_has_three_questions_from_different_angles(questions):
    by_fact: dict[int, list[dict]] = defaultdict(list)
    for q in questions:
        for tag in q.get("tags", []):
            if isinstance(tag, str) and tag.startswith("seed-"):
                by_fact[int(tag.removeprefix("seed-"))].append(q)
    for fact in SEED_FACTS:
        qs = by_fact.get(fact, [])
        assert len(qs) >= 3, f"seed fact {fact} has {len(qs)} questions"
        # "different angles": not three rewordings of one question type
        assert len({q["type"] for q in qs}) >= 2, f"seed fact {fact} is asked one way only"


def test_every_question_teaches(questions):
    for q in questions:
        assert len(q["explanation"].split()) >= 12, f"{q['id']}: explanation too thin"


def test_question_ids_are_unique(questions):
    counts = Counter(q["id"] for q in questions)
    assert [i for i, n in counts.items() if n > 1] == []


def test_at_least_140_new_questions_half_computed_every_type(new_packs):
    qs = [q for pack in new_packs.values() for q in pack]
    assert len(qs) >= 140
    computed = [q for q in qs if q["type"] in COMPUTED]
    assert 2 * len(computed) >= len(qs)
    assert {q["type"] for q in qs} == TYPES
    for pack_id, pack in new_packs.items():
        assert len({q["type"] for q in pack}) >= 4, pack_id


@pytest.mark.parametrize("pack_id", sorted(KEY_FACTS))
def test_every_key_fact_is_drilled_three_times_two_ways(new_packs, pack_id):
    by_fact: dict[str, list[dict]] = defaultdict(list)
    for q in new_packs[pack_id]:
        for tag in q.get("tags", []):
            by_fact[tag].append(q)
    for fact, what in KEY_FACTS[pack_id].items():
        qs = by_fact.get(fact, [])
        assert len(qs) >= 3, f"{pack_id}: '{what}' has {len(qs)} questions"
        assert len({q["type"] for q in qs}) >= 2, f"{pack_id}: '{what}' is asked one way only"


def test_every_new_question_names_its_source(new_packs):
    for pack in new_packs.values():
        for q in pack:
            assert SOURCE.search(" ".join(q["explanation"].split())), q["id"]


def test_new_computed_questions_carry_worked_examples(new_packs):
    for pack in new_packs.values():
        for q in pack:
            if q["type"] in COMPUTED:
                assert q.get("examples"), q["id"]
                assert all(e.get("accept") and e.get("reject") for e in q["examples"]), q["id"]
