"""Checks of `params:`, `derive:` and `constraints:`: the values a draw sets, by name."""

from __future__ import annotations

import functools
import re
from typing import Any

from qkv_drill.packs.checks.fields import FieldChecks, did_you_mean, is_number, type_name
from qkv_drill.packs.configs import CONFIG_FIELDS, CONFIGS
from qkv_drill.packs.format import CONSTRAINT_KINDS, NAME_PATTERN, PARAM_KINDS
from qkv_drill.packs.limits import MAX_DERIVE_LINES, MAX_MATRIX_DIM, MAX_MATRIX_VALUE, MAX_PARAMS
from qkv_drill.packs.param_specs import fixed_value, max_value, spec_kind
from qkv_drill.packs.yamlsource import Keys

NAME_RE = re.compile(NAME_PATTERN)


@functools.lru_cache(maxsize=1024)
def expr_names(expr: str) -> frozenset[str]:
    """Names a derive expression uses (cached: packs repeat the same few expressions)."""
    from qkv_drill.answers.expr import names_in

    return frozenset(names_in(expr))


class ParamChecks(FieldChecks):
    """`params:`, `derive:` and `constraints:`; the names they set feed the later checks."""

    def params(self, at: Keys, raw: Any) -> tuple[dict[str, Any], set[str], set[str]]:
        """(specs, every name a draw sets, the matrix names)."""
        if raw is None:
            return {}, set(), set()
        keys = (*at, "params")
        if not isinstance(raw, dict):
            self.err(keys, f"params must be a mapping of name: spec, not {type_name(raw)}")
            return {}, set(), set()
        if len(raw) > MAX_PARAMS:  # refused before any per-parameter work
            self.err(keys, f"{len(raw):,} parameters; the limit is {MAX_PARAMS}")
            named = {n for n in raw if isinstance(n, str)}
            return raw, named, {n for n in named if spec_kind(raw[n]) == "matrix"}
        names: set[str] = set()
        matrices: set[str] = set()
        for name, spec in raw.items():
            pk = (*keys, name)
            if not isinstance(name, str) or not NAME_RE.match(name):
                self.err(pk, f"parameter name {name!r} must be an identifier", key=True)
                continue
            kind = spec_kind(spec)
            if kind == "list":
                if not spec:
                    self.err(pk, f"parameter '{name}' has an empty list")
                for j, v in enumerate(spec):
                    if not isinstance(v, int | float | str | bool):
                        self.err((*pk, j), f"parameter '{name}' values must be plain values")
            elif isinstance(spec, dict):
                self.param_dict(pk, name, spec, kind, raw, names)
                if kind == "config":
                    names.update(CONFIG_FIELDS)
                if kind == "matrix" or (kind in ("value", "fixed") and self.is_array(spec)):
                    matrices.add(name)
            elif not isinstance(spec, int | float | str | bool):
                self.err(pk, f"parameter '{name}' must be a list, a mapping or a value")
            names.add(name)
        return raw, names, matrices

    @staticmethod
    def is_array(spec: dict[str, Any]) -> bool:
        return isinstance(fixed_value(spec), list)

    def fixed(self, pk: Keys, name: str, spec: dict[str, Any], kind: str) -> None:
        """A fixed number, vector or matrix (floats and -.inf allowed): a worked example."""
        v = fixed_value(spec)
        vk = (*pk, kind)
        if not isinstance(v, list):
            if not isinstance(v, int | float | str | bool):
                self.err(vk, f"parameter '{name}' must be a number, a vector or a matrix")
            return
        rows = v if v and all(isinstance(r, list) for r in v) else [v]
        width = len(rows[0]) if rows else 0
        if not width or any(len(r) != width for r in rows):
            self.err(vk, f"parameter '{name}': every row must have the same, non-zero length")
            return
        if any(not is_number(x) for r in rows for x in r):
            self.err(vk, f"parameter '{name}': entries must be numbers (or .inf / -.inf)")
            return
        if max(len(rows), width) > MAX_MATRIX_DIM:
            self.err(vk, f"parameter '{name}' is larger than {MAX_MATRIX_DIM} in a dimension")

    def param_dict(
        self,
        pk: Keys,
        name: str,
        spec: dict[str, Any],
        kind: str,
        raw: dict[str, Any],
        names: set[str],
    ) -> None:
        if kind == "literal":
            first = next(iter(spec), "")
            self.err(
                (*pk, first) if first else pk,
                f"parameter '{name}' needs one of range, value, fixed, config or matrix",
                did_you_mean(first, PARAM_KINDS),
                key=bool(first),
            )
            return
        self.mapping(pk, spec, PARAM_KINDS[kind], (), f"parameter '{name}'")
        if kind in ("value", "fixed"):
            self.fixed(pk, name, spec, kind)
        elif kind == "range":
            r = spec["range"]
            if not (isinstance(r, list) and len(r) == 2 and all(is_number(x) for x in r)):
                self.err((*pk, "range"), "range must be [low, high]")
            elif r[0] > r[1]:
                self.err((*pk, "range"), f"range low {r[0]} is above high {r[1]}")
            step = spec.get("step", 1)
            if not is_number(step) or step <= 0:
                self.err((*pk, "step"), "step must be a positive number")
        elif kind == "config":
            cfgs = spec["config"]
            cfgs = [cfgs] if isinstance(cfgs, str) else cfgs
            if not isinstance(cfgs, list) or not cfgs:
                self.err((*pk, "config"), "config must be a list of configuration names")
                return
            for j, c in enumerate(cfgs):
                if c not in CONFIGS:
                    self.unknown(
                        (*pk, "config", j) if isinstance(spec["config"], list) else (*pk, "config"),
                        f"unknown configuration {c!r}",
                        c,
                        CONFIGS,
                        "known: ",
                        key=False,
                    )
            if isinstance(spec["config"], str):
                spec["config"] = cfgs
        elif kind == "matrix":
            self.matrix_spec(pk, name, spec, raw, names)

    def matrix_spec(
        self, pk: Keys, name: str, spec: dict[str, Any], raw: dict[str, Any], names: set[str]
    ) -> None:
        dims = spec["matrix"]
        if not (isinstance(dims, list) and len(dims) in (1, 2)):
            self.err((*pk, "matrix"), "matrix must be [rows, cols] (or [n] for a vector)")
            return
        for j, d in enumerate(dims):
            dk = (*pk, "matrix", j)
            if isinstance(d, str):
                if d not in names or spec_kind(raw.get(d)) == "matrix":
                    self.err(
                        dk,
                        f"matrix size '{d}' is not an earlier number parameter",
                        did_you_mean(d, names),
                    )
                    continue
                biggest = max_value(raw[d]) if d in raw else None
            elif isinstance(d, int) and not isinstance(d, bool) and d >= 1:
                biggest = d
            else:
                self.err(dk, "matrix sizes must be positive whole numbers or parameter names")
                continue
            if biggest is not None and biggest > MAX_MATRIX_DIM:
                self.err(
                    dk,
                    f"matrix '{name}' could be {biggest} long; the limit is {MAX_MATRIX_DIM}",
                    "keep hand-computed matrices small",
                )
        vals = spec.get("values", [-3, 3])
        if not (
            isinstance(vals, list)
            and len(vals) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in vals)
            and vals[0] <= vals[1]
        ):
            self.err((*pk, "values"), "values must be [low, high] whole numbers")
        elif max(abs(vals[0]), abs(vals[1])) > MAX_MATRIX_VALUE:
            self.err((*pk, "values"), f"matrix values are limited to +-{MAX_MATRIX_VALUE}")
        else:
            if "full_rank" in spec:
                self.full_rank(pk, spec["full_rank"], vals)
            if "not_symmetric" in spec:
                self.not_symmetric(pk, name, spec["not_symmetric"], dims, vals)

    def full_rank(self, pk: Keys, flag: Any, vals: list[int]) -> None:
        """`full_rank: true` draws only matrices of rank min(rows, cols): it needs two values."""
        if not isinstance(flag, bool):
            self.err((*pk, "full_rank"), "full_rank must be true or false")
        elif flag and vals[0] == vals[1]:
            self.err(
                (*pk, "full_rank"),
                f"a full-rank matrix needs at least two values; values are only {vals[0]}",
                "widen values to [low, high] with low < high",
            )

    def not_symmetric(
        self, pk: Keys, name: str, flag: Any, dims: list[Any], vals: list[int]
    ) -> None:
        """`not_symmetric: true` draws only square matrices with M != M^T: a matrix that cannot
        be symmetric, or cannot be anything else, is refused."""
        key = (*pk, "not_symmetric")
        if not isinstance(flag, bool):
            self.err(key, "not_symmetric must be true or false")
            return
        if not flag:
            return
        if len(dims) == 1:
            self.err(key, f"not_symmetric is for square matrices; '{name}' is a vector")
        elif all(isinstance(d, int) for d in dims) and dims[0] != dims[1]:
            self.err(
                key,
                f"not_symmetric is for square matrices; '{name}' is {dims[0]}x{dims[1]}, "
                "which is never symmetric",
                "drop not_symmetric",
            )
        elif dims == [1, 1]:
            self.err(key, f"'{name}' is 1x1, which is always symmetric", "make it at least 2x2")
        elif vals[0] == vals[1]:
            self.err(
                key,
                f"a matrix that is not symmetric needs at least two values; values are only "
                f"{vals[0]}",
                "widen values to [low, high] with low < high",
            )

    def derive(self, at: Keys, raw: Any, names: set[str]) -> dict[str, Any]:
        if raw is None:
            return {}
        keys = (*at, "derive")
        if not isinstance(raw, dict):
            self.err(keys, f"derive must be a mapping of name: expression, not {type_name(raw)}")
            return {}
        if len(raw) > MAX_DERIVE_LINES:  # refused before any expression is parsed
            self.err(keys, f"{len(raw):,} derive lines; the limit is {MAX_DERIVE_LINES}")
            return raw
        from qkv_drill.answers.expr import ExprError

        known = set(names)
        for name, expr in raw.items():
            dk = (*keys, name)
            if not isinstance(name, str) or not NAME_RE.match(name):
                self.err(dk, f"derived name {name!r} must be an identifier", key=True)
                continue
            if is_number(expr):
                known.add(name)
                continue
            if not isinstance(expr, str):
                self.err(dk, f"derive '{name}' must be an expression, not {type_name(expr)}")
                continue
            try:
                used = expr_names(expr)
            except ExprError as e:
                self.err(dk, f"derive '{name}': {e}")
                continue
            for u in sorted(used - known):
                self.err(
                    dk,
                    f"derive '{name}' uses unknown parameter '{u}'",
                    did_you_mean(u, known) or "parameters are drawn first, then derive in order",
                )
            known.add(name)
        return raw

    def constraints(self, at: Keys, raw: Any, names: set[str]) -> tuple[dict[str, Any], ...]:
        if raw is None:
            return ()
        keys = (*at, "constraints")
        if not isinstance(raw, list):
            self.err(keys, "constraints must be a list")
            return ()
        for j, c in enumerate(raw):
            ck = (*keys, j)
            if not (isinstance(c, dict) and len(c) == 1):
                self.err(
                    ck, "each constraint is one {kind: [a, b]}, e.g. {divisible: [d_model, heads]}"
                )
                continue
            ((kind, operands),) = c.items()
            if kind not in CONSTRAINT_KINDS:
                self.unknown(
                    (*ck, kind), f"unknown constraint '{kind}'", kind, CONSTRAINT_KINDS, "one of "
                )
                continue
            if not (isinstance(operands, list) and len(operands) == 2):
                self.err((*ck, kind), f"{kind} takes two operands: [a, b]")
                continue
            for n, op in enumerate(operands):
                if isinstance(op, str) and op not in names:
                    self.err(
                        (*ck, kind, n),
                        f"constraint uses unknown parameter '{op}'",
                        did_you_mean(op, names),
                    )
                elif not isinstance(op, str) and not is_number(op):
                    self.err((*ck, kind, n), "operands are parameter names or numbers")
        return tuple(raw)
