"""Every quotation in an explanation is verbatim from a source checked against its text.

A quoted span of five words or more in an explanation or an option's `why` must be a paper or
repository title, a phrase the question itself voices (a candidate's answer, a mnemonic), or a
piece of one of the passages below, each copied from its source. A quotation written from
memory, or reworded after the fact, fails here: quote the passage exactly or paraphrase it
without quotation marks.

Sources of the passages:
- Vaswani et al. 2017 (arXiv 1706.03762): the paper's LaTeX source (model_architecture.tex,
  why_self_attention.tex), as printed: citation markers left out, `$d_k$` written d_k.
- Ainslie et al. 2023 (arXiv 2305.13245): the abstract.
- github.com/ofirpress/attention_with_linear_biases: README.md and its FAQ.
- github.com/mistralai/mistral-src: README.md.
- EleutherAI/gpt-j-6b model card (README.md on the Hugging Face hub).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from qkv_drill.packs.loader import load_pack_file

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"

SOURCES = {
    "arXiv 1706.03762, section 3.2.1": (
        "Additive attention computes the compatibility function using a feed-forward network "
        "with a single hidden layer. While the two are similar in theoretical complexity, "
        "dot-product attention is much faster and more space-efficient in practice, since it "
        "can be implemented using highly optimized matrix multiplication code. While for small "
        "values of d_k the two mechanisms perform similarly, additive attention outperforms dot "
        "product attention without scaling for larger values of d_k. We suspect that for large "
        "values of d_k, the dot products grow large in magnitude, pushing the softmax function "
        "into regions where it has extremely small gradients."
    ),
    "arXiv 1706.03762, section 3.2.2": (
        "Multi-head attention allows the model to jointly attend to information from different "
        "representation subspaces at different positions. With a single attention head, "
        "averaging inhibits this. Due to the reduced dimension of each head, the total "
        "computational cost is similar to that of single-head attention with full "
        "dimensionality."
    ),
    "arXiv 1706.03762, section 3.2.3": (
        "This allows every position in the decoder to attend over all positions in the input "
        "sequence."
    ),
    "arXiv 1706.03762, section 3.5": (
        "Since our model contains no recurrence and no convolution, in order for the model to "
        "make use of the order of the sequence, we must inject some information about the "
        'relative or absolute position of the tokens in the sequence. To this end, we add "'
        'positional encodings" to the input embeddings at the bottoms of the encoder and '
        "decoder stacks. The positional encodings have the same dimension d_model as the "
        "embeddings, so that the two can be summed. The wavelengths form a geometric "
        "progression from 2π to 10000 · 2π. We chose this function because we hypothesized it "
        "would allow the model to easily learn to attend by relative positions, since for any "
        "fixed offset k, PE_{pos+k} can be represented as a linear function of PE_{pos}. We "
        "also experimented with using learned positional embeddings instead, and found that "
        "the two versions produced nearly identical results (see Table 3 row (E)). We chose the "
        "sinusoidal version because it may allow the model to extrapolate to sequence lengths "
        "longer than the ones encountered during training."
    ),
    "arXiv 1706.03762, section 4": (
        "Another is the amount of computation that can be parallelized, as measured by the "
        "minimum number of sequential operations required. One key factor affecting the "
        "ability to learn such dependencies is the length of the paths forward and backward "
        "signals have to traverse in the network. The shorter these paths between any "
        "combination of positions in the input and output sequences, the easier it is to learn "
        "long-range dependencies. In terms of computational complexity, self-attention layers "
        "are faster than recurrent layers when the sequence length n is smaller than the "
        "representation dimensionality d, which is most often the case with sentence "
        "representations used by state-of-the-art models in machine translations. To improve "
        "computational performance for tasks involving very long sequences, self-attention "
        "could be restricted to considering only a neighborhood of size r in the input sequence "
        "centered around the respective output position. This would increase the maximum path "
        "length to O(n/r)."
    ),
    "arXiv 2305.13245, abstract": (
        "Multi-query attention (MQA), which only uses a single key-value head, drastically "
        "speeds up decoder inference. However, MQA can lead to quality degradation, and "
        "moreover it may not be desirable to train a separate model just for faster inference. "
        "We show that uptrained GQA achieves quality close to multi-head attention with "
        "comparable speed to MQA."
    ),
    "github.com/ofirpress/attention_with_linear_biases": (
        "The 'm' hyperparam is head-specific and is not learned- it is set at the beginning of "
        "training. With learned position embeddings you won't even have a position embedding "
        "for any token beyond the training context length (so if you trained on 1k tokens you "
        "won't have a position embedding for token 1001)."
    ),
    "github.com/mistralai/mistral-src": (
        "To alleviate this issue, we use a sliding window attention: each token can attend to "
        "at most W tokens in the past (here, W=3). At each attention layer, information can "
        "move forward by W tokens at most: after two attention layers, information can move "
        "forward by 2W tokens, etc. The cache has a fixed size of W, and we store the (key, "
        "value) for position i in cache position i % W. When the position i is larger than W, "
        "past values in the cache are overwritten."
    ),
    "EleutherAI/gpt-j-6b model card": (
        "The model dimension is split into 16 heads, each with a dimension of 256. Rotary "
        "Position Embedding (RoPE) is applied to 64 dimensions of each head."
    ),
}

TITLES = {
    "Scaling Laws for Neural Language Models",
    "Fast Transformer Decoding: One Write-Head is All You Need",
    "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
    "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning",
    "Transformer Language Models without Positional Encodings Still Learn Positional Information",
    "What Language Model Architecture and Pretraining Objective Work Best for Zero-Shot "
    "Generalization?",
    "Improving Language Understanding by Generative Pre-Training",
    "Efficient Memory Management for Large Language Model Serving with PagedAttention",
    "Efficiently Scaling Transformer Inference",
}

# Phrases a question voices itself: a candidate's answer, a mnemonic, a rule of thumb. None is
# attributed to a source.
VOICED = {
    "it depends on T against d",
    "which source words matter for me now?",
    "softmax over the wrong axis",
    "so the model does not see the future",
    "this key is padding, ignore it",
    "causal attention costs about half",
    "what I am indexed by",
    "I am a singular noun",
    "similarity in the dot-product sense",
}

QUOTED = re.compile(r'"([^"]+)"')


def normal(text: str) -> str:
    """Whitespace collapsed, inner single quotes read as double, first letter's case ignored."""
    return " ".join(text.replace("'", '"').split())


