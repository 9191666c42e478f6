"""The browser's history redraws a choice answer's options from the stored seed: only when the
redraw is the draw answered. A pack edited since gets the answer as stored, said to be so."""

from __future__ import annotations

import dataclasses

from qkv_drill.session.browser import CHANGED_SINCE, history
from qkv_drill.session.filters import Filter
from qkv_drill.session.practice import PracticeSession
from tests.helpers.edited_packs import MINI, copied, edit, loaded

QID = "mini.why-scale"


def answered(tmp_path, store, clock):
    """A copy of the mini pack, and the letter picked for 'To divide by d_k' there."""
    pack = copied(MINI, tmp_path)
    packs = loaded(pack)
    s = PracticeSession(packs, store, Filter(ids=frozenset({QID})), seed=5, clock=clock)
    inst = s.next()
    letter = "abc"[inst.options.index("To divide by d_k")]
    s.submit(letter)
    return pack, letter


def test_an_option_reworded_since_shows_the_letter_as_stored_and_says_the_question_changed(
    tmp_path, store, clock
):
    pack, letter = answered(tmp_path, store, clock)
    edit(pack, ("To divide by d_k", "To halve the scores"))
    h = history(store, loaded(pack).questions[QID])
    assert h.answer_words == [f"{letter} ({CHANGED_SINCE})"]


def test_an_unchanged_question_shows_the_option_text(tmp_path, store, clock):
    pack, letter = answered(tmp_path, store, clock)
    edit(pack, ("version: 1", "version: 2"))  # nothing drawn moved
    h = history(store, loaded(pack).questions[QID])
    assert h.answer_words == [f"{letter}) To divide by d_k"]


def test_a_record_from_before_digests_is_judged_by_its_drawn_parameters(tmp_path, store, clock):
    from qkv_drill.session import browser

    pack, letter = answered(tmp_path, store, clock)
    (row,) = store.iter_answers()
    old = dataclasses.replace(row, drawn=None, pack_version=None)  # as an older release kept it
    question = loaded(pack).questions[QID]
    assert browser.answer_words(question, old) == f"{letter}) To divide by d_k"
    moved = dataclasses.replace(old, params_json='{"d_k": 64}')
    assert browser.answer_words(question, moved) == f"{letter} ({CHANGED_SINCE})"
