"""The numpy reference against torch: SDPA, nn.MultiheadAttention, GQA, and the torch backend.

Cases are drawn by hypothesis (shapes, masks, causal, scale) and the values by a seeded generator;
everything runs in float64 so agreement is checked to 1e-10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.engine import (
    HeadWeights,
    attention,
    get_backend,
    multi_head_attention,
    project_qkv,
)

TOL = {"rtol": 1e-10, "atol": 1e-10}
SETTINGS = settings(max_examples=60, deadline=None)


@dataclass
class Case:
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    mask: np.ndarray | None
    causal: bool
    scale: float | None

    def allowed(self) -> np.ndarray:
        """Which (query, key) pairs may attend, broadcast to the weights' shape."""
        shape = (*self.q.shape[:-1], self.k.shape[-2])
        ok = np.ones(shape, dtype=bool)
        if self.mask is not None:
            ok = ok & (self.mask if self.mask.dtype == bool else ~np.isneginf(self.mask))
        if self.causal:
            ok = ok & np.tril(np.ones(shape[-2:], dtype=bool))
        return ok

    def torch_mask(self):
        """The same masking as one SDPA attn_mask (SDPA refuses attn_mask with is_causal)."""
        if self.mask is None or not self.causal:
            return None if self.mask is None else torch.from_numpy(self.mask.copy())
        tril = np.tril(np.ones(self.q.shape[-2:-1] + self.k.shape[-2:-1], dtype=bool))
        if self.mask.dtype == bool:
            return torch.from_numpy(self.mask & tril)
        return torch.from_numpy(np.where(tril, self.mask, -np.inf))


@st.composite
def cases(draw) -> Case:
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    tq, tk = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    dk, dv = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    q = rng.standard_normal((*lead, tq, dk))  # (..., Tq, dk)
    k = rng.standard_normal((*lead, tk, dk))  # (..., Tk, dk)
    v = rng.standard_normal((*lead, tk, dv))  # (..., Tk, dv)
    kind = draw(st.sampled_from(["none", "bool", "float", "float_inf"]))
    mshape = draw(st.sampled_from([(tq, tk), (1, tk), (*lead, tq, tk)]))
    mask = None
    if kind == "bool":
        mask = rng.random(mshape) < 0.7
    elif kind.startswith("float"):
        mask = rng.standard_normal(mshape) * 3
        if kind == "float_inf":
            mask[rng.random(mshape) < 0.3] = -np.inf
    scale = draw(st.none() | st.floats(0.05, 3.0))
    return Case(q, k, v, mask, draw(st.booleans()), scale)


def sdpa(case: Case) -> np.ndarray:
    attn_mask = case.torch_mask()
    out = F.scaled_dot_product_attention(
        torch.from_numpy(case.q),
        torch.from_numpy(case.k),
        torch.from_numpy(case.v),
        attn_mask=attn_mask,
        is_causal=case.causal and case.mask is None,
        scale=case.scale,
    )
    return out.numpy()


@SETTINGS
@given(cases())
def test_attention_matches_torch_sdpa_on_rows_that_can_attend(case):
    out, weights = attention(case.q, case.k, case.v, case.mask, case.causal, case.scale)
    expected = sdpa(case)
    live = case.allowed().any(axis=-1)  # (..., Tq) rows with at least one key
    np.testing.assert_allclose(out[live], expected[live], **TOL)
    assert np.all(weights[~case.allowed()] == 0)  # blocked pairs get exactly no weight
    np.testing.assert_allclose(weights.sum(-1)[live], 1.0, **TOL)


@SETTINGS
@given(cases())
def test_fully_masked_rows_give_zero_weights_and_output(case):
    out, weights = attention(case.q, case.k, case.v, case.mask, case.causal, case.scale)
    dead = ~case.allowed().any(axis=-1)  # (..., Tq)
    assert np.all(weights[dead] == 0)
    assert np.all(out[dead] == 0)
    assert np.isfinite(out).all() and np.isfinite(weights).all()