@cache
def passages() -> str:
    return "\n".join(normal(p) for p in SOURCES.values())


@cache
def quotations() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted(QUESTIONS.glob("*.yaml")):
        lp = load_pack_file(path, source="shipped")
        assert lp.pack is not None, path
        for question in lp.pack.questions:
            texts = [question.explanation] + [o.why or "" for o in question.options]
            for text in texts:
                for m in QUOTED.finditer(text):
                    span = " ".join(m.group(1).split())
                    if len(span.split()) >= 5:
                        out.append((question.id, span))
    return out


def is_verbatim(span: str) -> bool:
    """Each part around an ellipsis is a piece of one source passage (as written there)."""
    parts = [normal(p).strip(" .") for p in span.split("...")]
    text = passages()
    return all(p in text or p[:1].swapcase() + p[1:] in text for p in parts if p)


def test_the_packs_quote_something():
    assert len(quotations()) >= 30


@pytest.mark.parametrize("qid, span", quotations())
def test_every_quotation_is_verbatim_a_title_or_voiced(qid, span):
    assert span in TITLES or span in VOICED or is_verbatim(span), (
        f"{qid}: quote it exactly from a checked source (add the passage to SOURCES with where "
        f"it comes from) or paraphrase it without quotation marks: {span!r}"
    )


def test_a_reworded_quotation_is_caught():
    assert is_verbatim("we must inject some information about the relative or absolute position")
    assert not is_verbatim("we must add some information about the relative or absolute position")
    assert is_verbatim("to considering only a neighborhood ... maximum path length to O(n/r)")
    assert not is_verbatim("is head-specific and is learned")
