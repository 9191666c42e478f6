"""Named real model configurations, with the numbers their papers and model cards publish.

Transformer: Vaswani et al. 2017 (Table 3); BERT: Devlin et al. 2018; GPT-2: Radford et al. 2019
(and the released configs); Llama 2: Touvron et al. 2023 (Table 1 and the released configs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
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

    @property
    def head_dim(self) -> int:
        return self.d_model // self.heads

    def fields(self) -> dict[str, int]:
        """The parameters a `{config: ...}` spec sets."""
        return {
            "d_model": self.d_model,
            "heads": self.heads,
            "kv_heads": self.kv_heads,
            "layers": self.layers,
            "d_ff": self.d_ff,
            "vocab": self.vocab,
            "context": self.context,
        }


def _c(name, display, d_model, heads, layers, d_ff, vocab, context, kv_heads=None):
    return ModelConfig(
        name, display, d_model, heads, kv_heads or heads, layers, d_ff, vocab, context
    )


# Transformer: 6 encoder + 6 decoder layers ("layers" is per stack); shared BPE vocab of
# about 37000 tokens (EN-DE); the paper fixes no context length, 512 is the usual setting.
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
        _c("llama2-7b", "Llama 2 7B", 4096, 32, 32, 11008, 32000, 4096),
        _c("llama2-13b", "Llama 2 13B", 5120, 40, 40, 13824, 32000, 4096),
        _c("llama2-70b", "Llama 2 70B", 8192, 64, 80, 28672, 32000, 4096, kv_heads=8),
    )
}