def test_a_fully_masked_row_is_zero_and_leaves_other_rows_alone():
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    out, weights = attention(q, k, v, mask=mask)
    free_out, free_w = attention(q, k, v)
    assert np.all(out[1] == 0) and np.all(weights[1] == 0)
    np.testing.assert_allclose(out[[0, 2]], free_out[[0, 2]], **TOL)
    np.testing.assert_allclose(weights[[0, 2]], free_w[[0, 2]], **TOL)


def test_causal_with_more_keys_than_queries_is_top_left_aligned():
    """is_causal in torch lets query i see keys 0..i even when Tk > Tq (not the last i keys)."""
    rng = np.random.default_rng(4)
    q, k, v = rng.standard_normal((2, 3)), rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    _, weights = attention(q, k, v, causal=True)
    assert np.all(weights[0, 1:] == 0) and weights[0, 0] == pytest.approx(1.0)
    assert np.all(weights[1, 2:] == 0) and np.all(weights[1, :2] > 0)


def test_project_qkv_matches_nn_linear_with_transposed_weight():
    torch.manual_seed(0)
    lin = [torch.nn.Linear(6, 3, bias=False).double() for _ in range(3)]
    x = torch.randn(2, 5, 6, dtype=torch.float64)
    ws = [m.weight.detach().numpy().T for m in lin]  # (out, in) -> (in, out) = (d_model, d_k)
    for got, m in zip(project_qkv(x.numpy(), *ws), lin, strict=True):
        np.testing.assert_allclose(got, m(x).detach().numpy(), **TOL)


# multi-head -----------------------------------------------------------------------------------


def layer(w_q, w_k, w_v, w_o, heads, kv_heads=None, **biases) -> HeadWeights:
    return HeadWeights(
        w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o, n_heads=heads, n_kv_heads=kv_heads, **biases
    )


def _mha_weights(mha: torch.nn.MultiheadAttention, e: int):
    """W_Q, W_K, W_V, W_O in the engine's (in, out) layout, plus biases, from a torch module."""
    w = mha.in_proj_weight.detach().numpy()  # (3E, E) in (out, in) layout
    ws = [w[:e].T, w[e : 2 * e].T, w[2 * e :].T, mha.out_proj.weight.detach().numpy().T]
    if mha.in_proj_bias is None:
        return ws, {}
    b = mha.in_proj_bias.detach().numpy()
    return ws, {
        "b_q": b[:e],
        "b_k": b[e : 2 * e],
        "b_v": b[2 * e :],
        "b_o": mha.out_proj.bias.detach().numpy(),
    }


