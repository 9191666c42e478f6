"""Named real model configurations, with the numbers their papers and model cards publish.

Sources:
- Transformer base/big: Vaswani et al. 2017, "Attention Is All You Need", Table 3.
- BERT base/large: Devlin et al. 2018, section 3.
- GPT-2: Radford et al. 2019, Table 2, and the released configs (d_ff = 4 d_model).
- GPT-3 175B: Brown et al. 2020, "Language Models are Few-Shot Learners", Table 2.1
  (96 layers, d_model 12288, 96 heads of 128, context 2048; d_ff = 4 d_model, the GPT-2 BPE).
- Llama 2 7B/13B/70B: Touvron et al. 2023, Table 1, and the released configs.
- Mistral 7B: Jiang et al. 2023, "Mistral 7B", Table 1 (dim 4096, 32 layers, head_dim 128,
  hidden_dim 14336, 32 heads, 8 kv heads, window 4096, context 8192, vocab 32000).
- Llama 3 8B/70B: Llama Team 2024, "The Llama 3 Herd of Models", Table 3 (8B: 32 layers, 4096,
  FFN 14336, 32 heads, 8 KV heads; 70B: 80 layers, 8192, FFN 28672, 64 heads, 8 KV heads), the
  released config.json (vocab 128256) and the Llama 3 model card (context 8192).
- T5: Raffel et al. 2020, "Exploring the Limits of Transfer Learning", section 3.7 (base:
  d_model 768, d_ff 3072, d_kv 64, 12 heads, 12 layers per stack; large: 1024, 4096, 64, 16
  heads, 24 layers; 3B: 1024, 16384, d_kv 128, 32 heads, 24 layers), vocab 32128 in the
  released configs, trained at 512 tokens. T5 states the per-head width d_kv separately; for
  base and large it happens to equal d_model / heads, for 3B (32 x 128 = 4096 != 1024) it does
  not.
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIG_FIELDS = (
    "d_model",
    "heads",
    "kv_heads",
    "head_dim",
    "layers",
    "d_ff",
    "vocab",
    "context",
    "window",
)
"""The fields a `{config: ...}` parameter sets, and `config_field` can ask about."""


@dataclass(frozen=True, kw_only=True)
class ModelConfig:
    name: str
    display: str
    d_model: int
    heads: int
    kv_heads: int
    layers: int
    d_ff: int
    vocab: int
    context: int
    d_kv: int | None = None  # per-head width when a paper states it apart from d_model / heads
    window: int | None = None  # sliding-window attention span, when there is one

    @property
    def head_dim(self) -> int:
        return self.d_kv if self.d_kv is not None else self.d_model // self.heads

    def fields(self) -> dict[str, int]:
        """The parameters a `{config: ...}` spec sets (`window` only where there is one)."""
        out = {
            "d_model": self.d_model,
            "heads": self.heads,
            "kv_heads": self.kv_heads,
            "head_dim": self.head_dim,
            "layers": self.layers,
            "d_ff": self.d_ff,
            "vocab": self.vocab,
            "context": self.context,
        }
        if self.window is not None:
            out["window"] = self.window
        return out


def _c(
    name: str,
    display: str,
    d_model: int,
    heads: int,
    layers: int,
    d_ff: int,
    vocab: int,
    context: int,
    **kw: int,
) -> ModelConfig:
    """One row of the table below, in the column order papers state them."""
    kv = kw.pop("kv_heads", heads)
    return ModelConfig(
        name=name, display=display, d_model=d_model, heads=heads, kv_heads=kv, layers=layers,
        d_ff=d_ff, vocab=vocab, context=context, **kw,
    )  # fmt: skip


# Transformer: 6 encoder + 6 decoder layers ("layers" is per stack); shared BPE vocab of
# about 37000 tokens (EN-DE); the paper fixes no context length, 512 is the usual setting.
# T5 likewise: "layers" is per stack.
CONFIGS: dict[str, ModelConfig] = {
    c.name: c
    for c in (
        _c("transformer-base", "Transformer (base)", 512, 8, 6, 2048, 37000, 512),
        _c("transformer-big", "Transformer (big)", 1024, 16, 6, 4096, 37000, 512),
        _c("bert-base", "BERT-base", 768, 12, 12, 3072, 30522, 512),
        _c("bert-large", "BERT-large", 1024, 16, 24, 4096, 30522, 512),
        _c("gpt2-small", "GPT-2 small", 768, 12, 12, 3072, 50257, 1024),
        _c("gpt2-medium", "GPT-2 medium", 1024, 16, 24, 4096, 50257, 1024),
        _c("gpt2-large", "GPT-2 large", 1280, 20, 36, 5120, 50257, 1024),
        _c("gpt2-xl", "GPT-2 XL", 1600, 25, 48, 6400, 50257, 1024),
        _c("gpt3-175b", "GPT-3 175B", 12288, 96, 96, 49152, 50257, 2048),
        _c("llama2-7b", "Llama 2 7B", 4096, 32, 32, 11008, 32000, 4096),
        _c("llama2-13b", "Llama 2 13B", 5120, 40, 40, 13824, 32000, 4096),
        _c("llama2-70b", "Llama 2 70B", 8192, 64, 80, 28672, 32000, 4096, kv_heads=8),
        _c("mistral-7b", "Mistral 7B", 4096, 32, 32, 14336, 32000, 8192, kv_heads=8, window=4096),
        _c("llama3-8b", "Llama 3 8B", 4096, 32, 32, 14336, 128256, 8192, kv_heads=8),
        _c("llama3-70b", "Llama 3 70B", 8192, 64, 80, 28672, 128256, 8192, kv_heads=8),
        _c("t5-base", "T5-base", 768, 12, 12, 3072, 32128, 512, d_kv=64),
        _c("t5-large", "T5-large", 1024, 16, 24, 4096, 32128, 512, d_kv=64),
        _c("t5-3b", "T5-3B", 1024, 32, 24, 16384, 32128, 512, d_kv=128),
    )
}
