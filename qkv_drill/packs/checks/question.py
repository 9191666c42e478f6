"""Checks of one question: its fields, the fields its type needs, and its cost budget."""

from __future__ import annotations

import re
from typing import Any

from qkv_drill.packs import budget
from qkv_drill.packs.checks.computed_answers import config_fields_used
from qkv_drill.packs.checks.examples import ExampleChecks
from qkv_drill.packs.checks.fields import did_you_mean
from qkv_drill.packs.checks.params import ParamChecks
from qkv_drill.packs.checks.written_answers import WrittenAnswerChecks
from qkv_drill.packs.computations import COMPUTATIONS
from qkv_drill.packs.errors import PackIssue
from qkv_drill.packs.format import (
    CHOICE_TYPES,
    COMPUTED_TYPES,
    DEFAULT_TIME,
    DIFFICULTIES,
    QUESTION_KEYS,
    QUESTION_REQUIRED,
    QUESTION_TYPES,
    TYPE_FIELDS,
)
from qkv_drill.packs.limits import MAX_TOPIC_CHARS
from qkv_drill.packs.model import Option, Question, RubricPoint
from qkv_drill.packs.yamlsource import Keys

PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
SIBLING_RE = re.compile(r"^\s*([a-z_]+):(\s|$)")
# A word cut at a line end: every renderer reads the line break as a space ("self- attention").
CUT_WORD_RE = re.compile(r"(?<![\w-])(\w+-)[ \t]*\n[ \t]*([A-Za-z]\w*)")


