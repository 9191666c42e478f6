"""Bounded work, decided at load time (issue 9): every way a pack could make a draw hang, allocate
gigabytes or store megabytes per answer is refused with a positioned message naming the limit,
and a draw that still fails is that question's error, never a crash."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from qkv_drill.packs import limits as L
from qkv_drill.packs.instance import InstanceError, draw
from qkv_drill.packs.loader import load_pack_file
from tests.helpers.questions import computed

HEAD = """pack:
  id: budget
  title: Budget
  version: 1
questions:
  - id: budget.q
    topic: scaling
    difficulty: easy
"""


def load(tmp_path: Path, body: str):
    p = tmp_path / "budget.yaml"
    p.write_text(HEAD + body, encoding="utf-8")
    return load_pack_file(p)


def refused(tmp_path: Path, body: str, words: str):
    lp = load(tmp_path, body)
    assert lp.pack is None, "accepted"
    hits = [i for i in lp.errors if words in i.message]
    assert hits, [str(i) for i in lp.errors]
    return hits[0]


def mc(d_k: str, samples: int = 20000) -> str:
    return f"""    type: numeric
    prompt: "Var(q.k) for d_k = {{d_k}}?"
    explanation: d_k.
    params:
      d_k: {d_k}
    answer:
      compute: mc_qk_variance
      args: {{samples: {samples}}}
      tolerance: {{rel: 0.1}}
"""


def head_dim(*, d_model: str = "[512]", params: str = "", after: str = "", answer: str = "") -> str:
    """A `head_dim` question body: extra parameter lines, blocks after `params`, answer lines."""
    return (
        '    type: numeric\n    prompt: "{d_model} / {heads}"\n    explanation: x.\n    params:\n'
        f"      d_model: {d_model}\n      heads: [8]\n{params}{after}"
        f"    answer:\n      compute: head_dim\n{answer}"
    )


def test_a_monte_carlo_d_k_of_1e5_is_refused_naming_the_limit(tmp_path):
    issue = refused(tmp_path, mc("[100000]"), "samples x d_k = 2,000,000,000")
    assert f"{L.MC_MAX_NUMBERS:,}" in issue.message and (issue.line, issue.col) == (15, 16)


def test_a_monte_carlo_d_k_of_1e12_is_refused(tmp_path):
    refused(tmp_path, mc("{value: 1000000000000}"), "samples x d_k")


def test_a_derived_monte_carlo_size_fails_that_draw_not_the_machine():
    q = computed("mc_qk_variance", {"n": [10]}, derive={"d_k": "n * 10^11"})
    with pytest.raises(InstanceError, match="over the limit"):
        draw(q, 0)


def test_percent_formatting_on_text_operands_is_refused_at_load(tmp_path):
    body = head_dim(
        params="      fmt: ['%0999999999999d']\n",
        after="    constraints:\n      - {divisible: [fmt, heads]}\n",
    )
    issue = refused(tmp_path, body, "can be text; constraints compare numbers")
    assert (issue.line, issue.col) == (17, 22)


def test_a_text_operand_is_that_draws_error_never_memory_error():
    q = computed(
        "head_dim",
        {"d_model": [512], "heads": [8], "fmt": ["%0999999999999d"]},
        constraints=({"divisible": ["fmt", "heads"]},),
    )
    with pytest.raises(InstanceError, match="compares numbers"):
        draw(q, 0)


def test_9500_derive_lines_are_refused(tmp_path):
    lines = "".join(f"      x{i}: d_model + {i}\n" for i in range(9500))
    body = head_dim(after=f"    derive:\n{lines}")
    issue = refused(tmp_path, body, f"9,500 derive lines; the limit is {L.MAX_DERIVE_LINES}")
    assert issue.line == 16


def test_a_constraint_that_never_holds_costs_a_bounded_number_of_draws(monkeypatch):
    """The heaviest allowed derive block and a constraint that never holds: the draw gives up
    within the question's work budget (it made 200 x 50 draws of 9,500 lines before)."""
    from qkv_drill.packs import budget, params

    derive = {f"x{i}": "d_model * 2 + heads - 1" for i in range(L.MAX_DERIVE_LINES)}
    assert sum(len(e) for e in derive.values()) <= L.MAX_DERIVE_CHARS
    q = computed(
        "head_dim",
        {"d_model": [512], "heads": [8]},
        derive=derive,
        constraints=({"less": ["d_model", "heads"]},),
    )
    calls = []
    real = params.draw_once
    monkeypatch.setattr(params, "draw_once", lambda *a, **k: calls.append(1) or real(*a, **k))
    with pytest.raises(InstanceError, match="draws"):
        draw(q, 0)
    assert len(calls) <= budget.attempt_budget(q) <= L.MAX_DRAW_TRIES
    assert len(calls) * budget.attempt_cost(q) <= L.DRAW_WORK_BUDGET + budget.attempt_cost(q)


