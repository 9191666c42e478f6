"""The author commands: new-pack, validate, schema, packs."""

from __future__ import annotations

import json
import shutil
from argparse import Namespace
from pathlib import Path

import jsonschema
import pytest
import yaml

from qkv_drill import paths
from qkv_drill.cli import main
from qkv_drill.packs.schema import build_schema

HERE = Path(__file__).parent
SHIPPED = sorted((HERE.parents[1] / "questions").glob("*.yaml"))


def _new_pack(name="mine", force=False) -> int:
    from qkv_drill.packs.scaffold import run_new_pack

    return run_new_pack(Namespace(name=name, force=force))


def test_new_pack_validates_and_refuses_to_overwrite(capsys):
    assert _new_pack() == 0
    target = paths.user_packs_dir() / "mine.yaml"
    out = capsys.readouterr().out
    assert str(target) in out and f"qkv-drill validate {target}" in out
    assert main(["validate", str(target), "--seeds", "20", "--no-torch"]) == 0
    out = capsys.readouterr().out
    assert "ok  mine.yaml  6 questions" in out
    types = {q["type"] for q in yaml.safe_load(target.read_text())["questions"]}
    assert types == {"choice", "multi", "numeric", "shape", "matrix", "text"}
    target.write_text("# edited\n")
    assert _new_pack() == 1
    assert target.read_text() == "# edited\n"
    assert "--force" in capsys.readouterr().err
    assert _new_pack(force=True) == 0
    assert "questions:" in target.read_text()


def test_readme_steps_validate_the_pack_new_pack_wrote(tmp_path, monkeypatch, capsys):
    """README: `qkv-drill new-pack my-pack`, then `qkv-drill validate my-pack.yaml` from
    wherever the user is: the name finds the file new-pack wrote in the pack folder."""
    monkeypatch.chdir(tmp_path)
    assert _new_pack("my-pack") == 0
    capsys.readouterr()
    assert main(["validate", "my-pack.yaml", "--seeds", "5", "--no-torch"]) == 0
    out = capsys.readouterr().out
    assert str(paths.user_packs_dir() / "my-pack.yaml") in out
    assert "ok  my-pack.yaml  6 questions" in out
    (tmp_path / "my-pack.yaml").write_text("pack: {}\n")  # a file here is the one meant
    assert main(["validate", "my-pack.yaml", "--seeds", "5", "--no-torch"]) == 1


def test_new_pack_rejects_bad_names():
    assert _new_pack("../escape") == 2
    assert not (paths.user_packs_dir().parent / "escape.yaml").exists()


def test_schema_is_json_and_checks_packs(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    _new_pack()
    example = yaml.safe_load((paths.user_packs_dir() / "mine.yaml").read_text())
    assert list(validator.iter_errors(example)) == []
    for name in ("unknown_field_typo.yaml", "two_correct.yaml", "bad_difficulty.yaml"):
        broken = yaml.safe_load((HERE / "broken" / name).read_text())
        if name == "two_correct.yaml":
            broken["questions"][0]["type"] = "chioce"
        assert list(validator.iter_errors(broken)), name


def test_schema_rejects_missing_answer_and_unknown_computation():
    v = jsonschema.Draft202012Validator(build_schema())
    for name in (
        "numeric_without_answer.yaml",
        "unknown_computation.yaml",
        "unknown_misconception.yaml",
        "text_without_rubric.yaml",
    ):
        assert list(v.iter_errors(yaml.safe_load((HERE / "broken" / name).read_text()))), name


@pytest.mark.skipif(not SHIPPED, reason="no shipped packs yet")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_schema_accepts_shipped_packs(path):
    v = jsonschema.Draft202012Validator(build_schema())
    errors = [
        f"{list(e.path)}: {e.message}" for e in v.iter_errors(yaml.safe_load(path.read_text()))
    ]
    assert errors == []


def test_validate_good_pack_with_torch_agreement(capsys):
    code = main(["validate", str(HERE / "good"), "--seeds", "5"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ok  demo.yaml  4 questions" in out


def test_validate_reports_failing_examples(tmp_path, capsys):
    text = (HERE / "good" / "demo.yaml").read_text().replace('reject: ["512"]', 'reject: ["64"]')
    p = tmp_path / "demo.yaml"
    p.write_text(text)
    assert main(["validate", str(p), "--seeds", "3", "--no-torch"]) == 1
    out = capsys.readouterr().out
    assert f"{p}:24:17: demo.head-dim: example 1: '64' should be rejected but is correct" in out


def test_validate_detects_numpy_torch_disagreement(monkeypatch, capsys):
    from qkv_drill.packs import computations

    comp = computations.COMPUTATIONS["attention_weights"]
    broken = lambda a: comp.torch_fn(a) + 0.5  # noqa: E731
    monkeypatch.setitem(
        computations.COMPUTATIONS,
        "attention_weights",
        computations.Computation(**{**comp.__dict__, "torch_fn": broken}),
    )
    assert main(["validate", str(HERE / "good"), "--seeds", "2"]) == 1
    assert "numpy and torch disagree on attention_weights" in capsys.readouterr().out


def test_validate_broken_and_good_together(tmp_path, capsys):
    shutil.copy(HERE / "good" / "demo.yaml", tmp_path / "a.yaml")
    shutil.copy(HERE / "broken" / "two_correct.yaml", tmp_path / "b.yaml")
    assert main(["validate", str(tmp_path), "--seeds", "2", "--no-torch"]) == 1
    out = capsys.readouterr().out
    assert "ok  a.yaml  4 questions" in out and "FAIL  b.yaml" in out


def test_packs_lists_counts_and_errors(tmp_path, capsys):
    _new_pack()
    shutil.copy(HERE / "broken" / "two_correct.yaml", tmp_path / "b.yaml")
    assert main(["--pack", str(tmp_path), "packs"]) == 1  # a pack with errors: exit 1
    out = capsys.readouterr().out
    assert "[user] mine v1  6 questions  (roles 2, scaling 2, shapes 2)" in out
    assert "1 error" in out and "exactly one correct option" in out
    assert main(["packs"]) == 0  # without the broken one
    capsys.readouterr()
