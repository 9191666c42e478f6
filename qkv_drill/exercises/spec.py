"""The fields of a `code` question in a pack: function, language, starter, check, misconceptions.

Checked with the same positioned messages as every other field (file:line, did-you-mean); the
pack never supplies code that runs: `starter` is text shown to the user, the checks are engine
computations on drawn parameters.
"""

from __future__ import annotations

import keyword
from typing import TYPE_CHECKING, Any

from qkv_drill.exercises.mistakes import known
from qkv_drill.exercises.tasks import TASKS
from qkv_drill.packs.checks.fields import did_you_mean
from qkv_drill.packs.model import CodeSpec, Tolerance
from qkv_drill.packs.param_specs import max_value, spec_kind

if TYPE_CHECKING:
    from qkv_drill.packs.checks.question import QuestionChecks

CODE_KEYS = ("function", "language", "starter", "check")
CHECK_KEYS = ("compute", "cases", "params", "constraints", "tolerance")
LANGUAGES = ("numpy", "torch")
MAX_CASES = 32
MAX_SIZE = 64  # any size parameter of a case
MAX_SCALE = 1000.0  # value scale (large scores are an edge case worth drawing)
MAX_STARTER = 20_000


def code_fields(ck: QuestionChecks, at: tuple, q: dict) -> tuple[CodeSpec | None, tuple[str, ...]]:
    """(the CodeSpec, the misconceptions) of question `q` at keys `at`; errors go to `ck`."""
    for k in ("function", "check"):
        if k not in q:
            ck.err(at, f"a code question needs '{k}'")
    function = str(q.get("function", ""))
    if "function" in q and (not function.isidentifier() or keyword.iskeyword(function)):
        ck.err((*at, "function"), f"function must be a Python name, not {q['function']!r}")
    language = q.get("language", "numpy")
    if language not in LANGUAGES:
        ck.err(
            (*at, "language"),
            f"language must be one of {', '.join(LANGUAGES)}, not {language!r}",
            did_you_mean(language, LANGUAGES),
        )
    starter = ck.text((*at, "starter"), q["starter"], "starter") if "starter" in q else ""
    if len(starter) > MAX_STARTER:
        ck.err((*at, "starter"), f"starter is {len(starter):,} characters; the limit is 20,000")
    spec = _check(ck, (*at, "check"), q.get("check")) if "check" in q else None
    mcs = _misconceptions(ck, at, q.get("misconceptions"), spec)
    if spec is None or not function or language not in LANGUAGES:
        return None, mcs
    return CodeSpec(
        function=function,
        language=language,
        starter=starter,
        compute=spec["compute"],
        cases=spec["cases"],
        params=spec["params"],
        constraints=spec["constraints"],
        tolerance=spec["tolerance"],
    ), mcs


def _check(ck: QuestionChecks, keys: tuple, raw: Any) -> dict | None:
    if not ck.mapping(keys, raw, CHECK_KEYS, ("compute",), "check"):
        return None
    name = raw.get("compute")
    if name not in TASKS:
        ck.unknown(
            (*keys, "compute"),
            f"unknown exercise computation {name!r}",
            name,
            TASKS,
            "one of ",
            key=False,
        )
        return None
    task = TASKS[name]
    cases = raw.get("cases", 8)
    if not isinstance(cases, int) or isinstance(cases, bool) or not 1 <= cases <= MAX_CASES:
        ck.err((*keys, "cases"), f"cases must be a whole number from 1 to {MAX_CASES}")
        cases = 8
    params, names, _ = ck.params(keys, raw.get("params"))
    for pname, pspec in params.items():
        pk = (*keys, "params", pname)
        if pname not in task.defaults:
            ck.unknown(
                pk, f"'{name}' has no parameter '{pname}'", pname, task.defaults, "it takes "
            )
        elif spec_kind(pspec) in ("matrix", "config"):
            ck.err(pk, f"parameter '{pname}' is a number or flag; the task builds the arrays")
        else:
            top = max_value(pspec)
            limit = MAX_SCALE if pname == "scale" else MAX_SIZE
            if top is not None and top > limit:
                ck.err(pk, f"parameter '{pname}' could be {top:g}; the limit is {limit:g}")
    constraints = ck.constraints(keys, raw.get("constraints"), names | set(task.defaults))
    tol = Tolerance(1e-6, 1e-6)
    if "tolerance" in raw:
        tol = ck.tolerance((*keys, "tolerance"), raw["tolerance"])
    return {
        "compute": name,
        "cases": cases,
        "params": dict(params),
        "constraints": constraints,
        "tolerance": tol,
    }


def _misconceptions(ck: QuestionChecks, at: tuple, raw: Any, spec: dict | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    keys = (*at, "misconceptions")
    out = ck.text_list(keys, raw, "misconceptions")
    task = TASKS.get(spec["compute"]) if spec else None
    for j, mc in enumerate(out):
        if not known(mc):
            ck.err((*keys, j), f"unknown misconception '{mc}'")
        elif task is not None and mc not in task.wrong:
            ck.err(
                (*keys, j),
                f"misconception '{mc}' has no wrong result for exercise '{task.name}'",
                "it supports: " + (", ".join(task.wrong) or "none"),
            )
    return out


def code_properties(param: dict, constraint: dict, tolerance: dict) -> dict[str, Any]:
    """The JSON Schema of the code question fields (for `qkv-drill schema`)."""
    return {
        "function": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "language": {"enum": list(LANGUAGES)},
        "starter": {"type": "string"},
        "check": {
            "type": "object",
            "additionalProperties": False,
            "required": ["compute"],
            "properties": {
                "compute": {"enum": list(TASKS)},
                "cases": {"type": "integer", "minimum": 1, "maximum": MAX_CASES},
                "params": {"type": "object", "additionalProperties": param},
                "constraints": {"type": "array", "items": constraint},
                "tolerance": tolerance,
            },
        },
    }
