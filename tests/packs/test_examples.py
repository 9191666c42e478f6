"""A pack's self-test examples: fixed cases, named configs, their own tolerance, clear failures."""

from __future__ import annotations

from qkv_drill.cli import main
from qkv_drill.packs.loader import load_paths

HEAD = """\
pack: {id: ex, title: Examples, version: 1}
questions:
  - id: ex.q
    topic: cost
    difficulty: easy
    type: numeric
    prompt: "{model}: d_model {d_model}, {heads} heads, {seq} tokens?"
    explanation: "Because."
    params:
      model: {config: [gpt2-small, llama2-7b]}
      seq: [128, 256]
    answer: {compute: attention_flops}
"""


def _run(tmp_path, capsys, examples: str) -> tuple[int, str]:
    p = tmp_path / "ex.yaml"
    p.write_text(HEAD + "    examples:\n" + examples)
    code = main(["validate", str(p), "--seeds", "2", "--no-torch"])
    return code, capsys.readouterr().out


def test_an_example_may_name_a_model_config(tmp_path, capsys):
    # Llama 2 7B: d_model 4096; 4 x seq^2 x d_model at seq 128
    code, out = _run(
        tmp_path,
        capsys,
        "      - model: llama2-7b\n        params: {seq: 128}\n"
        "        accept: ['268435456', '4*128^2*4096']\n        reject: ['50331648']\n",
    )
    assert code == 0, out
    assert "1 example checked" in out


def test_an_example_that_leaves_out_a_parameter_is_an_error(tmp_path, capsys):
    code, out = _run(tmp_path, capsys, "      - params: {seq: 128}\n        accept: ['1']\n")
    assert code == 1
    assert "example leaves out parameter 'model' (examples never draw)" in out
    assert "give `model: NAME`, or fix d_model, heads" in out
    code, out = _run(tmp_path, capsys, "      - model: gpt2-small\n        accept: ['1']\n")
    assert code == 1 and "example leaves out parameter 'seq'" in out


def test_fixing_the_config_fields_the_answer_uses_is_enough(tmp_path, capsys):
    code, out = _run(
        tmp_path, capsys, "      - params: {seq: 2, d_model: 8, heads: 2}\n        accept: [128]\n"
    )
    assert code == 0, out


def test_a_failing_example_prints_the_parameters_it_used(tmp_path, capsys):
    code, out = _run(
        tmp_path,
        capsys,
        "      - model: gpt2-small\n        params: {seq: 128}\n        accept: ['1']\n",
    )
    assert code == 1
    assert "'1' should be accepted but is wrong" in out
    assert "seq=128" in out and "d_model=768" in out and "heads=12" in out


def test_an_example_sets_its_own_tolerance(tmp_path, capsys):
    # the question is exact; this example accepts 1% (268435456 * 1.005 is within it)
    ok = (
        "      - model: llama2-7b\n        params: {seq: 128}\n"
        "        tolerance: {rel: 0.01}\n        accept: ['269777633']\n"
    )
    code, out = _run(tmp_path, capsys, ok)
    assert code == 0, out
    code, out = _run(tmp_path, capsys, ok.replace("        tolerance: {rel: 0.01}\n", ""))
    assert code == 1 and "should be accepted but is wrong" in out


def test_an_unknown_model_is_refused_at_load(tmp_path):
    p = tmp_path / "ex.yaml"
    p.write_text(HEAD + "    examples:\n      - model: llama9\n        params: {seq: 1}\n")
    packset = load_paths([p])
    (issue,) = [i for i in packset.issues if i.is_error]
    assert "unknown configuration 'llama9'" in issue.message
