"""Checks of a computed question's `answer:` (computation, arguments, tolerance) and the
misconceptions it names: the answer is computed live, so every argument must resolve."""

from __future__ import annotations

import math
from typing import Any

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs.checks.fields import FieldChecks, did_you_mean, is_number
from qkv_drill.packs.checks.params import expr_names
from qkv_drill.packs.computations import CHOICE_ARGS, COMPUTATIONS, SHAPE_WHICH
from qkv_drill.packs.configs import CONFIG_FIELDS
from qkv_drill.packs.format import ANSWER_KEYS, ANSWER_REQUIRED, TOLERANCE_KEYS
from qkv_drill.packs.limits import MAX_REL_TOLERANCE, MC_MAX_SAMPLES, MC_MIN_SAMPLES
from qkv_drill.packs.model import Answer, Tolerance
from qkv_drill.packs.yamlsource import Keys

BOOL_ARGS = ("scaled", "causal", "bias", "output", "rope")


def config_fields_used(answer: Answer | None, derive: dict[str, Any]) -> frozenset[str]:
    """The config fields an answer depends on: computation arguments and derive inputs."""
    used: set[str] = set()
    if answer is not None and answer.compute in COMPUTATIONS:
        used.update(COMPUTATIONS[answer.compute].reads)
        used.update(v for v in answer.args.values() if isinstance(v, str))
    for expr in derive.values():
        if isinstance(expr, str):
            try:
                used.update(expr_names(expr))
            except ValueError:
                continue
    return (frozenset(used) - set(derive)) & frozenset(CONFIG_FIELDS)


class ComputedAnswerChecks(FieldChecks):
    """`answer:`, its tolerance and the misconceptions of a numeric, shape or matrix question."""

    def answer(
        self, at: Keys, raw: Any, qtype: str, names: set[str], matrices: set[str]
    ) -> Answer | None:
        keys = (*at, "answer")
        if not self.mapping(keys, raw, ANSWER_KEYS, ANSWER_REQUIRED, "answer"):
            return None
        name = raw.get("compute")
        if name not in COMPUTATIONS:
            self.unknown(
                (*keys, "compute"),
                f"unknown computation {name!r}",
                name,
                COMPUTATIONS,
                otherwise="see the table in docs/pack-format.md",
                key=False,
            )
            return None
        comp = COMPUTATIONS[name]
        if comp.kind != qtype:
            self.err(
                (*keys, "compute"),
                f"computation '{name}' gives a {comp.kind} answer but the question type is {qtype}",
            )
        args = raw.get("args", {}) or {}
        if not isinstance(args, dict):
            self.err((*keys, "args"), "args must be a mapping of argument: value")
            args = {}
        for k, v in args.items():
            ak = (*keys, "args", k)
            if k not in comp.arg_names:
                self.unknown(
                    ak,
                    f"computation '{name}' has no argument '{k}'",
                    k,
                    comp.arg_names,
                    "it takes ",
                )
            elif k == "which":
                if v not in SHAPE_WHICH:
                    self.unknown(ak, f"unknown shape {v!r}", v, SHAPE_WHICH, "one of ", key=False)
            elif k in BOOL_ARGS:
                if not isinstance(v, bool):
                    self.err(ak, f"argument '{k}' must be true or false")
            elif k in CHOICE_ARGS or k == "field":
                choices = CHOICE_ARGS.get(k, CONFIG_FIELDS)
                if v not in choices:
                    self.err(
                        ak,
                        f"argument '{k}' must be one of {', '.join(choices)}, not {v!r}",
                        did_you_mean(v, choices),
                    )
            elif isinstance(v, str) and v not in names:
                self.err(
                    ak, f"argument '{k}' names unknown parameter '{v}'", did_you_mean(v, names)
                )
            elif isinstance(v, str) and (v in matrices) != (k in comp.matrix_args):
                self.err(
                    ak, f"argument '{k}' needs a {'matrix' if k in comp.matrix_args else 'number'}"
                )
            elif not isinstance(v, str) and (k in comp.matrix_args or not is_number(v)):
                self.err(ak, f"argument '{k}' must be a number or a parameter name")
        for k in comp.required:
            if k not in args and k not in names:
                self.err(
                    (*keys, "compute"),
                    f"computation '{name}' needs argument '{k}': add a parameter '{k}' or "
                    f"answer.args.{k}",
                    did_you_mean(k, names),
                )
            elif k in comp.matrix_args and k not in args and k not in matrices:
                self.err((*at, "params", k), f"parameter '{k}' must be a matrix for '{name}'")
        samples = args.get("samples", 20000)
        if name == "mc_qk_variance" and (
            not is_number(samples) or not MC_MIN_SAMPLES <= samples <= MC_MAX_SAMPLES
        ):
            self.err(
                (*keys, "args", "samples"), f"samples must be {MC_MIN_SAMPLES}..{MC_MAX_SAMPLES}"
            )
        tol = Tolerance()
        if "tolerance" in raw:
            tol = self.tolerance((*keys, "tolerance"), raw["tolerance"])
        return Answer(name, dict(args), tol)

    def tolerance(self, keys: Keys, raw: Any) -> Tolerance:
        if not self.mapping(keys, raw, TOLERANCE_KEYS, (), "tolerance"):
            return Tolerance()
        vals = {}
        for k in TOLERANCE_KEYS:
            if k in raw:
                v = raw[k]
                if not is_number(v):
                    self.err((*keys, k), f"tolerance {k} must be a number")
                elif not math.isfinite(v):
                    self.err((*keys, k), f"tolerance {k} must be finite (got {v})")
                elif k == "rel" and v > MAX_REL_TOLERANCE:
                    self.err(
                        (*keys, k),
                        f"tolerance rel {v:g} is over the limit of {MAX_REL_TOLERANCE:g} (100%)",
                    )
                elif v < 0:
                    self.err((*keys, k), f"tolerance {k} must not be negative (got {v})")
                else:
                    vals[k] = float(v)
        if not vals:
            return Tolerance()
        return Tolerance(vals.get("abs", 0.0), vals.get("rel", 0.0), explicit=True)

    def misconceptions(
        self, at: Keys, raw: Any, answer: Answer | None, names: set[str]
    ) -> tuple[str, ...]:
        if raw is None:
            return ()
        keys = (*at, "misconceptions")
        out = self.text_list(keys, raw, "misconceptions")
        comp = COMPUTATIONS.get(answer.compute) if answer else None
        for j, mc in enumerate(out):
            mk = (*keys, j)
            if mc not in MISCONCEPTIONS:
                self.err(mk, f"unknown misconception '{mc}'", did_you_mean(mc, MISCONCEPTIONS))
            elif comp is not None and mc not in comp.misconceptions:
                self.err(
                    mk,
                    f"misconception '{mc}' is not supported by computation '{comp.name}'",
                    "it supports: " + (", ".join(comp.misconceptions) or "none"),
                )
            elif comp is not None and answer is not None:  # comp is only found through answer
                for need in comp.needs(mc):
                    if need not in names and need not in answer.args:
                        self.err(
                            mk,
                            f"misconception '{mc}' needs parameter '{need}' to compute the wrong "
                            "answer",
                            f"add a parameter '{need}'",
                        )
        return out
