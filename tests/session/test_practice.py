"""Practice: what gets recorded, and that seeds reproduce the same questions and numbers."""

from __future__ import annotations

import json

from qkv_drill.session.filters import Filter
from qkv_drill.session.practice import PracticeSession
from tests.helpers.answering import right, wrong


def rows(store):
    return list(store.iter_answers())


def session_on(packs, store, clock, qid, seed=3):
    s = PracticeSession(packs, store, Filter(), seed=seed, clock=clock)
    s.pool = [q for q in s.pool if q.id == qid]
    return s


def test_right_and_wrong_answers_are_recorded_with_their_verdicts(mini_packs, store, clock):
    s = PracticeSession(mini_packs, store, seed=11, clock=clock)
    given = []
    for i in range(6):
        inst = s.next()
        if inst.question.type == "text":
            continue
        text = right(inst) if i % 2 == 0 else wrong(inst)
        verdict = s.submit(text)
        assert verdict.status == ("correct" if i % 2 == 0 else "wrong"), (inst.question.id, text)
        given.append((inst.question.id, inst.seed, text, verdict.status))
    got = [(r.question_id, r.seed, r.answer_text, r.verdict) for r in rows(store)]
    assert got == given
    assert {r.mode for r in rows(store)} == {"practice"}


def test_head_dim_is_d_model_over_heads(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.head-dim")
    inst = s.next()
    d_model, heads = inst.params["d_model"], inst.params["heads"]
    assert s.submit(str(d_model // heads)).status == "correct"
    verdict = s.submit(str(d_model))  # second answer to the same instance: checked, not stored
    assert verdict.status == "wrong"
    (row,) = rows(store)
    assert row.verdict == "correct"
    assert json.loads(row.params_json)["d_model"] == d_model
    assert (row.pack_id, row.topic, row.difficulty, row.qtype) == (
        "mini",
        "multihead",
        "easy",
        "numeric",
    )


def test_naming_the_misconception(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.head-dim")
    inst = s.next()
    verdict = s.submit(str(inst.params["d_model"]))  # used d_model, not the per-head size
    assert verdict.status == "wrong"
    assert verdict.misconception.name == "no_head_split"
    assert rows(store)[0].misconception == "no_head_split"


def test_unparseable_is_not_recorded_and_can_be_retried(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.q-shape")
    inst = s.next()
    verdict = s.submit("(2, 10")
    assert verdict.status == "unparseable"
    assert verdict.message
    assert rows(store) == []
    assert s.submit(right(inst)).status == "correct"
    assert [r.verdict for r in rows(store)] == ["correct"]


def test_skip_is_recorded_as_skipped_and_moves_on(mini_packs, store, clock):
    s = PracticeSession(mini_packs, store, seed=5, clock=clock)
    first = s.next()
    second = s.skip()
    assert second is not None and second is not first
    (row,) = rows(store)
    assert (row.question_id, row.verdict) == (first.question.id, "skipped")
    assert s.tally["skipped"] == 1


def test_response_time_comes_from_the_clock(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.scale")
    inst = s.next()
    clock.advance(12.5)
    s.submit(right(inst))
    assert rows(store)[0].response_ms == 12500


def test_redraw_changes_the_numbers_not_the_question(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.head-dim")
    first = s.next()
    draws = [s.redraw() for _ in range(8)]
    assert {d.question.id for d in draws} == {"mini.head-dim"}
    assert len({d.seed for d in [first, *draws]}) == 9
    assert any(d.params != first.params for d in draws)
    assert rows(store) == []


def test_same_seed_same_questions_and_numbers(mini_packs, store, clock):
    def run(seed):
        s = PracticeSession(mini_packs, store, seed=seed, clock=clock)
        return [
            (i.question.id, i.seed, json.dumps(i.params)) for i in (s.next() for _ in range(10))
        ]

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_the_pool_cycles_through_every_question(mini_packs, store, clock):
    s = PracticeSession(mini_packs, store, seed=1, clock=clock)
    n = len(s.pool)
    ids = [s.next().question.id for _ in range(2 * n)]
    assert sorted(ids[:n]) == sorted(q.id for q in s.pool)
    assert sorted(ids[n:]) == sorted(q.id for q in s.pool)


def test_filter_limits_the_pool(mini_packs, store, clock):
    flt = Filter(topics=frozenset({"scaling"}), difficulties=frozenset({"medium", "hard"}))
    s = PracticeSession(mini_packs, store, flt, seed=1, clock=clock)
    assert {q.id for q in s.pool} == {"mini.scale", "mini.why-scale"}


def test_text_answers_wait_for_a_self_grade(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.explain")
    s.next()
    verdict = s.submit("The query is what a position is looking for.")
    assert verdict.status == "self_grade"
    assert rows(store) == []
    assert s.self_grade([0, 2]).status == "correct"  # 2 of 3 points
    s.next()
    s.submit("Something vague.")
    assert s.self_grade([1]).status == "wrong"  # 1 of 3
    assert [r.verdict for r in rows(store)] == ["correct", "wrong"]
    assert rows(store)[1].answer_text == "Something vague."


def test_hints_one_at_a_time(mini_packs, store, clock):
    s = session_on(mini_packs, store, clock, "mini.head-dim")
    s.next()
    hints = mini_packs.questions["mini.head-dim"].hints
    assert [s.hint(), s.hint(), s.hint()] == [*hints, None]
    assert s.hints_used == len(hints)
    s.next()
    assert s.hints_used == 0 and s.total_hints == len(hints)


def test_a_question_that_cannot_be_drawn_is_dropped_with_its_reason(mini_packs, store, clock):
    from pathlib import Path

    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.mock import MockSession, MockSettings

    broken = Path(__file__).parents[1] / "packs" / "broken" / "impossible_constraints.yaml"
    packs = load_packs(extra=[broken], include_shipped=False, include_user=False)
    (bad,) = packs.questions.values()  # loads: only drawing finds the constraints impossible
    packs.questions.update(mini_packs.questions)

    s = PracticeSession(packs, store, Filter(), seed=1, clock=clock)
    seen = set()
    for _ in range(len(s.pool) + 2):
        inst = s.next()
        assert inst is not None
        seen.add(inst.question.id)
    assert bad.id not in seen
    assert bad.id not in {q.id for q in s.pool}
    (reason,) = s.draw_errors
    assert bad.id in reason and "impossible_constraints.yaml" in reason

    settings = MockSettings(minutes=5, questions=len(packs.questions), seed=2)
    mock = MockSession.create(packs, store, settings, clock)
    assert bad.id not in {i.question.id for i in mock.instances}
    assert len(mock.instances) == len(packs.questions) - 1


def _same(a, b) -> bool:
    return (a.question.id, a.seed, a.params, a.prompt, str(a.expected)) == (
        b.question.id,
        b.seed,
        b.params,
        b.prompt,
        str(b.expected),
    )


def test_a_preview_then_its_instance_is_the_question_next_would_have_drawn(
    mini_packs, store, clock
):
    """`next_quick` + `complete` and `next` give the same questions and numbers, and the next
    ones after them too: a seed replays the same practice either way."""
    from qkv_drill.packs.preview import Preview

    previews = 0
    for seed in range(30):
        quick = PracticeSession(mini_packs, store, seed=seed, clock=clock)
        plain = PracticeSession(mini_packs, store, seed=seed, clock=clock)
        shown = quick.next_quick()
        if isinstance(shown, Preview):
            previews += 1
            assert quick.current is None  # nothing to check before the engine's draw
            instance = quick.complete(shown)
        else:
            instance = shown
        assert quick.current is instance
        assert _same(instance, plain.next())
        for _ in range(3):
            assert _same(quick.next(), plain.next())
    assert previews > 0


def test_complete_starts_the_clock_when_the_preview_was_shown(mini_packs, store, clock):
    from qkv_drill.packs.preview import Preview

    seed = next(
        s
        for s in range(200)
        if isinstance(PracticeSession(mini_packs, store, seed=s, clock=clock).next_quick(), Preview)
    )
    s = PracticeSession(mini_packs, store, seed=seed, clock=clock)
    preview = s.next_quick()
    clock.advance(5)
    s.complete(preview)
    clock.advance(2)
    assert s.response_ms() == 7000


def test_complete_drops_a_question_that_cannot_be_drawn_and_goes_on(
    mini_packs, store, clock, monkeypatch
):
    from qkv_drill.packs import instance as drawing
    from qkv_drill.packs.preview import Preview

    seed = next(
        s
        for s in range(200)
        if isinstance(PracticeSession(mini_packs, store, seed=s, clock=clock).next_quick(), Preview)
    )
    s = PracticeSession(mini_packs, store, seed=seed, clock=clock)
    told = []
    s.on_skip = told.append
    preview = s.next_quick()
    real = drawing.draw

    def fails_once(question, seed):
        if question is preview.question:
            raise drawing.InstanceError("cannot be drawn")
        return real(question, seed)

    monkeypatch.setattr(drawing, "draw", fails_once)
    instance = s.complete(preview)
    assert instance is not None and instance.question.id != preview.question.id
    assert preview.question not in s.pool and s.current is instance
    assert told == ["skipped: cannot be drawn"]
