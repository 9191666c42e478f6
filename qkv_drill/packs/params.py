"""Drawing an instance's parameters: lists, ranges, fixed values, named configs, small matrices,
derived values and constraints, all reproducible from (question id, seed).

Seeds go through sha256, not Python's `hash()` (salted per process), so an instance drawn today
is the same instance tomorrow. A draw reads its generator through `integers` only, so numpy's
generator (`rng_for`) and its plain-Python twin (`seeded_for`, the same numbers bit for bit) both
draw; numpy is imported only for the first of them and for `full_rank` (`not_symmetric` needs
none).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from qkv_drill.packs.configs import CONFIGS
from qkv_drill.packs.limits import MAX_DRAW_TRIES as MAX_TRIES
from qkv_drill.packs.limits import MAX_MATRIX_DIM
from qkv_drill.packs.param_specs import fixed_value, spec_kind
from qkv_drill.packs.seeded import PCG64, seed_for

if TYPE_CHECKING:
    import numpy as np

    from qkv_drill.packs.model import Question


class Drawable(Protocol):
    """What a draw reads: a question, or the case parameters of a code exercise."""

    @property
    def params(self) -> Mapping[str, Any]: ...
    @property
    def derive(self) -> Mapping[str, Any]: ...
    @property
    def constraints(self) -> Sequence[dict[str, Any]]: ...


class Draws(Protocol):
    """What a draw asks of its generator: numpy's `Generator.integers`."""

    def integers(self, low: int, high: int | None = None, size: Any = None) -> Any: ...


class ImpossibleConstraints(ValueError):
    """No draw within MAX_TRIES satisfied the constraints."""


def rng_for(question_id: str, seed: int, attempt: int = 0) -> np.random.Generator:
    """A generator fixed by (question id, seed, attempt), stable across processes and versions."""
    import numpy as np

    return np.random.default_rng(seed_for(question_id, seed, attempt))


def seeded_for(question_id: str, seed: int, attempt: int = 0) -> PCG64:
    """`rng_for`'s generator in plain Python: the same draws, without importing numpy."""
    return PCG64(seed_for(question_id, seed, attempt))


def _clean(x: Any) -> Any:
    """numpy scalars -> Python numbers; integral floats stay floats only when written so."""
    np = sys.modules.get("numpy")  # (not imported: x is no numpy scalar)
    if np is not None and isinstance(x, np.integer):
        return int(x)
    if np is not None and isinstance(x, np.floating):
        return float(x)
    return x


