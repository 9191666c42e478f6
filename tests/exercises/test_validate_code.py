"""`validate` on code questions: format errors at file:line, undetectable mistakes reported, the
engine's reference run through the runner, and a broken reference caught."""

from __future__ import annotations

from pathlib import Path

from qkv_drill.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "code.yaml"


def write(tmp_path: Path, old: str = "", new: str = "") -> Path:
    text = FIXTURE.read_text()
    if old:
        assert old in text
        text = text.replace(old, new)
    p = tmp_path / "code.yaml"
    p.write_text(text)
    return p


def test_a_good_code_pack_validates_with_its_reference_run(capsys):
    assert main(["validate", str(FIXTURE), "--seeds", "3"]) == 0
    assert "ok  code.yaml  1 questions" in capsys.readouterr().out


def test_format_errors_are_positioned_with_did_you_mean(tmp_path, capsys):
    p = write(tmp_path, "compute: attention\n", "compute: atention\n")
    assert main(["validate", str(p), "--no-torch"]) == 1
    out = capsys.readouterr().out
    assert f"{p}:15:16" in out and "unknown exercise computation 'atention'" in out
    assert "did you mean 'attention'?" in out
    p = write(tmp_path, "d_v: [2]}", "d_v: [2], heads_count: [2]}")
    assert main(["validate", str(p), "--no-torch"]) == 1
    assert "'attention' has no parameter 'heads_count'" in capsys.readouterr().out


def test_a_mistake_the_task_cannot_show_is_refused(tmp_path, capsys):
    p = write(
        tmp_path, "misconceptions: [no_scaling]", "misconceptions: [no_scaling, kv_heads_tiled]"
    )
    assert main(["validate", str(p), "--no-torch"]) == 1
    assert "misconception 'kv_heads_tiled' has no wrong result for exercise 'attention'" in (
        capsys.readouterr().out
    )


def test_a_mistake_the_cases_never_show_is_reported(tmp_path, capsys):
    # With one key the softmax is 1 whatever the scale: no_scaling can never be told apart.
    p = write(tmp_path, "Tk: [3]", "Tk: [1]")
    assert main(["validate", str(p), "--no-torch"]) == 1
    out = capsys.readouterr().out
    assert "no_scaling gives the right result on every case" in out


def test_a_broken_reference_is_caught_through_the_runner(monkeypatch, capsys):
    from qkv_drill.exercises import validate

    monkeypatch.setattr(
        validate, "solution_source", lambda spec: "def attention(q, k, v):\n    return v\n"
    )
    assert main(["validate", str(FIXTURE), "--seeds", "2"]) == 1
    out = capsys.readouterr().out
    assert "the engine's reference, run through the runner, is not accepted" in out
