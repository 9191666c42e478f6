"""The pack format's rules in one place: the shape of ids and names, the question types, the
fields each part of a pack may and must have, and which question types a field belongs to.

The load-time checks (packs/checks/), the JSON schema (packs/schema.py) and the model read them
from here; the numeric bounds are in packs/limits.py.
"""

from __future__ import annotations

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"  # pack and question ids: stored with every answer
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"  # parameter and derived names: used in expressions

QUESTION_TYPES = ("choice", "multi", "numeric", "shape", "matrix", "text", "code")
COMPUTED_TYPES = ("numeric", "shape", "matrix")  # the answer is computed live, never stored
CHOICE_TYPES = ("choice", "multi")
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_TIME = 90  # seconds, when a question gives no `time:`

TOP_KEYS = ("pack", "questions")  # both required
PACK_KEYS = ("id", "title", "description", "version", "author")
PACK_REQUIRED = ("id", "title", "version")
QUESTION_KEYS = (
    "id",
    "topic",
    "difficulty",
    "type",
    "prompt",
    "explanation",
    "hints",
    "tags",
    "time",
    "params",
    "derive",
    "constraints",
    "answer",
    "misconceptions",
    "options",
    "shuffle",
    "model_answer",
    "rubric",
    "examples",
    "function",
    "language",
    "starter",
    "check",
)
QUESTION_REQUIRED = ("id", "topic", "difficulty", "type", "prompt", "explanation")

TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "answer": COMPUTED_TYPES,
    "misconceptions": (*COMPUTED_TYPES, "code"),
    **dict.fromkeys(("function", "language", "starter", "check"), ("code",)),
    "options": CHOICE_TYPES,
    "model_answer": ("text",),
    "rubric": ("text",),
}
"""A field that belongs to some question types only -> those types (elsewhere it is refused)."""

TYPE_REQUIRED: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(COMPUTED_TYPES, ("answer",)),
    **dict.fromkeys(CHOICE_TYPES, ("options",)),
    "text": ("model_answer", "rubric"),
    "code": ("function", "check"),
}
"""The fields a question of each type must have."""

ANSWER_KEYS = ("compute", "args", "tolerance")
ANSWER_REQUIRED = ("compute",)
TOLERANCE_KEYS = ("abs", "rel")
OPTION_KEYS = ("text", "correct", "why", "misconception")
OPTION_REQUIRED = ("text",)
RUBRIC_KEYS = ("point", "keywords")
RUBRIC_REQUIRED = ("point",)
EXAMPLE_KEYS = ("params", "model", "tolerance", "accept", "reject")

PARAM_KINDS: dict[str, tuple[str, ...]] = {
    "range": ("range", "step"),
    "value": ("value",),
    "fixed": ("fixed",),
    "config": ("config",),
    "matrix": ("matrix", "values", "full_rank", "not_symmetric"),
}
"""A parameter written as a mapping: its kind (the key that names it, looked for in this order)
-> the keys it may have. A list is drawn from; anything else is a literal value."""

CONSTRAINT_KINDS = ("divisible", "less", "less_equal", "not_equal")
