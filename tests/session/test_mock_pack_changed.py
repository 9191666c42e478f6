"""A pack edited (or upgraded) between a mock interview's start and its resume: the questions
that now draw other numbers are named, an answer already given keeps the question it answered and
is never graded against numbers it was not given for, and an unanswered one is asked anew."""

from __future__ import annotations

import json

from qkv_drill.session.clock import FakeClock
from qkv_drill.session.mock import MockSession, MockSettings, changed_since_start, unfinished
from tests.helpers.answering import right
from tests.helpers.edited_packs import MINI, copied, edit, loaded

HEAD_DIM = "mini.head-dim"
Q_SHAPE = "mini.q-shape"


def edited(path):
    """The pack as a user edits it: other draw ranges for two questions, and a new version."""
    edit(
        path,
        ("d_model: [256, 512, 768, 1024]", "d_model: [2048, 4096]"),
        ("seq: {range: [3, 9]}", "seq: {range: [20, 30]}"),
        ("version: 1", "version: 2"),
    )
    return loaded(path)


def started(tmp_path, store):
    """An interview on a copy of the mini pack with the head-dim question answered (right for
    the numbers shown), then interrupted."""
    pack = copied(MINI, tmp_path)
    clock = FakeClock()
    settings = MockSettings(minutes=20, questions=7, seed=3)
    s = MockSession.create(loaded(pack), store, settings, clock)
    ids = [inst.question.id for inst in s.instances]
    s.goto(ids.index(HEAD_DIM))
    assert s.answer(right(s.current)) is None
    s.checkpoint()
    s.settle()
    return pack, s, ids


def test_a_resume_names_what_changed_and_keeps_the_answer_with_the_question_it_answered(
    tmp_path, store
):
    pack, s, ids = started(tmp_path, store)
    head, shape = ids.index(HEAD_DIM), ids.index(Q_SHAPE)
    asked = s.instances[head]
    given = s.answers[head]
    packs = edited(pack)

    changed = changed_since_start(packs, store, unfinished(store))
    assert [(c.question_id, c.answered) for c in changed] == sorted(
        [(HEAD_DIM, True), (Q_SHAPE, False)], key=lambda c: ids.index(c[0])
    )
    assert {c.version_words() for c in changed} == {"pack mini v1, now v2"}

    r = MockSession.resume(packs, store, s.mock_id, FakeClock())
    assert r.kept == {head}
    # the answered question is shown as it was asked, with the answer as given
    assert r.instances[head].prompt == asked.prompt
    assert r.instances[head].params == asked.params  # numbers drawn beside the prompt too
    assert r.instances[head].expected_display == asked.expected_display
    assert r.answers[head] == given
    r.goto(head)
    assert "kept as given" in (r.answer("1") or "")  # it cannot be answered again
    assert r.answers[head] == given
    # the unanswered one is asked as the pack now reads
    assert r.instances[shape].prompt != s.instances[shape].prompt
    r.goto(shape)
    assert r.answer(right(r.instances[shape])) is None

    report = r.finish()
    item = report.items[head]
    assert item.status == "kept" and item.user_answer == given
    assert item.expected == asked.expected_display and item.prompt == asked.prompt
    assert report.items[shape].status == "correct"  # graded against the numbers it was given
    assert report.graded == report.total - 1 and report.kept == [item]
    recorded = [a.question_id for a in store.iter_answers()]
    assert HEAD_DIM not in recorded and Q_SHAPE in recorded  # nothing recorded for the kept one
    assert "Not graded, kept as given: question(s) " + str(head + 1) in report.to_markdown()


def test_a_second_resume_judges_answers_given_after_the_first_against_the_new_draw(tmp_path, store):
    pack, s, ids = started(tmp_path, store)
    head, shape = ids.index(HEAD_DIM), ids.index(Q_SHAPE)
    packs = edited(pack)
    first = MockSession.resume(packs, store, s.mock_id, FakeClock())
    first.goto(shape)
    assert first.answer(right(first.current)) is None
    first.settle()  # killed here

    again = MockSession.resume(packs, store, s.mock_id, FakeClock())
    assert again.kept == {head}  # still kept, still said
    assert [(c.question_id, c.answered) for c in again.changed] == [(HEAD_DIM, True)]
    report = again.finish()
    assert report.items[shape].status == "correct"
    assert report.items[head].status == "kept"


