"""Option orders and numbers drawn without numpy are numpy's, bit for bit, and a question that
draws no numbers is shown without importing numpy."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.packs.instance import draw
from qkv_drill.packs.numberless import WORDY, draw_numberless
from qkv_drill.packs.params import rng_for
from qkv_drill.packs.seeded import PCG64, seed_for, seed_state
from tests.helpers import REPO
from tests.helpers.cli import run_python
from tests.helpers.shipped import shipped

SEEDS = [0, 1, 2**32 - 1, 2**32, 2**64 - 1, 2**64, 2**128 + 7, 123456789012345678901234567890]


def _random_seeds(n: int) -> list[int]:
    r = random.Random(10)
    return SEEDS + [r.randrange(2 ** r.choice([8, 32, 64, 100])) for _ in range(n)]


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_state_is_numpys_seed_sequence(seed):
    want = np.random.SeedSequence(seed).generate_state(4, np.uint64)
    assert seed_state(seed) == [int(v) for v in want]


def test_generator_state_and_shuffles_are_numpys():
    for seed in _random_seeds(1500):
        ours, theirs = PCG64(seed), np.random.default_rng(seed)
        state = theirs.bit_generator.state["state"]
        assert (ours.state, ours.inc) == (state["state"], state["inc"]), seed
        for n in (1, 2, 3, 4, 5, 7, 9, 33, 300):  # several shuffles: the streams stay in step
            a, b = list(range(n)), list(range(n))
            ours.shuffle(a)
            theirs.shuffle(b)
            assert a == b, (seed, n)


SHAPES = st.one_of(
    st.none(),
    st.integers(1, 9),
    st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple),
)
SPANS = st.one_of(  # high - low: tiny (the packs' matrices), near 2**32 (the 32-bit edge), 64-bit
    st.integers(1, 40),
    st.integers(2**32 - 3, 2**32 + 3),
    st.integers(1, 2**63),
)


@settings(max_examples=400, deadline=None)
@given(
    seed=st.integers(0, 2**64 - 1),
    low=st.integers(-(2**62), 2**62),
    span=SPANS,
    size=SHAPES,
    scalars=st.lists(st.integers(1, 50), max_size=4),
)
def test_integers_are_numpys(seed, low, span, size, scalars):
    """`Generator.integers(low, high, size)` then a few `integers(n)`, as the draws call them."""
    if not -(2**63) <= low + span <= 2**63 - 1:
        low = -span // 2
    ours, theirs = PCG64(seed), np.random.default_rng(seed)
    want = theirs.integers(low, low + span, size=size)
    assert ours.integers(low, low + span, size=size) == (
        int(want) if size is None else want.tolist()
    )
    for n in scalars:  # the stream stays in step, the buffered half word included
        assert ours.integers(n) == int(theirs.integers(n))


def test_integers_refuses_what_numpy_refuses():
    for low, high in [(3, 3), (5, 2)]:
        with pytest.raises(ValueError):
            np.random.default_rng(1).integers(low, high)
        with pytest.raises(ValueError):
            PCG64(1).integers(low, high)


def test_draw_seed_is_the_one_the_numpy_draws_use():
    for qid, seed, attempt in [("q", 0, 0), ("roles.x#options", 12345, 0), ("a.b", 2**31 - 1, 7)]:
        a = rng_for(qid, seed, attempt).integers(0, 2**62, size=4)
        b = np.random.default_rng(seed_for(qid, seed, attempt)).integers(0, 2**62, size=4)
        assert a.tolist() == b.tolist()


def test_every_shipped_wordy_question_draws_the_same_instance_without_numbers():
    questions = shipped()
    wordy = [q for q in questions.values() if q.type in WORDY]
    assert len(wordy) > 200
    for q in wordy:
        for seed in (0, 1, 99, 2**31 - 1):
            assert draw_numberless(q, seed) == draw(q, seed), (q.id, seed)
    numbered = [q for q in questions.values() if q.type not in WORDY]
    assert numbered and all(draw_numberless(q, 5) is None for q in numbered)


FIRST_QUESTION = """
import pickle, sys
from qkv_drill.session.practice import PracticeSession
from qkv_drill.store import Store
packset = pickle.loads(open(sys.argv[1], "rb").read())
session = PracticeSession(packset, Store(sys.argv[2]), seed=int(sys.argv[3]))
first = session.next()
print(first.question.id, first.question.type, "numpy" in sys.modules)
"""


def _first(tmp_path: Path, packset, seed: int) -> tuple[str, str, bool]:
    data = tmp_path / "packs.pickle"
    data.write_bytes(pickle.dumps(packset))
    out = run_python(FIRST_QUESTION, str(data), str(tmp_path / "p.db"), str(seed)).split()
    return out[0], out[1], out[2] == "True"


def test_practice_draws_a_question_without_numbers_without_numpy(tmp_path):
    from qkv_drill.packs.loader import load_packs

    pack = REPO / "tests/tui/fixtures/tui.yaml"
    packset = load_packs([pack], include_shipped=False, include_user=False)
    seen = {}
    for seed in range(40):
        qid, kind, numpy_loaded = _first(tmp_path, packset, seed)
        seen.setdefault(kind, (qid, numpy_loaded))
        if {"choice", "text", "numeric"} <= seen.keys():
            break
    assert seen["choice"][1] is False and seen["text"][1] is False
    assert seen["numeric"][1] is True  # drawing numbers needs the engine (and numpy)
