"""JSON Schema (draft 2020-12) of the pack format, for editors and CI.

The loader checks more than a schema can (parameter names, supported misconceptions, drawing),
but an editor with this schema catches typos as they are typed.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from typing import Any

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.exercises.mistakes import CODE_MISCONCEPTIONS
from qkv_drill.exercises.spec import code_properties
from qkv_drill.packs import format as F
from qkv_drill.packs import limits as L
from qkv_drill.packs.computations import CHOICE_ARGS, COMPUTATIONS, SHAPE_WHICH
from qkv_drill.packs.configs import CONFIG_FIELDS, CONFIGS

SCHEMA_ID = "https://qkv-drill.invalid/qkv-drill-pack.schema.json"

_ID = {"type": "string", "pattern": F.ID_PATTERN, "maxLength": L.MAX_ID_CHARS}
_NAME = {"type": "string", "pattern": F.NAME_PATTERN}
_TEXT = {"type": "string", "minLength": 1, "maxLength": L.MAX_STRING}
_TEXTS = {"type": "array", "items": {"type": ["string", "number"]}}
_NUM = {"type": "number"}
_SCALAR = {"type": ["string", "number", "boolean"]}


def _obj(
    keys: tuple[str, ...], props: dict[str, Any], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """An object with exactly the format's `keys` (each must have a schema in `props`)."""
    out: dict[str, Any] = {
        "type": "object",
        "properties": {k: props[k] for k in keys},
        "additionalProperties": False,
    }
    if required:
        out["required"] = list(required)
    return out


def _param() -> dict[str, Any]:
    dim = {"oneOf": [{"type": "integer", "minimum": 1, "maximum": L.MAX_MATRIX_DIM}, _NAME]}
    row = {"type": "array", "items": _NUM, "minItems": 1, "maxItems": L.MAX_MATRIX_DIM}
    matrix = {"type": "array", "items": row, "minItems": 1, "maxItems": L.MAX_MATRIX_DIM}
    fixed = {"oneOf": [_SCALAR, row, matrix]}  # YAML's .inf / -.inf load as numbers
    configs = {"enum": list(CONFIGS)}
    entry = {"type": "integer", "minimum": -L.MAX_MATRIX_VALUE, "maximum": L.MAX_MATRIX_VALUE}
    props = {
        "range": {"type": "array", "items": _NUM, "minItems": 2, "maxItems": 2},
        "step": {"type": "number", "exclusiveMinimum": 0},
        "value": fixed,
        "fixed": fixed,
        "config": {"oneOf": [configs, {"type": "array", "items": configs, "minItems": 1}]},
        "matrix": {"type": "array", "items": dim, "minItems": 1, "maxItems": 2},
        "values": {"type": "array", "items": entry, "minItems": 2, "maxItems": 2},
        "full_rank": {"type": "boolean"},
        "not_symmetric": {"type": "boolean"},
    }
    kinds = [_obj(keys, props, (kind,)) for kind, keys in F.PARAM_KINDS.items()]
    return {"oneOf": [{"type": "array", "items": _SCALAR, "minItems": 1}, *kinds, _SCALAR]}


def _type_rules() -> list[dict[str, Any]]:
    """Per question type: the fields it needs, and the fields of other types it must not have."""
    rules = []
    for qtype in F.QUESTION_TYPES:
        foreign = [k for k, types in F.TYPE_FIELDS.items() if qtype not in types]
        rules.append(
            {
                "if": {"properties": {"type": {"const": qtype}}},
                "then": {
                    "required": list(F.TYPE_REQUIRED[qtype]),
                    "not": {"anyOf": [{"required": [k]} for k in foreign]},
                },
            }
        )
    return rules


