"""A computed question's preview shows exactly what the engine's draw shows when it keeps its
first numbers, and is drawn without numpy."""

from __future__ import annotations

import pickle

import pytest

from qkv_drill.packs.instance import draw
from qkv_drill.packs.params import draw_params
from qkv_drill.packs.preview import COMPUTED, draw_preview, shows_the_same
from qkv_drill.packs.prompt_text import needs_answer
from tests.helpers import REPO
from tests.helpers.cli import run_python
from tests.helpers.shipped import shipped

SEEDS = (0, 1, 7, 99, 2**31 - 1)


def test_every_shipped_computed_question_previews_what_its_draw_shows():
    previewed = redrawn = 0
    for q in shipped().values():
        for seed in SEEDS:
            preview = draw_preview(q, seed)
            if q.type not in COMPUTED:
                assert preview is None, q.id
                continue
            full_rank = any(isinstance(s, dict) and s.get("full_rank") for s in q.params.values())
            if needs_answer(q.type, q.answer.tolerance) or full_rank:
                assert preview is None, q.id  # the precision line or the draw needs numpy
                continue
            assert preview is not None, (q.id, seed)
            assert preview.params == draw_params(q, seed)[0]  # numpy's generator, first draw
            instance = draw(q, seed)
            same = shows_the_same(preview, instance)
            assert same == (instance.redraws == 0), (q.id, seed)
            previewed += 1
            redrawn += not same
    assert previewed > 500 and redrawn < previewed / 10


def test_a_preview_differs_from_an_instance_of_other_numbers():
    q = next(q for q in shipped().values() if q.type == "matrix" and draw_preview(q, 1))
    preview = draw_preview(q, 1)
    assert shows_the_same(preview, draw(q, 1))
    assert not shows_the_same(preview, draw(q, 2))


PREVIEW_FIRST = """
import pickle, sys
from qkv_drill.packs.preview import Preview, shows_the_same
from qkv_drill.session.practice import PracticeSession
from qkv_drill.store import Store
packset = pickle.loads(open(sys.argv[1], "rb").read())
session = PracticeSession(packset, Store(sys.argv[2]), seed=int(sys.argv[3]))
shown = session.next_quick()
before = "numpy" in sys.modules
instance = session.complete(shown)
print(shown.question.type, isinstance(shown, Preview), before, shows_the_same(shown, instance))
"""


@pytest.mark.parametrize("kind", ["matrix", "shape"])
def test_practice_shows_a_computed_first_question_without_numpy(tmp_path, kind):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.practice import PracticeSession

    pack = REPO / "tests/tui/fixtures/tui.yaml"
    packset = load_packs([pack], include_shipped=False, include_user=False)
    first = {s: PracticeSession(packset, None, seed=s)._pick_question().type for s in range(200)}
    seed = next(s for s, k in first.items() if k == kind)
    data = tmp_path / "packs.pickle"
    data.write_bytes(pickle.dumps(packset))
    out = run_python(PREVIEW_FIRST, str(data), str(tmp_path / "p.db"), str(seed)).split()
    assert out == [kind, "True", "False", "True"]
