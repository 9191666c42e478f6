"""`qkv-drill export-anki`, end to end: the CLI writes an .apkg, and the test opens it (a zip
holding Anki's SQLite collection) to check decks, notes, fields, escaping and stable GUIDs."""

from __future__ import annotations

import html
import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from qkv_drill.anki.notes import build_notes
from qkv_drill.cli import main
from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs.loader import load_packs
from qkv_drill.packs.model import Question
from tests.helpers.apkg import read_notes

EVIL = "<script>alert(1)</script>"

PACK = textwrap.dedent(
    """
    pack: {id: evil-pack, title: "Tricky <b>titles</b>", description: "%(evil)s", version: 1}
    questions:
      - id: evil.head-dim
        topic: head sizes
        difficulty: easy
        type: numeric
        prompt: "%(evil)s d_model = {d_model} and {heads} heads. What is d_k?"
        explanation: "Heads split the width %(evil)s evenly."
        params:
          d_model: [512, 768, 1024, 2048]
          heads: [4, 8, 16]
        constraints:
          - {divisible: [d_model, heads]}
        answer: {compute: head_dim}
        misconceptions: [no_head_split]
      - id: evil.choice
        topic: roles
        difficulty: easy
        type: choice
        prompt: "Pick one %(evil)s"
        options:
          - text: "right %(evil)s"
            correct: true
          - text: "wrong one"
            why: "because %(evil)s"
        explanation: "plain"
      - id: evil.scores
        topic: scaling
        difficulty: medium
        type: matrix
        prompt: |
          Q =
          {Q}
          K =
          {K}
          Compute Q K^T / sqrt(d_k).
        explanation: Divide by sqrt(d_k).
        params:
          Q: {matrix: [2, 4], values: [-2, 2]}
          K: {matrix: [2, 4], values: [-2, 2]}
        answer: {compute: scores, tolerance: {abs: 0.01}}
        misconceptions: [no_scaling, scale_by_dk]
      - id: evil.out-loud
        topic: scaling
        difficulty: medium
        type: text
        prompt: "Explain %(evil)s"
        model_answer: "Because %(evil)s variance."
        rubric:
          - point: "Mentions %(evil)s variance"
            keywords: [variance]
          - point: Mentions the softmax
            keywords: [softmax]
        explanation: "x"
    """
) % {"evil": EVIL}


@pytest.fixture
def pack_file(tmp_path) -> Path:
    path = tmp_path / "evil.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


def export(tmp_path: Path, name: str, *args: str) -> list:
    out = tmp_path / f"{name}.apkg"
    assert main([*args[:2], "export-anki", *args[2:], "-o", str(out)]) == 0
    workdir = tmp_path / f"{name}-unzipped"
    workdir.mkdir()
    return read_notes(out, workdir)


def test_pack_file_loads_without_issues(pack_file):
    packset = load_packs([pack_file], include_shipped=False, include_user=False)
    assert not packset.issues and not any(lp.issues for lp in packset.packs)
    assert len(packset.questions) == 4


def test_one_deck_one_note_per_instance_topic_tags_and_fields(tmp_path, pack_file, capsys):
    notes = export(tmp_path, "a", "--pack", str(pack_file), "--pack-id", "evil-pack")
    assert "wrote" in capsys.readouterr().out
    assert {n.deck for n in notes} == {"qkv-drill::Tricky <b>titles</b>"}
    per_question = Counter(n.fields["QuestionId"] for n in notes)
    # computed questions: 3 drawn instances (seeds 1-3); others: one note (seed 0)
    assert per_question == {
        "evil.head-dim": 3,
        "evil.scores": 3,
        "evil.choice": 1,
        "evil.out-loud": 1,
    }
    seeds = sorted(int(n.fields["Seed"]) for n in notes if n.fields["QuestionId"] == "evil.scores")
    assert seeds == [1, 2, 3]
    by_id = {(n.fields["QuestionId"], n.fields["Seed"]): n for n in notes}
    assert by_id["evil.head-dim", "1"].tags == ("head_sizes", "difficulty::easy")
    # the three instances of a computed question differ (fresh numbers, own answers)
    prompts = {n.fields["Prompt"] for n in notes if n.fields["QuestionId"] == "evil.scores"}
    assert len(prompts) == 3
    matrix = by_id["evil.scores", "1"]
    assert matrix.fields["Prompt"].count("<table>") == 2  # Q and K as tables
    assert "<thead>" not in matrix.fields["Prompt"]
    assert matrix.fields["Answer"].startswith('<table class="matrix"><tr><td>')
    numeric = by_id["evil.head-dim", "2"]
    d_model, heads = (int(x) for x in _numbers_after(numeric.fields["Prompt"], "d_model = "))
    assert numeric.fields["Answer"] == f"{d_model // heads:,}"
    title = MISCONCEPTIONS["no_head_split"].title  # typing d_model is the named mistake
    feedback = html.escape(MISCONCEPTIONS["no_head_split"].feedback)
    assert (
        f"<b>{title}</b>: {feedback}<br>That mistake gives {d_model:,}"
        in (numeric.fields["Misconceptions"])
    )
    text = by_id["evil.out-loud", "0"]
    assert "<ol><li>Mentions &lt;script&gt;" in text.fields["Rubric"]
    assert "Mentions the softmax" in text.fields["Rubric"]
    assert "variance" in text.fields["Answer"]
    choice = by_id["evil.choice", "0"]
    assert "right &lt;script&gt;" in choice.fields["Answer"]
    assert "because &lt;script&gt;" in choice.fields["Misconceptions"]