def build_schema() -> dict[str, Any]:
    param = _param()
    operand = {"oneOf": [_NAME, _NUM]}
    constraint = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "propertyNames": {"enum": list(F.CONSTRAINT_KINDS)},
        "additionalProperties": {"type": "array", "items": operand, "minItems": 2, "maxItems": 2},
    }
    bound = {"type": "number", "minimum": 0}
    answer_tolerance = _obj(
        F.TOLERANCE_KEYS, {"abs": bound, "rel": {**bound, "maximum": L.MAX_REL_TOLERANCE}}
    )
    arg_names = sorted({a for c in COMPUTATIONS.values() for a in c.arg_names})
    args = {
        "type": "object",
        "propertyNames": {"enum": arg_names},
        "properties": {
            "which": {"enum": list(SHAPE_WHICH)},
            "field": {"enum": list(CONFIG_FIELDS)},
            **{k: {"enum": list(v)} for k, v in CHOICE_ARGS.items()},
        },
        "additionalProperties": {"type": ["number", "string", "boolean"]},
    }
    answer = _obj(
        F.ANSWER_KEYS,
        {"compute": {"enum": list(COMPUTATIONS)}, "args": args, "tolerance": answer_tolerance},
        F.ANSWER_REQUIRED,
    )
    option = _obj(
        F.OPTION_KEYS,
        {
            "text": _TEXT,
            "correct": {"type": "boolean"},
            "why": {"type": "string"},
            "misconception": {"enum": list(MISCONCEPTIONS)},
        },
        F.OPTION_REQUIRED,
    )
    example = _obj(
        F.EXAMPLE_KEYS,
        {
            "params": {"type": "object"},
            "model": {"enum": list(CONFIGS)},
            "tolerance": _obj(F.TOLERANCE_KEYS, {"abs": bound, "rel": bound}),
            "accept": _TEXTS,
            "reject": _TEXTS,
        },
    )
    question = _obj(
        F.QUESTION_KEYS,
        {
            "id": _ID,
            "topic": {**_TEXT, "maxLength": L.MAX_TOPIC_CHARS},
            "difficulty": {"enum": list(F.DIFFICULTIES)},
            "type": {"enum": list(F.QUESTION_TYPES)},
            "prompt": _TEXT,
            "explanation": _TEXT,
            "hints": _TEXTS,
            "tags": _TEXTS,
            "time": {"type": "integer", "minimum": 1},
            "params": {
                "type": "object",
                "propertyNames": _NAME,
                "additionalProperties": param,
                "maxProperties": L.MAX_PARAMS,
            },
            "derive": {
                "type": "object",
                "maxProperties": L.MAX_DERIVE_LINES,
                "propertyNames": _NAME,
                "additionalProperties": {"type": ["string", "number"]},
            },
            "constraints": {"type": "array", "items": constraint, "maxItems": L.MAX_CONSTRAINTS},
            "answer": answer,
            "misconceptions": {
                "type": "array",
                "items": {"enum": [*MISCONCEPTIONS, *CODE_MISCONCEPTIONS]},
            },
            "options": {"type": "array", "items": option, "minItems": 2},
            "shuffle": {"type": "boolean"},
            "model_answer": _TEXT,
            "rubric": {
                "type": "array",
                "minItems": 1,
                "items": _obj(
                    F.RUBRIC_KEYS, {"point": _TEXT, "keywords": _TEXTS}, F.RUBRIC_REQUIRED
                ),
            },
            "examples": {"type": "array", "items": example},
            **code_properties(param, constraint, answer_tolerance),
        },
        F.QUESTION_REQUIRED,
    )
    question["allOf"] = _type_rules()
    pack = _obj(
        F.PACK_KEYS,
        {
            "id": _ID,
            "title": _TEXT,
            "description": {"type": "string"},
            "version": {"type": "integer", "minimum": 0},
            "author": {"type": "string"},
        },
        F.PACK_REQUIRED,
    )
    questions = {"type": "array", "minItems": 1, "items": question}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "qkv-drill question pack",
        **_obj(F.TOP_KEYS, {"pack": pack, "questions": questions}, F.TOP_KEYS),
    }


def run_schema(args: Namespace | None = None) -> int:
    json.dump(build_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