@settings(max_examples=30, deadline=None)
@given(
    heads=st.sampled_from([1, 2, 4]),
    hs=st.integers(1, 4),
    batch=st.integers(1, 3),
    tq=st.integers(1, 5),
    tk=st.integers(1, 5),
    bias=st.booleans(),
    cross=st.booleans(),
    use_mask=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_multi_head_matches_nn_multihead_attention(
    heads, hs, batch, tq, tk, bias, cross, use_mask, seed
):
    e = heads * hs
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(e, heads, bias=bias, batch_first=True).double().eval()
    if bias:  # torch starts biases at zero, which would hide a missing bias
        with torch.no_grad():
            mha.in_proj_bias.normal_()
            mha.out_proj.bias.normal_()
    rng = np.random.default_rng(seed)
    tk = tk if cross else tq
    x_q = rng.standard_normal((batch, tq, e))  # (B, Tq, C)
    x_kv = rng.standard_normal((batch, tk, e)) if cross else x_q  # (B, Tk, C)
    allowed = None
    if use_mask:
        allowed = rng.random((tq, tk)) < 0.6
        allowed[np.arange(tq), rng.integers(0, tk, tq)] = True  # torch gives nan on empty rows
    with torch.no_grad():
        ref_out, ref_w = mha(
            torch.from_numpy(x_q),
            torch.from_numpy(x_kv),
            torch.from_numpy(x_kv),
            attn_mask=None if allowed is None else torch.from_numpy(~allowed),  # True = blocked
            need_weights=True,
            average_attn_weights=False,
        )
    ws, biases = _mha_weights(mha, e)
    out, weights = multi_head_attention(
        x_q, x_kv if cross else x_q, layer(*ws, heads, **biases), mask=allowed
    )
    np.testing.assert_allclose(out, ref_out.numpy(), **TOL)
    np.testing.assert_allclose(weights, ref_w.numpy(), **TOL)  # (B, H, Tq, Tk)


def _gqa_inputs(seed, heads, kv_heads, hs, tq, tk, batch=2):
    rng = np.random.default_rng(seed)
    e = heads * hs
    x_q = rng.standard_normal((batch, tq, e))  # (B, Tq, C)
    x_kv = rng.standard_normal((batch, tk, e))  # (B, Tk, C)
    w_q = rng.standard_normal((e, heads * hs))  # (C, H*hs)
    w_k = rng.standard_normal((e, kv_heads * hs))  # (C, Hkv*hs)
    w_v = rng.standard_normal((e, kv_heads * hs))  # (C, Hkv*hs)
    w_o = rng.standard_normal((heads * hs, e))  # (H*hs, C)
    return x_q, x_kv, w_q, w_k, w_v, w_o


def _torch_heads(x, w, n):
    t = torch.from_numpy(x @ w)  # (B, T, n*hs)
    return t.unflatten(-1, (n, -1)).transpose(1, 2)  # (B, n, T, hs)


@settings(max_examples=30, deadline=None)
@given(
    kv_heads=st.sampled_from([1, 2]),
    group=st.sampled_from([1, 2, 3]),
    hs=st.integers(1, 4),
    tq=st.integers(1, 5),
    tk=st.integers(1, 5),
    causal=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_grouped_query_attention_matches_sdpa_enable_gqa(kv_heads, group, hs, tq, tk, causal, seed):
    heads = kv_heads * group
    x_q, x_kv, w_q, w_k, w_v, w_o = _gqa_inputs(seed, heads, kv_heads, hs, tq, tk)
    out, weights = multi_head_attention(
        x_q, x_kv, layer(w_q, w_k, w_v, w_o, heads, kv_heads), causal=causal
    )
    q = _torch_heads(x_q, w_q, heads)  # (B, H, Tq, hs)
    k = _torch_heads(x_kv, w_k, kv_heads)  # (B, Hkv, Tk, hs)
    v = _torch_heads(x_kv, w_v, kv_heads)  # (B, Hkv, Tk, hs)
    y = F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
    y = y.transpose(1, 2).flatten(-2).numpy() @ w_o  # (B, Tq, C)
    np.testing.assert_allclose(out, y, **TOL)
    # weights: query head h reads K/V head h // group (repeat_interleave order)
    k_rep = k.repeat_interleave(group, dim=1)  # (B, H, Tk, hs)
    att = (q @ k_rep.transpose(-2, -1)) / np.sqrt(hs)
    if causal:
        att = att.masked_fill(~torch.ones(tq, tk, dtype=torch.bool).tril(), float("-inf"))
    np.testing.assert_allclose(weights, torch.softmax(att, -1).numpy(), **TOL)


def test_multi_query_heads_share_keys_but_not_queries():
    """With one K/V head, two query heads that get the same W_Q slice attend identically."""
    x_q, x_kv, w_q, w_k, w_v, w_o = _gqa_inputs(5, heads=2, kv_heads=1, hs=3, tq=4, tk=4)
    w_q[:, 3:] = w_q[:, :3]
    _, weights = multi_head_attention(x_q, x_kv, layer(w_q, w_k, w_v, w_o, 2, 1))
    np.testing.assert_allclose(weights[:, 0], weights[:, 1], **TOL)
    w_q[:, 3:] *= 2
    _, weights = multi_head_attention(x_q, x_kv, layer(w_q, w_k, w_v, w_o, 2, 1))
    assert not np.allclose(weights[:, 0], weights[:, 1])


def test_grouped_query_refuses_heads_that_do_not_divide():
    x_q, x_kv, w_q, _, _, w_o = _gqa_inputs(0, heads=3, kv_heads=3, hs=2, tq=2, tk=2)
    w_k = np.zeros((6, 4))  # two K/V heads of size 2 for three query heads
    with pytest.raises(ValueError, match="multiple"):
        multi_head_attention(x_q, x_kv, layer(w_q, w_k, w_k, w_o, 3, 2))


# torch backend --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch_backend():
    return get_backend("torch")


@SETTINGS
@given(case=cases())
def test_torch_backend_attention_agrees_with_numpy(torch_backend, case):
    out, weights = attention(case.q, case.k, case.v, case.mask, case.causal, case.scale)
    t_out, t_weights = torch_backend.attention(
        case.q, case.k, case.v, case.mask, case.causal, case.scale
    )
    assert t_out.dtype == np.float64
    np.testing.assert_allclose(t_out, out, **TOL)  # fully-masked rows included: both give 0
    np.testing.assert_allclose(t_weights, weights, **TOL)


@settings(max_examples=30, deadline=None)
@given(
    kv_heads=st.sampled_from([1, 2]),
    group=st.sampled_from([1, 2]),
    hs=st.integers(1, 3),
    tq=st.integers(1, 4),
    tk=st.integers(1, 4),
    causal=st.booleans(),
    bias=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_torch_backend_multi_head_agrees_with_numpy(
    torch_backend, kv_heads, group, hs, tq, tk, causal, bias, seed
):
    heads = kv_heads * group
    x_q, x_kv, *w = _gqa_inputs(seed, heads, kv_heads, hs, tq, tk)
    rng = np.random.default_rng(seed + 1)
    biases = {}
    if bias:
        biases = {
            "b_q": rng.standard_normal(heads * hs),
            "b_k": rng.standard_normal(kv_heads * hs),
            "b_v": rng.standard_normal(kv_heads * hs),
            "b_o": rng.standard_normal(heads * hs),
        }
    mask = rng.random((tq, tk)) < 0.7
    heads_layer = layer(*w, heads, kv_heads, **biases)
    out, weights = multi_head_attention(x_q, x_kv, heads_layer, mask=mask, causal=causal)
    t_out, t_weights = torch_backend.multi_head_attention(
        x_q, x_kv, heads_layer, mask=mask, causal=causal
    )
    np.testing.assert_allclose(t_out, out, **TOL)
    np.testing.assert_allclose(t_weights, weights, **TOL)


def test_torch_backend_projection_and_softmax_agree(torch_backend):
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((2, 3, 5)), rng.standard_normal((5, 4))
    for got, want in zip(
        torch_backend.project_qkv(x, w, w, w), project_qkv(x, w, w, w), strict=True
    ):
        np.testing.assert_allclose(got, want, **TOL)
    z = np.array([[1e4, 0.0, -1e4], [-np.inf, -np.inf, -np.inf]])
    np.testing.assert_allclose(torch_backend.softmax(z), get_backend("numpy").softmax(z), **TOL)


def test_torch_backend_can_skip_the_weights(torch_backend):
    rng = np.random.default_rng(8)
    q = rng.standard_normal((2, 3, 4))
    out = torch_backend.attention_output(q, q, q, causal=True)
    np.testing.assert_allclose(out, attention(q, q, q, causal=True)[0], **TOL)
    allowed = np.array([[True, False, False], [False, False, False], [True, True, False]])
    out = torch_backend.attention_output(q, q, q, mask=allowed)  # row 1 blocked: zeros
    np.testing.assert_allclose(out, attention(q, q, q, mask=allowed)[0], **TOL)


def test_attention_keeps_float32():
    q = np.ones((2, 3, 4), dtype=np.float32)
    out, weights = attention(q, q, q, causal=True)
    assert out.dtype == weights.dtype == np.float32
    assert np.all(weights[..., 0, 1:] == 0)