def _draw_scalar(rng: Draws, spec: Any) -> Any:
    kind = spec_kind(spec)
    if kind == "list":
        return _clean(spec[int(rng.integers(len(spec)))])
    if kind == "range":
        lo, hi = spec["range"]
        step = spec.get("step", 1)
        n = int((hi - lo) // step) + 1
        v = lo + step * int(rng.integers(n))
        return int(v) if isinstance(lo, int) and isinstance(step, int) else float(v)
    if kind in ("value", "fixed"):
        return fixed_value(spec)
    return spec


def _dim(d: Any, values: dict[str, Any]) -> int:
    return int(values[d]) if isinstance(d, str) else int(d)


FULL_RANK_TRIES = 64
"""Tries for one `full_rank` or `not_symmetric` matrix; with two or more values a random one is
both far more often than not, so this bound only stops a loop that cannot end."""


def _draw_matrix(rng: Draws, spec: dict[str, Any], values: dict[str, Any]) -> list[Any]:
    dims = [_dim(d, values) for d in spec["matrix"]]
    if any(not 1 <= d <= MAX_MATRIX_DIM for d in dims):
        raise ValueError(f"matrix size {dims} is outside 1..{MAX_MATRIX_DIM}")
    lo, hi = spec.get("values", [-3, 3])
    picky = spec.get("full_rank") or spec.get("not_symmetric")
    for _ in range(FULL_RANK_TRIES if picky else 1):
        m = rng.integers(int(lo), int(hi) + 1, size=dims)  # (r, c) or (n,)
        rows: list[Any] = m if isinstance(m, list) else m.tolist()
        if _wanted(spec, rows):
            return rows
    wanted = " ".join(
        w
        for k, w in (("full_rank", "full-rank"), ("not_symmetric", "non-symmetric"))
        if spec.get(k)
    )
    raise ValueError(
        f"no {wanted} {dims} matrix with values in [{lo}, {hi}] in {FULL_RANK_TRIES} tries"
    )


def _wanted(spec: dict[str, Any], rows: list[Any]) -> bool:
    """Whether a drawn matrix has every property its spec asks for (`not_symmetric` is asked
    first: it needs no numpy)."""
    if spec.get("not_symmetric") and is_symmetric(rows):
        return False
    return not spec.get("full_rank") or _full_rank(rows)


def _full_rank(rows: list[Any]) -> bool:
    """Rank min(rows, cols) (a vector: not all zero); SVD is exact enough for small integers."""
    import numpy as np

    a = np.atleast_2d(np.asarray(rows, dtype=np.int64))
    return bool(np.linalg.matrix_rank(a.astype(np.float64)) == min(a.shape))


def is_symmetric(rows: list[Any]) -> bool:
    """M == M^T: then Q M and Q M^T are the same matrix, so a missing transpose goes unseen. A
    vector or a matrix that is not square is never symmetric. Plain Python: no numpy needed."""
    if not rows or not isinstance(rows[0], list) or any(len(r) != len(rows) for r in rows):
        return False
    return all(rows[i][j] == rows[j][i] for i in range(len(rows)) for j in range(i))


def evaluate_derived(expr: Any, values: dict[str, Any]) -> Any:
    """A `derive:` line through the safe arithmetic evaluator; integral results become ints."""
    if isinstance(expr, int | float) and not isinstance(expr, bool):
        return expr
    from qkv_drill.answers.expr import evaluate

    numbers = {
        k: float(v)
        for k, v in values.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    v = evaluate(str(expr), numbers)
    if math.isfinite(v) and v == int(v) and abs(v) < 2**53:
        return int(v)
    return v


def _operand(x: Any, values: dict[str, Any]) -> Any:
    return values[x] if isinstance(x, str) else x


def constraint_holds(c: dict[str, Any], values: dict[str, Any]) -> bool:
    ((kind, operands),) = c.items()
    a, b = (_operand(x, values) for x in operands)
    for x in (a, b):  # `%` on text is string formatting ('%0999999999999d' % 1): never
        if not isinstance(x, int | float) or isinstance(x, bool):
            raise ValueError(f"constraint {kind} compares numbers, not {type(x).__name__}")
    if kind == "divisible":
        return bool(b != 0 and a % b == 0)
    if kind == "less":
        return bool(a < b)
    if kind == "less_equal":
        return bool(a <= b)
    if kind == "not_equal":
        return bool(a != b)
    raise ValueError(f"unknown constraint {kind}")


def draw_once(
    question: Drawable, rng: Draws, fixed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One draw: scalars and configs in order, then derived values, then matrices."""
    fixed = fixed or {}
    values: dict[str, Any] = {}
    explicit = set(question.params) | set(question.derive) | set(fixed)
    matrices = []
    for name, spec in question.params.items():
        kind = spec_kind(spec)
        if kind == "matrix":
            matrices.append((name, spec))
            continue
        if name in fixed:
            values[name] = fixed[name]
            continue
        if kind == "config":
            cfg = CONFIGS[_draw_scalar(rng, spec["config"])]
            values[name] = cfg.display
            for k, v in cfg.fields().items():
                if k not in explicit:
                    values[k] = v
            continue
        values[name] = _draw_scalar(rng, spec)
    for name, v in fixed.items():
        values.setdefault(name, v)
    for name, expr in question.derive.items():
        if name not in fixed:
            values[name] = evaluate_derived(expr, values)
    for name, spec in matrices:
        values[name] = fixed[name] if name in fixed else _draw_matrix(rng, spec, values)
    return values


def draw_params(
    question: Question,
    seed: int,
    attempt: int = 0,
    *,
    generator: Callable[[str, int, int], Draws] = rng_for,
) -> tuple[dict[str, Any], int]:
    """Parameters satisfying every constraint, and the attempt number that produced them.

    Attempts count across calls (re-draws pass on where they are), and stop at the question's
    work budget, so even a question whose constraints never hold costs bounded time.
    `generator=seeded_for` draws the same parameters without numpy.
    """
    from qkv_drill.packs.budget import attempt_budget

    budget = attempt_budget(question)
    end = min(attempt + MAX_TRIES, budget)
    for i in range(attempt, end):
        values = draw_once(question, generator(question.id, seed, i))
        if all(constraint_holds(c, values) for c in question.constraints):
            return values, i
    if end - attempt < MAX_TRIES:
        raise ImpossibleConstraints(
            f"no usable parameters within the question's budget of {budget:,} draws"
        )
    raise ImpossibleConstraints(f"no parameters satisfying the constraints in {MAX_TRIES} draws")
