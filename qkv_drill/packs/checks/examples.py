"""Checks of `examples:`, a question's self-tests: fixed cases whose answers must be accepted or
rejected (run by the `validate` command)."""

from __future__ import annotations

from typing import Any

from qkv_drill.packs.checks.computed_answers import ComputedAnswerChecks
from qkv_drill.packs.checks.fields import did_you_mean
from qkv_drill.packs.configs import CONFIG_FIELDS, CONFIGS
from qkv_drill.packs.format import EXAMPLE_KEYS
from qkv_drill.packs.model import Example
from qkv_drill.packs.param_specs import spec_kind
from qkv_drill.packs.yamlsource import Keys


class ExampleChecks(ComputedAnswerChecks):
    """A question's `examples:` (they reuse the tolerance check)."""

    config_fields_used: frozenset[str] = frozenset()  # set per question, before its examples

    def examples(
        self, at: Keys, raw: Any, names: set[str], specs: dict[str, Any]
    ) -> tuple[Example, ...]:
        keys = (*at, "examples")
        if not isinstance(raw, list):
            self.err(keys, "examples must be a list")
            return ()
        out = []
        for j, e in enumerate(raw):
            ek = (*keys, j)
            if not self.mapping(ek, e, EXAMPLE_KEYS, (), "example"):
                continue
            params = e.get("params", {}) or {}
            if not isinstance(params, dict):
                self.err((*ek, "params"), "example params must be a mapping")
                params = {}
            for k in params:
                if k not in names:
                    self.err(
                        (*ek, "params", k),
                        f"example sets unknown parameter '{k}'",
                        did_you_mean(k, names),
                        key=True,
                    )
            model = e.get("model")
            if model is not None and model not in CONFIGS:
                self.unknown(
                    (*ek, "model"),
                    f"unknown configuration {model!r}",
                    model,
                    CONFIGS,
                    "known: ",
                    key=False,
                )
            self.example_covers(ek, params, model, specs)
            tol = self.tolerance((*ek, "tolerance"), e["tolerance"]) if "tolerance" in e else None
            acc = self.text_list((*ek, "accept"), e["accept"], "accept") if "accept" in e else ()
            rej = self.text_list((*ek, "reject"), e["reject"], "reject") if "reject" in e else ()
            out.append(
                Example(
                    params=params,
                    accept=acc,
                    reject=rej,
                    model=model if isinstance(model, str) else None,
                    tolerance=tol,
                    line=self.doc.where(ek)[0],
                )
            )
        return tuple(out)

    def example_covers(
        self, ek: Keys, params: dict[str, Any], model: Any, specs: dict[str, Any]
    ) -> None:
        """An example is a fixed case: every drawn parameter must be given (a random draw would
        make the self-test test something else each run). A `config` parameter is given by
        `model:`, or by fixing the config fields the answer uses."""
        for name, spec in specs.items():
            kind = spec_kind(spec)
            if name in params or kind in ("value", "fixed", "literal"):
                continue
            if model is not None and (kind == "config" or name in CONFIG_FIELDS):
                continue
            if kind == "config":
                missing = sorted(f for f in self.config_fields_used if f not in params)
                if not missing:
                    continue
                self.err(
                    ek,
                    f"example leaves out parameter '{name}' (examples never draw)",
                    "give `model: NAME`, or fix " + ", ".join(missing),
                )
                continue
            self.err(
                ek,
                f"example leaves out parameter '{name}' (examples never draw)",
                f"add {name}: ... to its params",
            )
