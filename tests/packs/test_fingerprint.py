"""A draw's digest (packs/fingerprint.py) is what a resumed interview and the browser trust to say
"this redraw is the question answered": it must be the same for the same draw in any later
process, and differ when what the answer depends on changes."""

from __future__ import annotations

import dataclasses
import json
import os

from qkv_drill.packs.fingerprint import drawn
from qkv_drill.packs.instance import draw
from tests.helpers import REPO
from tests.helpers.cli import run_python
from tests.helpers.shipped import shipped

DIGESTS = """
import json, sys
from qkv_drill.packs.fingerprint import drawn
from qkv_drill.packs.instance import draw
from tests.helpers.shipped import shipped
print(json.dumps({q.id: drawn(draw(q, int(sys.argv[1]))) for q in shipped().values()}))
"""


def digests_in_a_fresh_process(seed: int, hash_seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed}
    return json.loads(run_python(DIGESTS, str(seed), env=env))


def test_every_shipped_draw_has_one_digest_across_processes_and_hash_seeds():
    """A resume runs in another process than the start: set and dict orders there must not
    move a digest."""
    here = {q.id: drawn(draw(q, 11)) for q in shipped().values()}
    assert digests_in_a_fresh_process(11, "1") == here
    assert digests_in_a_fresh_process(11, "2") == here


def test_the_digest_follows_numbers_options_and_the_right_answer_but_not_the_wording():
    inst = draw(next(q for q in shipped().values() if q.params), 3)
    base = drawn(inst)
    assert drawn(dataclasses.replace(inst, prompt=inst.prompt + " (reworded)")) == base
    assert drawn(dataclasses.replace(inst, params={**inst.params, "extra": 1})) != base
    assert drawn(dataclasses.replace(inst, expected_display=inst.expected_display + "0")) != base
    assert drawn(dataclasses.replace(inst, options=[*inst.options, "another"])) != base