def test_2000_unused_matrices_are_refused(tmp_path):
    mats = "".join(f"      M{i}: {{matrix: [64, 64]}}\n" for i in range(2000))
    body = head_dim(params=mats)
    lp = load(tmp_path, body)
    assert lp.pack is None
    (issue,) = lp.errors  # refused on the count, before any per-parameter work
    assert issue.message == f"2,002 parameters; the limit is {L.MAX_PARAMS}" and issue.line == 13


def test_one_unused_parameter_is_refused_where_it_is_written(tmp_path):
    body = head_dim(params="      spare: [1, 2]\n")
    issue = refused(tmp_path, body, "parameter 'spare' is never used")
    assert (issue.line, issue.col) == (15, 14)


def test_a_prompt_repeating_a_matrix_6000_times_is_refused(tmp_path):
    body = f"""    type: matrix
    prompt: "{"{z} " * 6000}"
    explanation: x.
    params:
      z: {{matrix: [64, 64]}}
    answer:
      compute: softmax
      tolerance: {{abs: 0.01}}
"""
    refused(tmp_path, body, f"text longer than {L.MAX_STRING} characters")
    fewer = body.replace("{z} " * 6000, "{z} " * 4500)
    refused(tmp_path, fewer, f"4,500 placeholders; the limit is {L.MAX_PLACEHOLDERS}")
    twenty = body.replace("{z} " * 6000, "{z} " * 20)
    refused(tmp_path, twenty, f"the limit is {L.MAX_PROMPT_CHARS:,}")


@pytest.mark.parametrize("tol", ["{abs: .inf}", "{rel: .nan}", "{abs: 1, rel: .inf}", "{rel: 5}"])
def test_non_finite_or_huge_tolerances_are_refused(tmp_path, tol):
    body = head_dim(answer=f"      tolerance: {tol}\n")
    issue = refused(tmp_path, body, "tolerance")
    assert issue.line == 17


@pytest.mark.parametrize(
    "spec, words",
    [
        ("{range: [0, .inf]}", "must be finite"),
        ("[1, .nan]", "must be finite"),
        ("{value: 1.0e+300}", "at most 1e+15"),
        ("{range: [1, 2], step: 1.0e-300}", "step"),
    ],
)
def test_parameter_numbers_are_finite_and_bounded(tmp_path, spec, words):
    body = head_dim(d_model=spec)
    lp = load(tmp_path, body)
    assert lp.pack is None
    assert any(i.line == 13 for i in lp.errors), [str(i) for i in lp.errors]


def test_huge_ids_and_topics_are_refused(tmp_path):
    body = (
        head_dim()
        + f"""  - id: budget.{"x" * 200}
    topic: {"t" * 300}
    difficulty: easy
    type: text
    prompt: p
    explanation: e
    model_answer: m
    rubric: [{{point: p}}]
"""
    )
    lp = load(tmp_path, body)
    messages = [i.message for i in lp.errors]
    assert any("question id is 207 characters" in m for m in messages), messages
    assert any("topic is 300 characters" in m for m in messages), messages


# --- draw failures --------------------------------------------------------------------------


@pytest.mark.parametrize("error", [MemoryError, RecursionError, AssertionError, IndexError])
def test_any_draw_failure_is_that_questions_error(monkeypatch, error):
    from qkv_drill.packs import instance

    def explode(*a, **k):
        raise error("simulated")

    monkeypatch.setattr(instance, "compute", explode)
    q = computed("head_dim", {"d_model": [512], "heads": [8]})
    with pytest.raises(InstanceError) as e:
        draw(q, 0)
    assert q.id in str(e.value) and "simulated" in str(e.value)