def _numbers_after(prompt: str, marker: str) -> list[str]:
    tail = prompt.split(marker, 1)[1]
    return re.findall(r"\d+", tail)[:2]


def test_pack_text_is_escaped_in_every_field(tmp_path, pack_file):
    notes = export(tmp_path, "a", "--pack", str(pack_file), "--pack-id", "evil-pack")
    for note in notes:
        for name, value in note.fields.items():
            assert "<script" not in value.lower(), f"{name} of {note.fields['QuestionId']}"
    assert {n.deck_description for n in notes} == {html.escape(EVIL)}
    escaped = [n for n in notes if "&lt;script&gt;" in n.fields["Prompt"]]
    assert len(escaped) == len(notes) - 3  # every prompt but the matrix question's


def test_guids_are_stable_across_exports_and_pack_edits(tmp_path, pack_file):
    first = export(tmp_path, "a", "--pack", str(pack_file), "--pack-id", "evil-pack")
    pack_file.write_text(PACK.replace("Pick one", "Choose one"), encoding="utf-8")
    second = export(tmp_path, "b", "--pack", str(pack_file), "--pack-id", "evil-pack")

    def ident(notes):
        return {n.guid: (n.fields["QuestionId"], n.fields["Seed"]) for n in notes}

    assert ident(first) == ident(second)
    assert len(ident(first)) == len(first)  # no two notes share a GUID
    edited = [n for n in second if n.fields["QuestionId"] == "evil.choice"]
    assert "Choose one" in edited[0].fields["Prompt"]  # same GUID, new content: Anki updates


def test_instances_option_and_topic_filter(tmp_path, pack_file):
    notes = export(
        tmp_path,
        "a",
        "--pack",
        str(pack_file),
        "--pack-id",
        "evil-pack",
        "--topic",
        "scaling",
        "--instances",
        "5",
    )
    assert Counter(n.fields["QuestionId"] for n in notes) == {"evil.scores": 5, "evil.out-loud": 1}


def test_shipped_packs_one_deck_each_every_question_present(tmp_path):
    notes = export(tmp_path, "shipped")
    packset = load_packs()
    cards = {qid for qid, q in packset.questions.items() if q.type != "code"}  # code cannot run
    titles = {
        lp.pack.title
        for lp in packset.packs
        if lp.pack is not None and any(q.id in cards for q in lp.pack.questions)
    }
    assert {n.deck for n in notes} == {f"qkv-drill::{t}" for t in titles}
    assert {n.fields["QuestionId"] for n in notes} == cards
    for note in notes:
        question = packset.questions[note.fields["QuestionId"]]
        assert note.tags[0] == question.topic.replace(" ", "_")
        assert note.fields["Prompt"] and note.fields["Answer"] and note.fields["Explanation"]


def _code_question() -> Question:
    return Question(
        id="impl.attention",
        pack_id="impl",
        topic="implement",
        difficulty="hard",
        type="code",
        prompt="Write attention.",
        explanation="x",
    )


def test_code_questions_are_left_out_and_counted():
    packset = load_packs()
    some = sorted(packset.questions.values(), key=lambda q: q.id)[:5]
    selection = build_notes([*some, _code_question(), _code_question()], instances=1)
    assert selection.left_out == {"code": 2}
    assert len({n.question_id for n in selection.notes}) == 5


def test_export_says_how_many_code_questions_were_left_out(tmp_path, capsys):
    packset = load_packs()
    code = [q for q in packset.questions.values() if q.type == "code"]
    if not code:
        pytest.skip("no shipped pack has code questions")
    packs = sorted({q.pack_id for q in code})
    args = [a for p in packs for a in ("--pack-id", p)]
    others = [q for p in packs for q in packset.questions.values() if q.pack_id == p]
    others = [q for q in others if q.type != "code"]
    out = tmp_path / "x.apkg"
    assert main(["export-anki", *args, "-o", str(out)]) == (0 if others else 1)
    printed = capsys.readouterr()
    assert f"left out {len(code)} code question(s)" in printed.out
    if not others:  # only code exercises: no empty package, and a reason
        assert "nothing to export" in printed.err and not out.exists()
        return
    notes = read_notes(out, tmp_path)
    assert {n.fields["QuestionId"] for n in notes} == {q.id for q in others}


def test_no_matching_question_is_an_error_not_an_empty_deck(tmp_path, capsys):
    out = tmp_path / "none.apkg"
    assert main(["export-anki", "--topic", "no-such-topic", "-o", str(out)]) == 1
    assert "no questions match" in capsys.readouterr().err
    assert not out.exists()