def test_an_unchanged_pack_resumes_as_before_and_the_plan_is_not_rewritten(tmp_path, store):
    pack, s, ids = started(tmp_path, store)
    plan = store.get_mock(s.mock_id).plan_json
    edit(pack, ("version: 1", "version: 2"))
    packs = loaded(pack)  # a new version whose draws are the same changes nothing asked
    r = MockSession.resume(packs, store, s.mock_id, FakeClock())
    assert r.changed == [] and r.kept == set()
    assert store.get_mock(s.mock_id).plan_json == plan
    assert [i.prompt for i in r.instances] == [i.prompt for i in s.instances]
    assert r.finish().items[ids.index(HEAD_DIM)].status == "correct"


def test_a_draft_typed_before_the_change_is_restored_but_not_handed_in(tmp_path, store):
    pack, s, ids = started(tmp_path, store)
    shape = ids.index(Q_SHAPE)
    s.goto(shape)
    s.save_draft(right(s.current))  # typed for the old numbers, not entered
    s.settle()
    r = MockSession.resume(edited(pack), store, s.mock_id, FakeClock())
    assert r.drafts[shape] == right(s.instances[shape])  # nothing typed is lost
    assert r.finish().items[shape].status == "unanswered"  # but it answers other numbers


def test_an_interview_stored_before_digests_resumes_as_it_did(tmp_path, store):
    pack = copied(MINI, tmp_path)
    old_plan = [{"question_id": HEAD_DIM, "seed": 5}, {"question_id": Q_SHAPE, "seed": 6}]
    mock_id = store.create_mock(json.dumps({"minutes": 5}), 1, 300.0, json.dumps(old_plan))
    store.save_mock_answer(mock_id, 0, "64", 1000, False)
    r = MockSession.resume(edited(pack), store, mock_id, FakeClock())
    assert r.changed == [] and r.kept == set() and r.answers[0] == "64"


def test_answers_are_recorded_with_their_pack_version_and_draw(tmp_path, store):
    _, s, ids = started(tmp_path, store)
    report = s.finish()
    head = report.items[ids.index(HEAD_DIM)]
    (row,) = [a for a in store.iter_answers() if a.question_id == HEAD_DIM]
    assert row.pack_version == 1 and row.drawn == head.drawn and len(row.drawn or "") == 16


def test_plain_resume_says_what_changed_and_the_report_leaves_the_kept_answer_out(tmp_path):
    from tests.helpers.cli import run_cli
    from tests.helpers.mock_screens import FIXTURE_PACKS

    pack = copied(FIXTURE_PACKS / "mock.yaml", tmp_path)
    start = ["--pack", str(pack), "mock", "--plain", "--pack-id", "mockfix", "--seed", "7"]
    first = run_cli(*start, "--questions", "4", home=tmp_path, input="(2, 8, 10, 64)\n:quit\n")
    assert "Question 1/4 [shapes, medium]" in first.stdout, first.stdout + first.stderr
    assert "1 of 4 answered" in first.stdout
    edit(pack, ("seq: [10]", "seq: [16]"), ("version: 1", "version: 2"))
    again = run_cli(*start, "--resume", home=tmp_path, input=":goto 1\n:review\n:finish\n")
    out = " ".join(again.stdout.split())
    assert "Question 1 changed since you started (pack mockfix v1, now v2)" in out, out
    assert "Your answer is kept as given, shown as you saw it, not graded" in out
    assert "of 10 tokens" in out and "of 16 tokens" not in out  # shown as it was asked
    assert "kept as given: the question changed in its pack since; not graded" in out
    assert "(2, 8, 10, 64) (kept as given, not graded: the question changed in its pack)" in out
    assert "Not graded, kept as given: question(s) 1" in out
