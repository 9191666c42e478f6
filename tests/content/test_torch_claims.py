"""What the packs say about PyTorch is what the installed torch does.

Each test reads the claim in the pack's wording and runs the behaviour it describes, so a
torch release that changes the behaviour, or an edit that changes the claim, fails here.
"""

from __future__ import annotations

import inspect
import math

import pytest

from tests.helpers.shipped import shipped

torch = pytest.importorskip("torch")
F = torch.nn.functional


def text(qid: str) -> str:
    q = shipped()[qid]
    parts = [q.prompt, q.explanation] + [f"{o.text} {o.why or ''}" for o in q.options]
    return " ".join(" ".join(parts).split())


def correct(qid: str) -> str:
    (o,) = [o for o in shipped()[qid].options if o.correct]
    return o.text


def test_is_causal_is_top_left_when_queries_and_keys_differ():
    assert "top-left" in text("kv-cache.bottom-right-why")
    assert correct("kv-cache.is-causal-decode").startswith("Only key 0")
    torch.manual_seed(0)
    q, k, v = torch.randn(1, 1, 2, 4), torch.randn(1, 1, 5, 4), torch.randn(1, 1, 5, 4)
    top_left = torch.ones(2, 5, dtype=torch.bool).tril()  # (L, S)
    bottom_right = torch.ones(2, 5, dtype=torch.bool).tril(5 - 2)  # (L, S)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (1, 1, L, hs)
    assert torch.allclose(out, F.scaled_dot_product_attention(q, k, v, attn_mask=top_left))
    assert not torch.allclose(out, F.scaled_dot_product_attention(q, k, v, attn_mask=bottom_right))
    from torch.nn.attention.bias import causal_lower_right

    lower_right = F.scaled_dot_product_attention(q, k, v, attn_mask=causal_lower_right(2, 5))
    explicit = F.scaled_dot_product_attention(q, k, v, attn_mask=bottom_right)
    assert torch.allclose(lower_right, explicit)


def test_enable_gqa_pairs_heads_like_repeat_interleave():
    assert "repeat_interleave" in text("efficient.kv-head-of")
    torch.manual_seed(0)
    q = torch.randn(1, 8, 3, 4)  # (B, heads, T, hs)
    k, v = torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4)  # (B, kv_heads, T, hs)
    gqa = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)  # (B, heads, T, hs)
    interleaved = F.scaled_dot_product_attention(
        q, k.repeat_interleave(4, dim=1), v.repeat_interleave(4, dim=1)
    )
    tiled = F.scaled_dot_product_attention(q, k.repeat(1, 4, 1, 1), v.repeat(1, 4, 1, 1))
    assert gqa.shape == (1, 8, 3, 4)
    assert torch.allclose(gqa, interleaved)
    assert not torch.allclose(gqa, tiled)
    with pytest.raises(RuntimeError):
        k.expand(1, 8, 3, 4)


def test_boolean_masks_mean_opposite_things_in_sdpa_and_multihead_attention():
    claims = text("pytorch.mask-conventions")
    assert "True in attn_mask means the query may attend to that key" in claims
    assert "True in key_padding_mask means that key is ignored" in claims
    torch.manual_seed(0)
    q, k, v = torch.randn(1, 1, 1, 4), torch.randn(1, 1, 3, 4), torch.randn(1, 1, 3, 4)
    first_only = torch.tensor([[True, False, False]])  # (L, S)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=first_only)  # (1, 1, 1, hs)
    assert torch.allclose(out[0, 0, 0], v[0, 0, 0])

    mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    x, mem = torch.randn(1, 2, 8), torch.randn(1, 3, 8)  # (N, L, E), (N, S, E)
    padding = torch.tensor([[False, False, True]])  # (N, S)
    _, w = mha(x, mem, mem, key_padding_mask=padding)  # w: (N, L, S)
    assert (w[0, :, 2] == 0).all() and (w[0, :, :2] > 0).all()
    forbidden = torch.tensor([[False, True, True], [False, True, True]])  # (L, S)
    _, w = mha(x, mem, mem, attn_mask=forbidden)
    assert torch.allclose(w[0, :, 0], torch.ones(2))


