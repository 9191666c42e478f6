"""`qkv-drill new-pack NAME`: a commented example pack, one question of each type, that passes
`validate` as written, so an author starts from something that works.
"""

from __future__ import annotations

import re
import sys
from argparse import Namespace

from qkv_drill import paths
from qkv_drill.packs.format import ID_PATTERN

TEMPLATE = """\
# A qkv-drill question pack. Every field is commented below; `qkv-drill schema` prints the format.
# Check it with:  qkv-drill validate {path}
# Editor checking as you type: qkv-drill schema > qkv-drill-pack.schema.json (beside this file)
# yaml-language-server: $schema=qkv-drill-pack.schema.json

pack:
  id: {name}                 # unique across all packs
  title: {title}
  description: My own attention questions.
  version: 1                 # bump when you change questions
  author: ""

questions:
  # choice: exactly one correct option; answered with a letter (b) or a number (2)
  - id: {name}.why-scale     # stable: progress is keyed on it, so edit the wording freely
    topic: scaling
    difficulty: easy         # easy | medium | hard
    type: choice
    prompt: What are the attention scores divided by before the softmax?
    explanation: |
      By sqrt(d_k): with unit-variance components, q . k has variance d_k, and dividing by its
      standard deviation sqrt(d_k) brings it back to 1, so the softmax does not saturate.
    options:
      - text: sqrt(d_k)
        correct: true
      - text: d_k
        why: That over-shrinks the scores; their variance would become 1/d_k.
        misconception: scale_by_dk
      - text: Nothing; the softmax normalises them anyway
        why: The softmax normalises the weights, not the spread of the scores.
        misconception: no_scaling

  # multi: one or more correct options; answered like "a c"
  - id: {name}.same-input
    topic: roles
    difficulty: easy
    type: multi
    prompt: In self-attention, which of these are computed from the same input X?
    explanation: Q, K and V are all projections of X in self-attention.
    options:
      - text: Q
        correct: true
      - text: K
        correct: true
      - text: V
        correct: true
      - text: The causal mask
        why: The mask depends only on positions, not on X.

  # numeric: the answer is computed by the engine, never written here
  - id: {name}.head-dim
    topic: shapes
    difficulty: easy
    type: numeric
    prompt: A layer has d_model = {{d_model}} and {{heads}} heads. What is d_k per head?
    explanation: The heads split the model width, d_k = d_model / heads.
    params:
      d_model: [256, 512, 768, 1024]
      heads: [4, 8, 16]
    constraints:
      - {{divisible: [d_model, heads]}}
    answer:
      compute: head_dim
    misconceptions: [no_head_split]   # never accepted, and named in the feedback
    examples:                         # self-tests run by `validate`
      - params: {{d_model: 512, heads: 8}}
        accept: ["64", "512/8"]
        reject: ["512"]

  # shape: typed as (2, 10, 64) or 2x10x64
  - id: {name}.q-shape
    topic: shapes
    difficulty: medium
    type: shape
    prompt: |
      X has shape ({{batch}}, {{seq}}, {{d_model}}) and the layer has {{heads}} heads. What is the
      shape of the queries after the split into heads?
    explanation: (batch, heads, seq, d_model / heads).
    params:
      batch: [2, 4, 8]
      seq: {{range: [5, 20]}}
      d_model: [256, 512]
      heads: [4, 8]
    answer:
      compute: shape
      args: {{which: q_heads}}
    misconceptions: [forgot_batch, no_head_split]

  # matrix: small integer matrices shown in the prompt; the answer is computed from them
  - id: {name}.weights
    topic: scaling
    difficulty: medium
    type: matrix
    prompt: |
      Q = {{Q}}
      K = {{K}}
      Give the attention weights softmax(Q K^T / sqrt(d_k)).
    explanation: Scale the scores by 1/sqrt(d_k), then softmax each row.
    params:
      T: {{range: [2, 3]}}
      Q: {{matrix: [T, 2], values: [-2, 2]}}
      K: {{matrix: [T, 2], values: [-2, 2]}}
    answer:
      compute: attention_weights
      tolerance: {{abs: 0.01}}     # stated in the prompt: "to within 0.01"
    misconceptions: [no_scaling, softmax_wrong_axis]

  # text: say it as in an interview, then tick the points you covered
  - id: {name}.explain-qkv
    topic: roles
    difficulty: medium
    type: text
    prompt: Explain what Q, K and V are in one minute.
    explanation: Three learned projections of the input with three different jobs.
    model_answer: |
      Q, K and V are three learned linear projections of the input. A query says what a position
      is looking for, a key what it offers for matching, and the value the content passed on.
      Scores are scaled dot products of queries with keys, a softmax turns them into weights, and
      the output is the weighted sum of the values.
    rubric:
      - point: Q is what a position is looking for
        keywords: [looking for, search, query]
      - point: K is what a position offers for matching
        keywords: [offer, match, key]
      - point: Scores are scaled by 1/sqrt(d_k) and softmaxed
        keywords: [sqrt, scale, softmax]
"""


def render(name: str, path: str) -> str:
    title = name.replace("-", " ").replace("_", " ").replace(".", " ").strip().capitalize()
    return TEMPLATE.format(name=name, title=title, path=path)


def run_new_pack(args: Namespace) -> int:
    name = str(args.name).strip().lower()
    if not re.match(ID_PATTERN, name):
        print(f"pack name {args.name!r}: use lower-case letters, digits and . _ -", file=sys.stderr)
        return 2
    folder = paths.user_packs_dir()
    target = folder / f"{name}.yaml"
    if target.exists() and not getattr(args, "force", False):
        print(f"{target} already exists; use --force to overwrite it", file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(render(name, str(target)), encoding="utf-8")
    print(f"wrote {target}")
    print("next steps:")
    print("  1. edit it (every field is commented; `qkv-drill schema` gives the full format)")
    print(f"  2. qkv-drill validate {target}")
    print("  3. qkv-drill packs        # it is picked up from the user pack folder")
    return 0