@pytest.fixture
def one_draw_fails(monkeypatch):
    """Two questions, and drawing `t.bad` runs out of memory."""
    from qkv_drill.packs import instance
    from qkv_drill.packs.loader import PackSet

    bad = computed("head_dim", {"d_model": [512], "heads": [8]}, id="t.bad")
    good = computed("head_dim", {"d_model": [512], "heads": [8]}, id="t.good")
    real_draw = instance._draw

    def draw_(question, seed):
        if question.id == "t.bad":
            raise MemoryError("cannot allocate 7 TiB")
        return real_draw(question, seed)

    monkeypatch.setattr(instance, "_draw", draw_)
    return PackSet(questions={"t.bad": bad, "t.good": good})


def test_practice_skips_a_question_whose_draw_runs_out_of_memory(one_draw_fails):
    """Plain mode crashed on MemoryError; now the question is skipped with its reason."""
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.store import Store

    packset = one_draw_fails
    session = PracticeSession(packset, Store.in_memory(), seed=1)
    told = []
    session.on_skip = told.append
    seen = []
    inst = session.next()
    while inst is not None and len(seen) < 4:
        seen.append(inst.question.id)
        inst = session.skip()
    assert "t.bad" not in seen and "t.good" in seen
    assert told and told[0].startswith("skipped: question t.bad")
    assert "cannot allocate 7 TiB" in told[0] and session.draw_errors


# --- stored bytes -------------------------------------------------------------------------------


def largest_matrix_question(tmp_path: Path) -> Path:
    """The biggest matrix question the limits allow: a 64x64 matrix of +-1000 entries, the most
    derive lines, and every other parameter at its longest."""
    derive = "".join(f"      d{i:02d}: n * {i}\n" for i in range(L.MAX_DERIVE_LINES - 4))
    body = f"""    type: matrix
    prompt: "Softmax of the scores by row (n = {{n}})."
    explanation: x.
    params:
      n: [{"1" * 15}]
      z: {{matrix: [64, 64], values: [-1000, 1000]}}
    derive:
{derive}    answer:
      compute: softmax
      tolerance: {{abs: 0.01}}
"""
    p = tmp_path / "largest.yaml"
    p.write_text(HEAD.replace("budget.q", "budget." + "q" * 90) + body, encoding="utf-8")
    return p


def test_stored_bytes_per_answer_stay_under_64_kb_for_the_largest_allowed_question(tmp_path):
    from datetime import UTC, datetime

    from qkv_drill.session.records import make_record
    from qkv_drill.store import Store

    lp = load_pack_file(largest_matrix_question(tmp_path))
    assert lp.ok, [str(i) for i in lp.issues]
    (q,) = lp.pack.questions
    inst = draw(q, 0)
    db = tmp_path / "progress.db"
    store = Store.open(db)
    typed = "9" * L.MAX_ANSWER_CHARS  # the longest answer the parser reads
    essay = "é" * 1_000_000  # an open answer has no typing limit; it is cut when stored
    for text in (typed, essay):
        store.record_answer(
            make_record(
                inst,
                answer_text=text,
                verdict="wrong",
                misconception=None,
                response_ms=1,
                mode="practice",
                ts=datetime.now(UTC),
            )
        )
    store.close()
    with sqlite3.connect(db) as raw:
        sizes = [
            sum(len(str(v).encode()) for v in row)
            for row in raw.execute("SELECT * FROM answers").fetchall()
        ]
    assert len(json.loads(inst.params and json.dumps(inst.params))) == len(inst.params)
    assert max(sizes) < L.MAX_STORED_ANSWER_BYTES, sizes


def test_a_mock_interview_says_which_questions_it_left_out(one_draw_fails):
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store

    packset = one_draw_fails
    settings = MockSettings(questions=2, seed=1)
    session = MockSession.create(packset, Store.in_memory(), settings, FakeClock())
    assert [i.question.id for i in session.instances] == ["t.good"]
    (line,) = session.draw_errors
    assert line.startswith("skipped: question t.bad") and "7 TiB" in line
