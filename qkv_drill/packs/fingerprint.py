"""A digest of one draw: what an answer was given to, kept with it so a later redraw from the same
question id and seed can be told to be the same draw or not.

A pack edited by hand, a new pack `version:`, or a qkv-drill whose engine draws differently all
give other numbers from the same seed. The digest covers what an answer depends on: the
question's type, the drawn parameters, the options in the order shown and the right answer as
shown. The prompt's wording is left out: a reworded sentence over the same numbers and the same
right answer leaves an answer as right (or wrong) as it was.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qkv_drill.packs.drawn import Instance

DIGEST_BYTES = 8  # 16 hex digits: two different draws of one question never meet in practice


def _jsonable(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def params_json(params: dict[str, object]) -> str:
    """Drawn parameters as stored with an answer: sorted keys, arrays as nested lists."""
    return json.dumps(params, sort_keys=True, default=_jsonable)


def drawn(instance: Instance) -> str:
    """The draw's digest (hex): equal for a redraw that asks the same and expects the same."""
    q = instance.question
    what = json.dumps(
        [q.id, q.type, params_json(instance.params), instance.options, instance.expected_display],
        default=_jsonable,
    )
    return hashlib.blake2b(what.encode("utf-8"), digest_size=DIGEST_BYTES).hexdigest()
