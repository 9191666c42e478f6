"""A question's cost, bounded when its pack is loaded (the limits are in packs/limits.py).

`problems` runs inside the load-time checks (packs/checks/): every way a question could make a
draw slow, huge or unstorable is refused there with a positioned message naming the limit.
`attempt_budget` and `check_compute` are the draw-time side: how many draws one `draw()` may
spend, and a last guard for sizes only known once values are drawn (a Monte Carlo d_k that is
derived).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from qkv_drill.packs import limits as L
from qkv_drill.packs.param_specs import spec_kind

Problem = tuple[tuple[Any, ...], str, str]  # (keys under the question, message, hint)

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NUMBER_CHARS = 24  # the longest a drawn or derived number prints or stores (-1.2345678901234e-300)


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _numbers(spec: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(keys under the parameter, number) for every number a scalar spec holds."""
    kind = spec_kind(spec)
    if kind == "list":
        for j, v in enumerate(spec):
            if _is_num(v):
                yield (j,), v
    elif kind == "range":
        r = spec.get("range")
        if isinstance(r, list):
            for j, v in enumerate(r):
                if _is_num(v):
                    yield ("range", j), v
        if _is_num(spec.get("step")):
            yield ("step",), spec["step"]
    elif kind == "value" and _is_num(spec.get("value")):
        yield ("value",), spec["value"]
    elif kind == "literal" and _is_num(spec):
        yield (), spec


def _largest(spec: Any) -> float | None:
    vals = [abs(v) for _, v in _numbers(spec)]
    return max(vals) if vals else None


def _dims(spec: dict[str, Any], params: dict[str, Any]) -> tuple[int, ...] | None:
    """The largest rows/cols a matrix spec can draw (None when unknown or invalid)."""
    dims = spec.get("matrix")
    if not isinstance(dims, list):
        return None
    out = []
    for d in dims:
        biggest = _largest(params.get(d)) if isinstance(d, str) else d
        if biggest is None or not _is_num(biggest) or not 1 <= biggest <= L.MAX_MATRIX_DIM:
            return None
        out.append(int(biggest))
    return tuple(out)


def _entry_chars(spec: dict[str, Any]) -> int:
    vals = spec.get("values", [-3, 3])
    if isinstance(vals, list) and all(_is_num(v) for v in vals) and vals:
        return max(len(str(int(v))) for v in vals)
    return len(str(L.MAX_MATRIX_VALUE)) + 1


def _matrix_chars(spec: dict[str, Any], params: dict[str, Any], *, table: bool) -> int:
    dims = _dims(spec, params) or (L.MAX_MATRIX_DIM, L.MAX_MATRIX_DIM)
    rows, cols = (1, dims[0]) if len(dims) == 1 else dims
    w = _entry_chars(spec)
    if table:  # the Markdown table a prompt shows: a header, a rule and one line per row
        return (rows + 2) * (cols * (w + 3) + 2) + 4
    return rows * (cols * (w + 2) + 2) + 2  # nested JSON lists


def _scalar_chars(spec: Any) -> int:
    kind = spec_kind(spec)
    if kind == "list" and all(_is_num(v) for v in spec):
        return _NUMBER_CHARS
    if kind == "config":
        names = spec.get("config")
        names = [names] if isinstance(names, str) else names or []
        return max((len(str(n)) for n in names), default=0) + 200  # its fields come along
    values = spec if kind == "list" else [spec.get("value") if kind == "value" else spec]
    if kind == "range":
        return _NUMBER_CHARS
    return max((len(json.dumps(v)) if not _is_num(v) else _NUMBER_CHARS for v in values), default=2)


def value_chars(name: str, params: dict[str, Any], *, table: bool = False) -> int:
    """The most characters parameter `name` can take when shown (table) or stored (JSON)."""
    spec = params.get(name)
    if spec_kind(spec) == "matrix" and isinstance(spec, dict):
        return _matrix_chars(spec, params, table=table)
    if name in params:
        return _scalar_chars(spec)
    return _NUMBER_CHARS  # a derived value or a configuration field


def mc_numbers(args: dict[str, Any], params: dict[str, Any]) -> int | None:
    """samples x d_k of a Monte Carlo estimate at its largest (None when d_k is only derived)."""
    samples = args.get("samples", 20000)
    d_k = args.get("d_k", "d_k")
    biggest = _largest(params.get(d_k)) if isinstance(d_k, str) else d_k
    if biggest is None or not _is_num(samples) or not _is_num(biggest):
        return None
    return int(samples) * int(biggest)


