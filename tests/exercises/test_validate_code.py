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


def count_children(monkeypatch) -> list[list[str]]:
    """Every child started (its harness arguments), for tests that count runs."""
    from qkv_drill.exercises import child

    started: list[list[str]] = []
    real = child.start

    def start(tmp, limits, args, stdin):
        started.append(list(args))
        return real(tmp, limits, args, stdin)

    monkeypatch.setattr(child, "start", start)
    return started


def test_the_shipped_references_are_proved_in_one_child_per_language(monkeypatch):
    from qkv_drill.exercises.validate import prove_references
    from qkv_drill.packs.loader import load_paths

    started = count_children(monkeypatch)
    (lp,) = load_paths([Path(__file__).resolve().parents[2] / "questions" / "implement.yaml"]).packs
    numpy_only = [q for q in lp.pack.questions if q.code.language == "numpy"]
    reports = prove_references(numpy_only, use_torch=False)
    assert sorted(reports) == sorted(q.id for q in numpy_only)
    bad = {qid: r.message for qid, r in reports.items() if not r.right}
    assert bad == {}
    assert len(started) == 1 and started[0][0] == "--each"
    assert len(started[0]) == 1 + len(numpy_only)


def test_a_proof_made_is_not_made_again_until_the_exercise_changes(tmp_path, monkeypatch, capsys):
    started = count_children(monkeypatch)
    assert main(["validate", str(FIXTURE), "--seeds", "2", "--no-torch"]) == 0
    assert len(started) == 1
    assert main(["validate", str(FIXTURE), "--seeds", "2", "--no-torch"]) == 0
    assert len(started) == 1  # the same exercise, the same code: proved before
    p = write(tmp_path, "d_k: [4]", "d_k: [8]")  # other cases: a new proof
    assert main(["validate", str(p), "--seeds", "2", "--no-torch"]) == 0
    assert len(started) == 2
    assert "ok  code.yaml" in capsys.readouterr().out


def test_a_reference_failing_in_the_shared_child_is_graded_again_alone(monkeypatch, capsys):
    from qkv_drill.exercises import validate
    from qkv_drill.exercises.runner import RunResult

    def died(jobs, limits):
        return [RunResult(status="crashed", message="the shared child died") for _ in jobs]

    monkeypatch.setattr(validate, "run_many", died)
    started = count_children(monkeypatch)
    assert main(["validate", str(FIXTURE), "--seeds", "2", "--no-torch"]) == 0
    assert started == [[]]  # one ordinary cold run, which passes
    assert "ok  code.yaml" in capsys.readouterr().out


def test_a_failing_reference_is_never_remembered_as_proved(monkeypatch, capsys):
    from qkv_drill.exercises import validate

    broken = "def attention(q, k, v):\n    return v\n"
    monkeypatch.setattr(validate, "solution_source", lambda spec: broken)
    for _ in range(2):
        assert main(["validate", str(FIXTURE), "--seeds", "2", "--no-torch"]) == 1
        assert "is not accepted" in capsys.readouterr().out


def test_an_unreadable_proofs_file_is_ignored_and_rewritten(capsys):
    from qkv_drill.exercises import proofs

    proofs._path().parent.mkdir(parents=True, exist_ok=True)
    proofs._path().write_text("{not json")
    assert proofs.load() == []
    assert main(["validate", str(FIXTURE), "--seeds", "2", "--no-torch"]) == 0
    assert len(proofs.load()) == 1
