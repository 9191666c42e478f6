"""Checking a loaded YAML document against the pack format and building the model from it.

Every problem is positioned at the offending key or value; unknown names get a did-you-mean.
This runs at every start-up, so it does no drawing and no engine work: only cheap checks.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from typing import Any

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs import budget
from qkv_drill.packs.computations import CHOICE_ARGS, COMPUTATIONS, SHAPE_WHICH
from qkv_drill.packs.configs import CONFIG_FIELDS, CONFIGS
from qkv_drill.packs.errors import PackIssue
from qkv_drill.packs.limits import (
    MAX_DERIVE_LINES,
    MAX_ID_CHARS,
    MAX_MATRIX_DIM,
    MAX_MATRIX_VALUE,
    MAX_PARAMS,
    MAX_REL_TOLERANCE,
    MAX_TOPIC_CHARS,
    MC_MAX_SAMPLES,
    MC_MIN_SAMPLES,
)
from qkv_drill.packs.model import (
    COMPUTED_TYPES,
    DEFAULT_TIME,
    DIFFICULTIES,
    QUESTION_TYPES,
    Answer,
    Example,
    Option,
    Pack,
    Question,
    RubricPoint,
    Tolerance,
)
from qkv_drill.packs.params import CONSTRAINT_KINDS, fixed_value, max_value, spec_kind
from qkv_drill.packs.yamlsource import YamlDoc

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
SIBLING_RE = re.compile(r"^\s*([a-z_]+):(\s|$)")

TOP_KEYS = ("pack", "questions")
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
BOOL_ARGS = ("scaled", "causal", "bias", "output", "rope")


@functools.lru_cache(maxsize=1024)
def _names_in(expr: str) -> frozenset[str]:
    """Names a derive expression uses (cached: packs repeat the same few expressions)."""
    from qkv_drill.answers.expr import names_in

    return frozenset(names_in(expr))


def did_you_mean(word: Any, choices) -> str:
    """The closest choice, compared case-insensitively (`W_q` suggests `W_Q`, not `W_v`)."""
    by_lower: dict[str, str] = {}
    for c in choices:
        by_lower.setdefault(str(c).lower(), str(c))
    match = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return f"did you mean '{by_lower[match[0]]}'?" if match else ""


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _type_name(x: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }.get(type(x), type(x).__name__)


def _config_fields_used(answer: Answer | None, derive: dict[str, Any]) -> frozenset[str]:
    """The config fields an answer depends on: computation arguments and derive inputs."""
    used: set[str] = set()
    if answer is not None and answer.compute in COMPUTATIONS:
        comp = COMPUTATIONS[answer.compute]
        used.update(comp.arg_names)
        for mc in comp.misconceptions:
            used.update(comp.needs(mc))
        used.update(v for v in answer.args.values() if isinstance(v, str))
    for expr in derive.values():
        if isinstance(expr, str):
            try:
                used.update(_names_in(expr))
            except ValueError:
                continue
    return (frozenset(used) - set(derive)) & frozenset(CONFIG_FIELDS)


class _Checker:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.issues: list[PackIssue] = []
        self.config_fields_used: frozenset[str] = frozenset()

    # --- reporting -------------------------------------------------------------------------

    def err(self, keys: tuple, message: str, hint: str = "", *, key: bool = False) -> None:
        self.issues.append(self.doc.issue(keys, message, hint, key=key))

    def warn(self, keys: tuple, message: str, hint: str = "") -> None:
        line, col = self.doc.where(keys)
        self.issues.append(PackIssue(self.doc.path, line, col, message, hint, "warning"))

    def mapping(self, keys: tuple, value: Any, allowed, required, what: str) -> bool:
        """Report a non-mapping, unknown keys (with did-you-mean) and missing required keys."""
        if not isinstance(value, dict):
            self.err(keys, f"{what} must be a mapping, not {_type_name(value)}")
            return False
        for k in value:
            if k not in allowed:
                self.err(
                    (*keys, k),
                    f"unknown field '{k}' in {what}",
                    did_you_mean(k, allowed) or "allowed: " + ", ".join(allowed),
                    key=True,
                )
        for k in required:
            if k not in value:
                self.err(keys, f"{what} is missing required field '{k}'")
        return True

    def text(self, keys: tuple, value: Any, what: str, *, empty_ok: bool = False) -> str:
        if _is_num(value):
            return str(value)  # `explanation: 64.` is text to the author
        if not isinstance(value, str) or (not empty_ok and not value.strip()):
            self.err(keys, f"{what} must be non-empty text, not {_type_name(value)}")
            return ""
        return value

    def text_list(self, keys: tuple, value: Any, what: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.err(keys, f"{what} must be a list of text, not {_type_name(value)}")
            return ()
        out = []
        for i, v in enumerate(value):
            if isinstance(v, str | int | float) and not isinstance(v, bool):
                out.append(str(v))
            elif isinstance(v, dict) and len(v) == 1:
                self.err(
                    (*keys, i),
                    f"{what} entries must be text, but this one reads as a mapping",
                    "text containing ': ' must be quoted, e.g. - \"Why: because\"",
                )
            else:
                self.err((*keys, i), f"{what} entries must be text, not {_type_name(v)}")
        return tuple(out)

    def boolean(self, keys: tuple, value: Any, what: str) -> bool:
        if not isinstance(value, bool):
            self.err(keys, f"{what} must be true or false, not {_type_name(value)}")
            return False
        return value

    # --- the file ----------------------------------------------------------------------------

    def document(self) -> Pack | None:
        data = self.doc.data
        if not self.mapping((), data, TOP_KEYS, TOP_KEYS, "a pack file"):
            return None
        meta = data.get("pack")
        pack_id = title = description = author = ""
        version = 1
        if "pack" in data and self.mapping(("pack",), meta, PACK_KEYS, PACK_REQUIRED, "pack"):
            if "id" in meta:
                pack_id = self.ident(("pack", "id"), meta["id"], "pack id")
            if "title" in meta:
                title = self.text(("pack", "title"), meta["title"], "pack title")
            if "description" in meta:
                description = self.text(
                    ("pack", "description"), meta["description"], "pack description"
                )
            if "author" in meta:
                author = self.text(("pack", "author"), meta["author"], "pack author", empty_ok=True)
            if "version" in meta:
                version = meta["version"]
                if not isinstance(version, int) or isinstance(version, bool) or version < 0:
                    self.err(("pack", "version"), "pack version must be a whole number")
                    version = 1
        questions = data.get("questions")
        built: list[Question] = []
        if "questions" in data:
            if not isinstance(questions, list):
                self.err(("questions",), f"questions must be a list, not {_type_name(questions)}")
            elif not questions:
                self.err(("questions",), "a pack needs at least one question")
            else:
                seen: dict[str, int] = {}
                for i, q in enumerate(questions):
                    try:
                        question = self.question(i, q, pack_id)
                    except Exception as e:
                        what = " ".join(str(e).split())[:200]
                        self.err(
                            ("questions", i),
                            f"cannot check this question ({type(e).__name__}: {what})",
                        )
                        continue
                    if question is None:
                        continue
                    if question.id in seen:
                        self.err(
                            ("questions", i, "id"),
                            f"duplicate question id '{question.id}' (first at line "
                            f"{seen[question.id]})",
                            "question ids must be unique; progress is keyed on them",
                        )
                        continue
                    seen[question.id] = question.line
                    built.append(question)
        if any(i.is_error for i in self.issues):
            return None
        return Pack(pack_id, title, description, version, author, tuple(built), str(self.doc.path))

    def sibling_keys_inside(self, keys: tuple, text: str) -> None:
        """Warn at a line of a block scalar that reads like a question key (`explanation:`
        indented too far becomes part of the prompt, silently)."""
        style = self.doc.block_style(keys)
        if style is None:
            return
        first, _ = self.doc.where(keys)  # the line of the `|` or `>`
        for i, line in enumerate(text.splitlines()):
            m = SIBLING_RE.match(line)
            if m and m.group(1) in QUESTION_KEYS and m.group(1) != keys[-1]:
                where = first + 1 + i if style == "|" else first
                self.issues.append(
                    PackIssue(
                        self.doc.path,
                        where,
                        1,
                        f"'{m.group(1)}:' is inside the {keys[-1]} text (indented too far?)",
                        f"indent {m.group(1)} like {keys[-1]} to make it a field",
                        "warning",
                    )
                )

    def ident(self, keys: tuple, value: Any, what: str) -> str:
        if isinstance(value, str) and len(value) > MAX_ID_CHARS:
            self.err(keys, f"{what} is {len(value):,} characters; the limit is {MAX_ID_CHARS}")
            return value
        if not isinstance(value, str) or not ID_RE.match(value):
            self.err(
                keys,
                f"{what} must look like 'scaling.var-unscaled', not {value!r}",
                "lower-case letters, digits and . _ - only",
            )
            return str(value)
        return value

    # --- one question ----------------------------------------------------------------------

    def question(self, i: int, q: Any, pack_id: str) -> Question | None:
        at = ("questions", i)
        before = len([x for x in self.issues if x.is_error])
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

        answer = None
        mcs: tuple[str, ...] = ()
        code = None
        options: tuple[Option, ...] = ()
        model_answer = ""
        rubric: tuple[RubricPoint, ...] = ()
        misplaced = {
            "answer": COMPUTED_TYPES,
            "misconceptions": (*COMPUTED_TYPES, "code"),
            **dict.fromkeys(("function", "language", "starter", "check"), ("code",)),
            "options": ("choice", "multi"),
            "model_answer": ("text",),
            "rubric": ("text",),
        }
        for k, types in misplaced.items():
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
        elif qtype in ("choice", "multi"):
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
        self.config_fields_used = _config_fields_used(answer, derive)
        examples = self.examples(at, q.get("examples"), names, params) if "examples" in q else ()
        if len([x for x in self.issues if x.is_error]) == before:
            comp = COMPUTATIONS.get(answer.compute) if answer is not None else None
            for keys, message, hint in budget.problems(q, comp):
                self.err((*at, *keys), message, hint)
        if len([x for x in self.issues if x.is_error]) > before:
            return None
        line, _ = self.doc.where(at)
        return Question(
            qid,
            pack_id,
            topic,
            difficulty,
            qtype,
            prompt,
            explanation,
            hints,
            tags,
            time_budget,
            params,
            derive,
            constraints,
            answer,
            mcs,
            options,
            shuffle,
            model_answer,
            rubric,
            examples,
            line,
            str(self.doc.path),
            code,
        )

    # --- parameters ----------------------------------------------------------------------------

    def params(self, at: tuple, raw: Any) -> tuple[dict, set[str], set[str]]:
        """(specs, every name a draw sets, the matrix names)."""
        if raw is None:
            return {}, set(), set()
        keys = (*at, "params")
        if not isinstance(raw, dict):
            self.err(keys, f"params must be a mapping of name: spec, not {_type_name(raw)}")
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
    def is_array(spec: dict) -> bool:
        return isinstance(fixed_value(spec), list)

    def fixed(self, pk: tuple, name: str, spec: dict, kind: str) -> None:
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
        if any(not _is_num(x) for r in rows for x in r):
            self.err(vk, f"parameter '{name}': entries must be numbers (or .inf / -.inf)")
            return
        if max(len(rows), width) > MAX_MATRIX_DIM:
            self.err(vk, f"parameter '{name}' is larger than {MAX_MATRIX_DIM} in a dimension")

    def param_dict(self, pk: tuple, name: str, spec: dict, kind: str, raw: dict, names) -> None:
        allowed = {
            "range": ("range", "step"),
            "value": ("value",),
            "fixed": ("fixed",),
            "config": ("config",),
            "matrix": ("matrix", "values"),
        }
        if kind == "literal":
            first = next(iter(spec), "")
            self.err(
                (*pk, first) if first else pk,
                f"parameter '{name}' needs one of range, value, fixed, config or matrix",
                did_you_mean(first, ("range", "value", "fixed", "config", "matrix")),
                key=bool(first),
            )
            return
        self.mapping(pk, spec, allowed[kind], (), f"parameter '{name}'")
        if kind in ("value", "fixed"):
            self.fixed(pk, name, spec, kind)
        elif kind == "range":
            r = spec["range"]
            if not (isinstance(r, list) and len(r) == 2 and all(_is_num(x) for x in r)):
                self.err((*pk, "range"), "range must be [low, high]")
            elif r[0] > r[1]:
                self.err((*pk, "range"), f"range low {r[0]} is above high {r[1]}")
            step = spec.get("step", 1)
            if not _is_num(step) or step <= 0:
                self.err((*pk, "step"), "step must be a positive number")
        elif kind == "config":
            cfgs = spec["config"]
            cfgs = [cfgs] if isinstance(cfgs, str) else cfgs
            if not isinstance(cfgs, list) or not cfgs:
                self.err((*pk, "config"), "config must be a list of configuration names")
                return
            for j, c in enumerate(cfgs):
                if c not in CONFIGS:
                    self.err(
                        (*pk, "config", j) if isinstance(spec["config"], list) else (*pk, "config"),
                        f"unknown configuration {c!r}",
                        did_you_mean(c, CONFIGS) or "known: " + ", ".join(CONFIGS),
                    )
            if isinstance(spec["config"], str):
                spec["config"] = cfgs
        elif kind == "matrix":
            self.matrix_spec(pk, name, spec, raw, names)

    def matrix_spec(self, pk: tuple, name: str, spec: dict, raw: dict, names) -> None:
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

    def derive(self, at: tuple, raw: Any, names: set[str]) -> dict[str, Any]:
        if raw is None:
            return {}
        keys = (*at, "derive")
        if not isinstance(raw, dict):
            self.err(keys, f"derive must be a mapping of name: expression, not {_type_name(raw)}")
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
            if _is_num(expr):
                known.add(name)
                continue
            if not isinstance(expr, str):
                self.err(dk, f"derive '{name}' must be an expression, not {_type_name(expr)}")
                continue
            try:
                used = _names_in(expr)
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

    def constraints(self, at: tuple, raw: Any, names: set[str]) -> tuple[dict, ...]:
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
                self.err(
                    (*ck, kind),
                    f"unknown constraint '{kind}'",
                    did_you_mean(kind, CONSTRAINT_KINDS) or "one of " + ", ".join(CONSTRAINT_KINDS),
                    key=True,
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
                elif not isinstance(op, str) and not _is_num(op):
                    self.err((*ck, kind, n), "operands are parameter names or numbers")
        return tuple(raw)

    # --- answers ---------------------------------------------------------------------------------

    def answer(self, at: tuple, raw: Any, qtype: str, names: set[str], matrices: set[str]):
        keys = (*at, "answer")
        if not self.mapping(keys, raw, ("compute", "args", "tolerance"), ("compute",), "answer"):
            return None
        name = raw.get("compute")
        if name not in COMPUTATIONS:
            self.err(
                (*keys, "compute"),
                f"unknown computation {name!r}",
                did_you_mean(name, COMPUTATIONS) or "see the table in docs/pack-format.md",
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
                self.err(
                    ak,
                    f"computation '{name}' has no argument '{k}'",
                    did_you_mean(k, comp.arg_names) or "it takes " + ", ".join(comp.arg_names),
                    key=True,
                )
            elif k == "which":
                if v not in SHAPE_WHICH:
                    self.err(
                        ak,
                        f"unknown shape {v!r}",
                        did_you_mean(v, SHAPE_WHICH) or "one of " + ", ".join(SHAPE_WHICH),
                    )
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
            elif not isinstance(v, str) and (k in comp.matrix_args or not _is_num(v)):
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
            not _is_num(samples) or not MC_MIN_SAMPLES <= samples <= MC_MAX_SAMPLES
        ):
            self.err(
                (*keys, "args", "samples"), f"samples must be {MC_MIN_SAMPLES}..{MC_MAX_SAMPLES}"
            )
        tol = Tolerance()
        if "tolerance" in raw:
            tol = self.tolerance((*keys, "tolerance"), raw["tolerance"])
        return Answer(name, dict(args), tol)

    def tolerance(self, keys: tuple, raw: Any) -> Tolerance:
        if not self.mapping(keys, raw, ("abs", "rel"), (), "tolerance"):
            return Tolerance()
        vals = {}
        for k in ("abs", "rel"):
            if k in raw:
                v = raw[k]
                if not _is_num(v):
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

    def misconceptions(self, at: tuple, raw: Any, answer: Answer | None, names) -> tuple:
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

    def options(self, at: tuple, raw: Any, qtype: str) -> tuple[Option, ...]:
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
            if not self.mapping(
                ok, o, ("text", "correct", "why", "misconception"), ("text",), "option"
            ):
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
                    self.text((*ok, "text"), o.get("text"), "option text") if "text" in o else "",
                    correct,
                    self.text((*ok, "why"), o["why"], "why") if "why" in o else "",
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

    def rubric(self, at: tuple, raw: Any) -> tuple[RubricPoint, ...]:
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
            if self.mapping(pk, p, ("point", "keywords"), ("point",), "rubric point"):
                kw = (
                    self.text_list((*pk, "keywords"), p["keywords"], "keywords")
                    if "keywords" in p
                    else ()
                )
                out.append(RubricPoint(self.text((*pk, "point"), p.get("point"), "point"), kw))
        return tuple(out)

    def examples(
        self, at: tuple, raw: Any, names: set[str], specs: dict[str, Any]
    ) -> tuple[Example, ...]:
        keys = (*at, "examples")
        if not isinstance(raw, list):
            self.err(keys, "examples must be a list")
            return ()
        out = []
        allowed = ("params", "model", "tolerance", "accept", "reject")
        for j, e in enumerate(raw):
            ek = (*keys, j)
            if not self.mapping(ek, e, allowed, (), "example"):
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
                self.err(
                    (*ek, "model"),
                    f"unknown configuration {model!r}",
                    did_you_mean(model, CONFIGS) or "known: " + ", ".join(CONFIGS),
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

    def example_covers(self, ek: tuple, params: dict, model: Any, specs: dict[str, Any]) -> None:
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


def validate_document(doc: YamlDoc) -> tuple[Pack | None, list[PackIssue]]:
    """The Pack (None if any error) and every issue found."""
    checker = _Checker(doc)
    if doc.data is None:
        checker.err((), "the file is empty", "start from `qkv-drill new-pack NAME`")
        return None, checker.issues
    pack = checker.document()
    return pack, checker.issues