@functools.lru_cache(maxsize=1024)
def _names(expr: str) -> frozenset[str]:
    """Names a derive expression reads (cached: packs repeat the same few expressions)."""
    from qkv_drill.answers.expr import ExprError, names_in

    try:
        return frozenset(names_in(expr))
    except ExprError:
        return frozenset()


def used_names(question: dict[str, Any], computation: Any | None) -> set[str]:
    """Every name a question's prompt, derive lines, constraints and answer can read."""
    used = set(_PLACEHOLDER.findall(str(question.get("prompt", ""))))
    derive = question.get("derive") or {}
    if isinstance(derive, dict):
        for expr in derive.values():
            if isinstance(expr, str):
                used |= _names(expr)
    for c in question.get("constraints") or ():
        if isinstance(c, dict):
            for operands in c.values():
                used |= {x for x in operands or () if isinstance(x, str)}
    answer = question.get("answer") or {}
    args = answer.get("args") if isinstance(answer, dict) else None
    if isinstance(args, dict):
        used |= {v for v in args.values() if isinstance(v, str)}
    if computation is not None:
        used |= computation.reads
    params = question.get("params") or {}
    if isinstance(params, dict):
        for spec in params.values():
            if spec_kind(spec) == "matrix" and isinstance(spec, dict):
                used |= {d for d in spec.get("matrix") or () if isinstance(d, str)}
    return used


def problems(question: dict[str, Any], computation: Any | None) -> list[Problem]:
    """Everything in one (already shape-checked) question that breaks a cost limit."""
    out: list[Problem] = []
    params = question.get("params") or {}
    params = params if isinstance(params, dict) else {}
    derive = question.get("derive") or {}
    derive = derive if isinstance(derive, dict) else {}
    constraints = question.get("constraints") or []
    constraints = constraints if isinstance(constraints, list) else []

    if len(params) > L.MAX_PARAMS:
        out.append((("params",), f"{len(params):,} parameters; the limit is {L.MAX_PARAMS}", ""))
    elements = 0
    for name, spec in params.items():
        for keys, v in _numbers(spec):
            if not math.isfinite(v) or abs(v) > L.MAX_PARAM_VALUE:
                out.append(
                    (
                        ("params", name, *keys),
                        f"parameter '{name}' has {v!r}; numbers must be finite and at most "
                        f"{L.MAX_PARAM_VALUE:g} in size",
                        "",
                    )
                )
        steps = _range_steps(spec)
        if steps is not None and steps > L.MAX_PARAM_VALUE:
            out.append(
                (
                    ("params", name, "step"),
                    f"parameter '{name}' has about {steps:.3g} steps; the limit is "
                    f"{L.MAX_PARAM_VALUE:g}",
                    "use a larger step",
                )
            )
        if spec_kind(spec) == "matrix" and isinstance(spec, dict):
            dims = _dims(spec, params)
            if dims is not None:
                elements += math.prod(dims)
    if elements > L.MAX_MATRIX_ELEMENTS:
        out.append(
            (
                ("params",),
                f"matrix parameters hold up to {elements:,} entries; the limit per question is "
                f"{L.MAX_MATRIX_ELEMENTS:,}",
                "use fewer or smaller matrices",
            )
        )

    if len(derive) > L.MAX_DERIVE_LINES:
        out.append(
            (("derive",), f"{len(derive):,} derive lines; the limit is {L.MAX_DERIVE_LINES}", "")
        )
    chars = sum(len(str(e)) for e in derive.values())
    if chars > L.MAX_DERIVE_CHARS:
        out.append(
            (
                ("derive",),
                f"derive expressions total {chars:,} characters; the limit is "
                f"{L.MAX_DERIVE_CHARS:,}",
                "",
            )
        )

    if len(constraints) > L.MAX_CONSTRAINTS:
        out.append(
            (
                ("constraints",),
                f"{len(constraints):,} constraints; the limit is {L.MAX_CONSTRAINTS}",
                "",
            )
        )
    for j, c in enumerate(constraints):
        if not (isinstance(c, dict) and len(c) == 1):
            continue
        ((kind, operands),) = c.items()
        for n, op in enumerate(operands if isinstance(operands, list) else ()):
            if isinstance(op, str) and op in params and _may_be_text(params[op]):
                out.append(
                    (
                        ("constraints", j, kind, n),
                        f"constraint operand '{op}' can be text; constraints compare numbers",
                        "constrain a number parameter",
                    )
                )

    raw_answer = question.get("answer")
    answer: dict[str, Any] = raw_answer if isinstance(raw_answer, dict) else {}
    raw_args = answer.get("args")
    args: dict[str, Any] = raw_args if isinstance(raw_args, dict) else {}
    if answer.get("compute") == "mc_qk_variance":
        mc = mc_numbers(args, params)
        if mc is not None and mc > L.MC_MAX_NUMBERS:
            out.append(
                (
                    ("answer", "compute"),
                    f"this Monte Carlo estimate draws samples x d_k = {mc:,} numbers; the limit is "
                    f"{L.MC_MAX_NUMBERS:,}",
                    "use a smaller d_k or fewer samples",
                )
            )

    prompt = str(question.get("prompt", ""))
    found = _PLACEHOLDER.findall(prompt)
    known = set(params) | set(derive)
    if len(found) > L.MAX_PLACEHOLDERS:
        out.append(
            (
                ("prompt",),
                f"the prompt has {len(found):,} placeholders; the limit is {L.MAX_PLACEHOLDERS}",
                "",
            )
        )
    else:
        shown_each = {n: value_chars(n, params, table=True) for n in set(found) & known}
        shown = len(prompt) + sum(shown_each[n] for n in found if n in shown_each)
        if shown > L.MAX_PROMPT_CHARS:
            out.append(
                (
                    ("prompt",),
                    f"filled in, the prompt can reach {shown:,} characters; the limit is "
                    f"{L.MAX_PROMPT_CHARS:,}",
                    "show fewer or smaller values",
                )
            )

    stored = stored_params_bytes(params, derive)
    if stored > L.MAX_STORED_PARAMS_BYTES:
        out.append(
            (
                ("params",),
                f"one instance's parameters can take {stored:,} bytes, stored with every "
                f"answer; the limit is {L.MAX_STORED_PARAMS_BYTES:,}",
                "use fewer or smaller matrices",
            )
        )
    used = used_names(question, computation)
    for name, spec in params.items():
        if name not in used and spec_kind(spec) != "config":
            out.append(
                (
                    ("params", name),
                    f"parameter '{name}' is never used (not in the prompt, derive, constraints "
                    "or the answer)",
                    "remove it: every parameter is stored with each answer",
                )
            )
    return out


