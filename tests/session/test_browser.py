"""The question browser without the TUI: search terms, filters by state, one question's history."""

from __future__ import annotations

from datetime import timedelta

from qkv_drill.session.browser import (
    BrowseQuery,
    browse_rows,
    history,
    search,
    toggle_buried,
    toggle_suspended,
)
from qkv_drill.session.filters import Filter
from qkv_drill.session.practice import PracticeSession
from tests.helpers.answering import right, wrong


def ids(rows):
    return [r.id for r in rows]


def answer(packs, store, clock, qid, *texts):
    """Answer one question (by id) once per text: 'right', 'wrong' or 'skip'."""
    s = PracticeSession(packs, store, Filter(ids=frozenset({qid})), seed=1, clock=clock)
    for how in texts:
        inst = s.next()
        if how == "skip":
            s.skip()
            continue
        s.submit(right(inst) if how == "right" else wrong(inst))
        clock.advance(60)


def test_parse_words_fields_and_errors():
    q = BrowseQuery.parse("Scale topic:Scaling diff:easy diff:hard is:due nope:x is:sleepy")
    assert q.words == ("scale",)
    assert q.fields == {
        "topic": frozenset({"scaling"}),
        "difficulty": frozenset({"easy", "hard"}),
        "is": frozenset({"due"}),
    }
    assert len(q.errors) == 2
    assert "nope" in q.errors[0] and "sleepy" in q.errors[1]


def test_every_question_is_listed_and_words_search_id_and_text(mini_packs, store, clock):
    rows = browse_rows(mini_packs, store)
    assert ids(rows) == sorted(mini_packs.questions)
    found, _ = search(rows, "mini.scale", clock.now())
    assert ids(found) == ["mini.scale"]
    # A word from the question text (not the id), any case.
    text_word = mini_packs.questions["mini.q-shape"].prompt.split()[2]
    found, _ = search(rows, text_word.upper(), clock.now())
    assert "mini.q-shape" in ids(found)
    found, _ = search(rows, "topic:scaling", clock.now())
    assert ids(found) == sorted(q for q, v in mini_packs.questions.items() if v.topic == "scaling")
    found, _ = search(rows, "topic:scaling type:choice", clock.now())
    assert all(r.topic == "scaling" and r.type == "choice" for r in found)
    assert found


def test_states_new_due_missed_suspended_buried(mini_packs, store, clock):
    answer(mini_packs, store, clock, "mini.scale", "right", "wrong")
    store.put_card("mini.roles", "{}", clock.now() - timedelta(minutes=1))
    toggle_suspended(store, "mini.head-dim")
    toggle_buried(store, "mini.q-shape", clock.now())
    rows = browse_rows(mini_packs, store)
    now = clock.now()

    def find(text):
        return ids(search(rows, text, now)[0])

    assert find("is:missed") == ["mini.scale"]
    assert find("is:due") == ["mini.roles"]
    assert find("is:suspended") == ["mini.head-dim"]
    assert find("is:buried") == ["mini.q-shape"]
    # New: no drill card, as Home and the drill count it; answered in practice is still new.
    assert "mini.roles" not in find("is:new") and "mini.why-scale" in find("is:new")
    assert "mini.scale" in find("is:new")
    scale = next(r for r in rows if r.id == "mini.scale")
    assert (scale.attempts, scale.answered, scale.correct) == (2, 2, 1)
    # Toggling lifts them again.
    assert toggle_suspended(store, "mini.head-dim") is False
    assert toggle_buried(store, "mini.q-shape", now) is None
    rows = browse_rows(mini_packs, store)
    assert ids(search(rows, "is:suspended", now)[0]) == []
    assert ids(search(rows, "is:buried", now)[0]) == []


def test_history_has_attempts_last_answers_misconceptions_and_due(mini_packs, store, clock):
    qid = "mini.head-dim"
    s = PracticeSession(mini_packs, store, Filter(ids=frozenset({qid})), seed=1, clock=clock)
    inst = s.next()
    s.submit(str(inst.params["d_model"]))  # the "forgot to split across heads" mistake
    clock.advance(60)
    s.next()
    s.skip()
    inst = s.current
    s.submit(right(inst))
    store.put_card(qid, "{}", clock.now() + timedelta(days=3))
    h = history(store, mini_packs.questions[qid])
    assert (h.attempts, h.answered, h.correct) == (3, 2, 1)
    assert [a.verdict for a in h.last_answers] == ["correct", "skipped", "wrong"]
    assert h.misconceptions == [("Per-head size not used", 1)]
    assert h.due == clock.now() + timedelta(days=3)
    assert not h.suspended and h.buried_until is None
    empty = history(store, "mini.roles")
    assert (empty.attempts, empty.last_answers, empty.due) == (0, [], None)


def test_history_says_which_option_a_letter_was_and_names_each_mistake(mini_packs, store, clock):
    """Options are shuffled per draw, so a stored "b" means nothing later: the history shows the
    option's text as it was drawn. Mistakes read by their title, as in the feedback."""
    from qkv_drill.packs.instance import draw

    qid = "mini.why-scale"
    s = PracticeSession(mini_packs, store, Filter(ids=frozenset({qid})), seed=5, clock=clock)
    inst = s.next()
    over = next(i for i, o in enumerate(inst.options) if o == "To divide by d_k")
    letter = "abc"[over]
    s.submit(letter)
    h = history(store, mini_packs.questions[qid])
    assert h.answer_words == [f"{letter}) To divide by d_k"]
    assert draw(mini_packs.questions[qid], inst.seed).options == inst.options  # as drawn then
    assert h.misconceptions == [("Divided by d_k", 1)]


def test_history_words_for_multi_and_unreadable_answers(mini_packs, store, clock):
    qid = "mini.roles"  # not shuffled: a) Q, b) K, c) the temperature
    s = PracticeSession(mini_packs, store, Filter(ids=frozenset({qid})), seed=5, clock=clock)
    s.next()
    s.submit("a c")
    s.next()
    s.skip()
    h = history(store, mini_packs.questions[qid])
    assert h.answer_words == ["", "a) Q; c) The softmax temperature"]  # newest first