def test_multihead_attention_defaults():
    assert correct("pytorch.batch-first").startswith("(L, N, E)")
    assert correct("pytorch.need-weights").startswith("The attention weights averaged over heads")
    mha = torch.nn.MultiheadAttention(16, 4)
    assert mha.batch_first is False
    assert mha.in_proj_weight.shape == (48, 16)
    assert sum(p.numel() for p in mha.parameters()) == 4 * 16 * 16 + 4 * 16
    defaults = {n: p.default for n, p in inspect.signature(mha.forward).parameters.items()}
    assert defaults["need_weights"] is True
    assert defaults["average_attn_weights"] is True
    mha = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    x, mem = torch.randn(2, 3, 16), torch.randn(2, 5, 16)  # (N, L, E), (N, S, E)
    assert mha(x, mem, mem)[1].shape == (2, 3, 5)
    assert mha(x, mem, mem, average_attn_weights=False)[1].shape == (2, 4, 3, 5)
    assert mha(x, mem, mem, need_weights=False)[1] is None


def test_sdpa_signature_scale_and_dropout():
    assert correct("pytorch.sdpa-signature") == "attn_mask, dropout_p, is_causal, scale, enable_gqa"
    assert correct("pytorch.sdpa-dropout-eval").startswith("It is still applied")
    doc = F.scaled_dot_product_attention.__doc__
    assert "attn_mask=None, dropout_p=0.0" in doc and "scale=None, enable_gqa=False" in doc
    torch.manual_seed(0)
    q, k, v = torch.randn(1, 1, 2, 6), torch.randn(1, 1, 3, 6), torch.randn(1, 1, 3, 6)
    by_hand = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(6), dim=-1) @ v  # (1, 1, 2, hs)
    assert torch.allclose(F.scaled_dot_product_attention(q, k, v), by_hand, atol=1e-6)
    x = torch.randn(1, 1, 8, 8)
    runs = [F.scaled_dot_product_attention(x, x, x, dropout_p=0.5) for _ in range(2)]
    assert not torch.allclose(*runs)


def test_sdpa_backends_are_the_ones_named():
    claim = text("efficient.sdpa-backends")
    from torch.nn.attention import SDPBackend

    names = set(SDPBackend.__members__)
    for name in ("MATH", "FLASH_ATTENTION", "EFFICIENT_ATTENTION", "CUDNN_ATTENTION"):
        assert name in claim and name in names
    assert names - {"MATH", "FLASH_ATTENTION", "EFFICIENT_ATTENTION", "CUDNN_ATTENTION"} <= {
        n for n in ("ERROR", "OVERRIDEABLE") if n in claim
    }
    assert not hasattr(torch.backends, "flash")


def test_view_after_transpose_needs_contiguous():
    assert "raises a RuntimeError" in text("multihead.contiguous")
    assert "`view` also fails on the non-contiguous result" in text("multihead.split-code")
    b, t, h, hs = 2, 5, 3, 4
    y = torch.randn(b, h, t, hs)  # (B, H, T, hs)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        y.transpose(1, 2).view(b, t, h * hs)
    merged = y.transpose(1, 2).contiguous().view(b, t, h * hs)  # (B, T, C)
    assert torch.equal(merged[:, :, hs : 2 * hs], y[:, 1])  # head 1 sits in columns hs..2hs
    q = torch.randn(b, t, h * hs)  # (B, T, C)
    with pytest.raises(RuntimeError):
        q.transpose(1, 2).view(b, h, t, hs)
    wrong = q.view(b, h, t, hs)  # runs, but slices the flattened (T, C) block
    right = q.view(b, t, h, hs).transpose(1, 2)  # (B, H, T, hs)
    assert wrong.shape == right.shape and not torch.equal(wrong, right)