class QuestionChecks(ParamChecks, ExampleChecks, WrittenAnswerChecks):
    """One question: common fields, then the fields of its type, then its cost budget."""

    def question(self, i: int, q: Any, pack_id: str) -> Question | None:
        at = ("questions", i)
        before = self.errors
        if not self.mapping(at, q, QUESTION_KEYS, QUESTION_REQUIRED, "question"):
            return None
        qid = self.ident((*at, "id"), q["id"], "question id") if "id" in q else ""
        topic = self.text((*at, "topic"), q.get("topic"), "topic") if "topic" in q else ""
        if len(topic) > MAX_TOPIC_CHARS:
            self.err(
                (*at, "topic"),
                f"topic is {len(topic):,} characters; the limit is {MAX_TOPIC_CHARS}",
            )
        difficulty = q.get("difficulty", "")
        if "difficulty" in q and difficulty not in DIFFICULTIES:
            self.err(
                (*at, "difficulty"),
                f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}",
                did_you_mean(difficulty, DIFFICULTIES),
            )
        qtype = q.get("type", "")
        if "type" in q and qtype not in QUESTION_TYPES:
            self.err(
                (*at, "type"),
                f"type must be one of {', '.join(QUESTION_TYPES)}, not {qtype!r}",
                did_you_mean(qtype, QUESTION_TYPES),
            )
            qtype = ""
        prompt = self.text((*at, "prompt"), q.get("prompt"), "prompt") if "prompt" in q else ""
        explanation = (
            self.text((*at, "explanation"), q.get("explanation"), "explanation")
            if "explanation" in q
            else ""
        )
        hints = self.text_list((*at, "hints"), q["hints"], "hints") if "hints" in q else ()
        tags = self.text_list((*at, "tags"), q["tags"], "tags") if "tags" in q else ()
        time_budget = q.get("time", DEFAULT_TIME)
        if not isinstance(time_budget, int) or isinstance(time_budget, bool) or time_budget <= 0:
            self.err((*at, "time"), "time must be a positive whole number of seconds")
            time_budget = DEFAULT_TIME
        shuffle = (
            self.boolean((*at, "shuffle"), q["shuffle"], "shuffle") if "shuffle" in q else True
        )

        params, names, matrices = self.params(at, q.get("params"))
        derive = self.derive(at, q.get("derive"), names)
        names |= set(derive)
        constraints = self.constraints(at, q.get("constraints"), names)
        if prompt:
            for m in PLACEHOLDER_RE.finditer(prompt):
                if m.group(1) not in names and m.group(1) not in params:
                    self.err(
                        (*at, "prompt"),
                        f"prompt has {{{m.group(1)}}} but no parameter of that name",
                        did_you_mean(m.group(1), names)
                        or "add the parameter, or write the braces as {{ }} to show them",
                    )
        for k in ("prompt", "explanation", "model_answer"):
            if isinstance(q.get(k), str):
                self.sibling_keys_inside((*at, k), q[k])
                self.cut_words_inside((*at, k), q[k])

        answer = None
        mcs: tuple[str, ...] = ()
        code = None
        options: tuple[Option, ...] = ()
        model_answer = ""
        rubric: tuple[RubricPoint, ...] = ()
        for k, types in TYPE_FIELDS.items():
            if k in q and qtype and qtype not in types:
                self.err(
                    (*at, k),
                    f"'{k}' does not apply to a {qtype} question",
                    f"it is for {', '.join(types)} questions",
                    key=True,
                )
        if qtype in COMPUTED_TYPES:
            if "answer" not in q:
                self.err(at, f"a {qtype} question needs answer.compute (answers are computed)")
            else:
                answer = self.answer(at, q["answer"], qtype, names, matrices)
                mcs = self.misconceptions(at, q.get("misconceptions"), answer, names)
        elif qtype in CHOICE_TYPES:
            options = self.options(at, q.get("options"), qtype)
        elif qtype == "text":
            if "model_answer" not in q:
                self.err(at, "a text question needs a model_answer")
            else:
                model_answer = self.text((*at, "model_answer"), q["model_answer"], "model_answer")
            rubric = self.rubric(at, q.get("rubric"))
        elif qtype == "code":
            from qkv_drill.exercises.spec import code_fields

            code, mcs = code_fields(self, at, q)
        self.config_fields_used = config_fields_used(answer, derive)
        examples = self.examples(at, q.get("examples"), names, params) if "examples" in q else ()
        if self.errors == before:
            comp = COMPUTATIONS.get(answer.compute) if answer is not None else None
            for keys, message, hint in budget.problems(q, comp):
                self.err((*at, *keys), message, hint)
        if self.errors > before:
            return None
        line, _ = self.doc.where(at)
        return Question(
            id=qid,
            pack_id=pack_id,
            topic=topic,
            difficulty=difficulty,
            type=qtype,
            prompt=prompt,
            explanation=explanation,
            hints=hints,
            tags=tags,
            time_budget=time_budget,
            params=params,
            derive=derive,
            constraints=constraints,
            answer=answer,
            misconceptions=mcs,
            options=options,
            shuffle=shuffle,
            model_answer=model_answer,
            rubric=rubric,
            examples=examples,
            line=line,
            path=str(self.doc.path),
            code=code,
        )

    def cut_words_inside(self, keys: Keys, text: str) -> None:
        """Warn at a line of a block scalar that ends in the first half of a hyphenated word:
        Markdown (and plain mode) read the line break as a space, so `self-` / `attention`
        shows as "self- attention"."""
        cuts = [  # (not inside a code span, where the line break is a space anyway)
            m
            for m in CUT_WORD_RE.finditer(text)
            if text[: m.start()].split("\n")[-1].count("`") % 2 == 0
        ]
        style = self.doc.block_style(keys) if cuts else None
        if style is None:
            return
        first, _ = self.doc.where(keys)  # the line of the `|` or `>`
        for m in cuts:
            i = text.count("\n", 0, m.start())
            self.issues.append(
                PackIssue(
                    self.doc.path,
                    first + 1 + i if style == "|" else first,
                    1,
                    f"'{m.group(1)}' ends a line of the {keys[-1]} text, so it shows as "
                    f"'{m.group(1)} {m.group(2)}': a line break reads as a space",
                    f"keep '{m.group(1)}{m.group(2)}' on one line",
                    "warning",
                )
            )

    def sibling_keys_inside(self, keys: Keys, text: str) -> None:
        """Warn at a line of a block scalar that reads like a question key (`explanation:`
        indented too far becomes part of the prompt, silently)."""
        if ":" not in text:
            return
        found = [
            (i, m.group(1))
            for i, line in enumerate(text.splitlines())
            if (m := SIBLING_RE.match(line)) and m.group(1) in QUESTION_KEYS
        ]
        found = [(i, k) for i, k in found if k != keys[-1]]
        style = self.doc.block_style(keys) if found else None  # positions only when needed
        if style is None:
            return
        first, _ = self.doc.where(keys)  # the line of the `|` or `>`
        for i, k in found:
            self.issues.append(
                PackIssue(
                    self.doc.path,
                    first + 1 + i if style == "|" else first,
                    1,
                    f"'{k}:' is inside the {keys[-1]} text (indented too far?)",
                    f"indent {k} like {keys[-1]} to make it a field",
                    "warning",
                )
            )