def _range_steps(spec: Any) -> float | None:
    if spec_kind(spec) != "range":
        return None
    r, step = spec.get("range"), spec.get("step", 1)
    if not (isinstance(r, list) and len(r) == 2 and all(_is_num(x) for x in r)):
        return None
    if not _is_num(step) or step <= 0 or not all(math.isfinite(x) for x in (*r, step)):
        return None
    steps: float = (r[1] - r[0]) / step
    return steps


def stored_params_bytes(params: dict[str, Any], derive: dict[str, Any]) -> int:
    """The most bytes one instance's parameters take as stored JSON (an upper bound)."""
    total = 2
    for name in params:
        total += len(name) + 4 + value_chars(name, params)
    for name in derive:
        total += len(str(name)) + 4 + _NUMBER_CHARS
    return total


def _may_be_text(spec: Any) -> bool:
    kind = spec_kind(spec)
    if kind == "list":
        return any(not _is_num(v) for v in spec)
    if kind == "value":
        return not _is_num(spec.get("value"))
    if kind in ("config", "matrix"):
        return True
    return kind == "literal" and not _is_num(spec)


# --- at draw time ------------------------------------------------------------------------------


def attempt_cost(question: Any) -> int:
    """Work units one draw attempt of `question` costs (about one per derive character)."""
    cost = 10 + 2 * len(question.params) + 2 * len(question.constraints)
    cost += sum(len(str(e)) for e in question.derive.values())
    answer = question.answer
    if answer is not None and answer.compute == "mc_qk_variance":
        cost += (mc_numbers(answer.args, question.params) or L.MC_MAX_NUMBERS) // 100
    return cost


def attempt_budget(question: Any) -> int:
    """How many draw attempts one `draw()` of `question` may make in all."""
    fit = L.DRAW_WORK_BUDGET // attempt_cost(question)
    return max(L.MIN_DRAW_ATTEMPTS, min(L.MAX_DRAW_ATTEMPTS, fit))


def check_compute(compute: str, values: dict[str, Any]) -> None:
    """Refuse, before any work, a computation whose drawn sizes break a limit."""
    if compute == "mc_qk_variance":
        samples, d_k = values.get("samples", 20000), values.get("d_k")
        if _is_num(samples) and _is_num(d_k) and samples * d_k > L.MC_MAX_NUMBERS:
            raise ValueError(
                f"samples x d_k = {int(samples * d_k):,} is over the limit of {L.MC_MAX_NUMBERS:,}"
            )
