"""Checks of the answers written in the pack: a choice or multi question's options, a text
question's rubric."""

from __future__ import annotations

from typing import Any

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs.checks.fields import FieldChecks, did_you_mean
from qkv_drill.packs.format import OPTION_KEYS, OPTION_REQUIRED, RUBRIC_KEYS, RUBRIC_REQUIRED
from qkv_drill.packs.model import Option, RubricPoint
from qkv_drill.packs.yamlsource import Keys


class WrittenAnswerChecks(FieldChecks):
    """Options of a choice or multi question; the rubric of a text question."""

    def options(self, at: Keys, raw: Any, qtype: str) -> tuple[Option, ...]:
        keys = (*at, "options")
        if raw is None:
            self.err(at, f"a {qtype} question needs options")
            return ()
        if not isinstance(raw, list) or len(raw) < 2:
            self.err(keys, "options must be a list of at least two")
            return ()
        out = []
        for j, o in enumerate(raw):
            ok = (*keys, j)
            if not self.mapping(ok, o, OPTION_KEYS, OPTION_REQUIRED, "option"):
                continue
            mc = o.get("misconception")
            if mc is not None and mc not in MISCONCEPTIONS:
                self.err(
                    (*ok, "misconception"),
                    f"unknown misconception {mc!r}",
                    did_you_mean(mc, MISCONCEPTIONS),
                )
            correct = (
                self.boolean((*ok, "correct"), o["correct"], "correct") if "correct" in o else False
            )
            out.append(
                Option(
                    self.line_text((*ok, "text"), o.get("text"), "option text")
                    if "text" in o
                    else "",
                    correct,
                    self.line_text((*ok, "why"), o["why"], "why") if "why" in o else "",
                    mc,
                )
            )
        n = sum(o.correct for o in out)
        if len(out) == len(raw):
            if qtype == "choice" and n != 1:
                self.err(
                    keys,
                    f"a choice question needs exactly one correct option, not {n}",
                    "use type: multi for several",
                )
            if qtype == "multi" and n == 0:
                self.err(keys, "a multi question needs at least one correct option")
        return tuple(out)

    def rubric(self, at: Keys, raw: Any) -> tuple[RubricPoint, ...]:
        keys = (*at, "rubric")
        if raw is None:
            self.err(at, "a text question needs a rubric (the points a good answer covers)")
            return ()
        if not isinstance(raw, list) or not raw:
            self.err(keys, "rubric must be a non-empty list of {point, keywords}")
            return ()
        out = []
        for j, p in enumerate(raw):
            pk = (*keys, j)
            if self.mapping(pk, p, RUBRIC_KEYS, RUBRIC_REQUIRED, "rubric point"):
                kw = (
                    self.text_list((*pk, "keywords"), p["keywords"], "keywords")
                    if "keywords" in p
                    else ()
                )
                point = self.line_text((*pk, "point"), p.get("point"), "rubric point")
                out.append(RubricPoint(point, kw))
        return tuple(out)