def test_dot_T_on_a_4d_tensor_reverses_every_axis_and_is_deprecated():
    assert "deprecated" in text("pytorch.k-transpose")
    k = torch.randn(2, 3, 5, 4)  # (B, H, T, hs)
    with pytest.warns(UserWarning, match="deprecated"):
        reversed_axes = k.T
    assert reversed_axes.shape == (4, 5, 3, 2)
    assert k.transpose(-2, -1).shape == (2, 3, 4, 5)


# Every question that says what torch 2.13 does, and the test above that runs that behaviour.
TORCH_CLAIMS = {
    "efficient.gqa-head-map": test_enable_gqa_pairs_heads_like_repeat_interleave,
    "efficient.gqa-repeat-bug": test_enable_gqa_pairs_heads_like_repeat_interleave,
    "efficient.gqa-weights-shape": test_enable_gqa_pairs_heads_like_repeat_interleave,
    "efficient.kv-head-of": test_enable_gqa_pairs_heads_like_repeat_interleave,
    "efficient.sdpa-backends": test_sdpa_backends_are_the_ones_named,
    "kv-cache.bottom-right-mask": test_is_causal_is_top_left_when_queries_and_keys_differ,
    "kv-cache.bottom-right-multi": test_is_causal_is_top_left_when_queries_and_keys_differ,
    "kv-cache.bottom-right-why": test_is_causal_is_top_left_when_queries_and_keys_differ,
    "kv-cache.chunk-visible-keys": test_is_causal_is_top_left_when_queries_and_keys_differ,
    "kv-cache.chunk-weights-shape": test_is_causal_is_top_left_when_queries_and_keys_differ,
    "kv-cache.is-causal-decode": test_is_causal_is_top_left_when_queries_and_keys_differ,
    "kv-cache.top-left-mask": test_is_causal_is_top_left_when_queries_and_keys_differ,
}
CHECKED_ELSEWHERE = {  # tests/content/test_content_defects.py runs these on torch
    "masking.finite-negative",
    "masking.fully-masked-row",
    "roles.db-zero-weight",
}


def test_every_torch_version_claim_is_run_by_a_test():
    claims = {qid for qid in shipped() if "torch 2.13" in text(qid)}
    assert claims == set(TORCH_CLAIMS) | CHECKED_ELSEWHERE


@pytest.mark.parametrize("qid", sorted(TORCH_CLAIMS))
def test_each_torch_claim_names_what_its_test_runs(qid):
    claim = text(qid)
    check = TORCH_CLAIMS[qid]
    if check is test_enable_gqa_pairs_heads_like_repeat_interleave:
        assert "repeat_interleave" in claim or "one output per query head" in claim
    elif check is test_is_causal_is_top_left_when_queries_and_keys_differ:
        assert "top-left" in claim and ("causal_lower_right" in claim or "is_causal" in claim)
    else:
        assert "SDPBackend" in claim


def test_need_weights_false_routes_to_sdpa_not_the_fast_path(monkeypatch):
    """torch's MHA "fast path" does not depend on need_weights; SDPA use does."""
    why = " ".join(
        o.why or "" for o in shipped()["pytorch.need-weights"].options if o.text.startswith("None")
    )
    assert "fast path" not in why and "scaled_dot_product_attention" in why
    doc = torch.nn.MultiheadAttention.forward.__doc__
    assert "Set ``need_weights=False`` to use the optimized ``scaled_dot_product_attention``" in (
        " ".join(doc.split())
    )
    calls = []
    real = F.scaled_dot_product_attention
    monkeypatch.setattr(
        F, "scaled_dot_product_attention", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(1, 3, 8)  # (N, L, E)
    mha(x, x, x)
    assert calls == []
    mha(x, x, x, need_weights=False)
    assert calls == [1]
