"""JSON Schema (draft 2020-12) of the pack format, for editors and CI.

The loader checks more than a schema can (parameter names, supported misconceptions, drawing),
but an editor with this schema catches typos as they are typed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.exercises.mistakes import CODE_MISCONCEPTIONS
from qkv_drill.exercises.spec import code_properties
from qkv_drill.packs import limits as L
from qkv_drill.packs.computations import CHOICE_ARGS, COMPUTATIONS, SHAPE_WHICH
from qkv_drill.packs.configs import CONFIG_FIELDS, CONFIGS
from qkv_drill.packs.model import DIFFICULTIES, QUESTION_TYPES
from qkv_drill.packs.params import CONSTRAINT_KINDS

SCHEMA_ID = "https://qkv-drill.invalid/qkv-drill-pack.schema.json"

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$", "maxLength": L.MAX_ID_CHARS}
_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
_TEXT = {"type": "string", "minLength": 1, "maxLength": L.MAX_STRING}
_TEXTS = {"type": "array", "items": {"type": ["string", "number"]}}
_NUM = {"type": "number"}
_SCALAR = {"type": ["string", "number", "boolean"]}


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def build_schema() -> dict[str, Any]:
    dim = {"oneOf": [{"type": "integer", "minimum": 1, "maximum": L.MAX_MATRIX_DIM}, _NAME]}
    row = {"type": "array", "items": _NUM, "minItems": 1, "maxItems": 64}
    fixed = {  # a number, a vector or a matrix (YAML's .inf / -.inf load as numbers)
        "oneOf": [_SCALAR, row, {"type": "array", "items": row, "minItems": 1, "maxItems": 64}]
    }
    param = {
        "oneOf": [
            {"type": "array", "items": _SCALAR, "minItems": 1},
            _obj(
                {
                    "range": {"type": "array", "items": _NUM, "minItems": 2, "maxItems": 2},
                    "step": {"type": "number", "exclusiveMinimum": 0},
                },
                ("range",),
            ),
            _obj({"value": fixed}, ("value",)),
            _obj({"fixed": fixed}, ("fixed",)),
            _obj(
                {
                    "config": {
                        "oneOf": [
                            {"enum": list(CONFIGS)},
                            {"type": "array", "items": {"enum": list(CONFIGS)}, "minItems": 1},
                        ]
                    }
                },
                ("config",),
            ),
            _obj(
                {
                    "matrix": {"type": "array", "items": dim, "minItems": 1, "maxItems": 2},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "integer",
                            "minimum": -L.MAX_MATRIX_VALUE,
                            "maximum": L.MAX_MATRIX_VALUE,
                        },
                        "minItems": 2,
                        "maxItems": 2,
                    },
                },
                ("matrix",),
            ),
            _SCALAR,
        ]
    }
    operand = {"oneOf": [_NAME, _NUM]}
    constraint = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "propertyNames": {"enum": list(CONSTRAINT_KINDS)},
        "additionalProperties": {"type": "array", "items": operand, "minItems": 2, "maxItems": 2},
    }
    arg_names = sorted({a for c in COMPUTATIONS.values() for a in c.arg_names})
    answer = _obj(
        {
            "compute": {"enum": list(COMPUTATIONS)},
            "args": {
                "type": "object",
                "propertyNames": {"enum": arg_names},
                "properties": {
                    "which": {"enum": list(SHAPE_WHICH)},
                    "field": {"enum": list(CONFIG_FIELDS)},
                    **{k: {"enum": list(v)} for k, v in CHOICE_ARGS.items()},
                },
                "additionalProperties": {"type": ["number", "string", "boolean"]},
            },
            "tolerance": _obj(
                {
                    "abs": {"type": "number", "minimum": 0},
                    "rel": {"type": "number", "minimum": 0, "maximum": L.MAX_REL_TOLERANCE},
                }
            ),
        },
        ("compute",),
    )
    tolerance = _obj(
        {"abs": {"type": "number", "minimum": 0}, "rel": {"type": "number", "minimum": 0}}
    )
    option = _obj(
        {
            "text": _TEXT,
            "correct": {"type": "boolean"},
            "why": {"type": "string"},
            "misconception": {"enum": list(MISCONCEPTIONS)},
        },
        ("text",),
    )
    question = _obj(
        {
            "id": _ID,
            "topic": _TEXT,
            "difficulty": {"enum": list(DIFFICULTIES)},
            "type": {"enum": list(QUESTION_TYPES)},
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
                "items": _obj({"point": _TEXT, "keywords": _TEXTS}, ("point",)),
            },
            "examples": {
                "type": "array",
                "items": _obj(
                    {
                        "params": {"type": "object"},
                        "model": {"enum": list(CONFIGS)},
                        "tolerance": tolerance,
                        "accept": _TEXTS,
                        "reject": _TEXTS,
                    }
                ),
            },
            **code_properties(param, constraint, answer["properties"]["tolerance"]),
        },
        ("id", "topic", "difficulty", "type", "prompt", "explanation"),
    )
    question["allOf"] = [
        {
            "if": {"properties": {"type": {"enum": ["numeric", "shape", "matrix"]}}},
            "then": {
                "required": ["answer"],
                "not": {"anyOf": [{"required": ["options"]}, {"required": ["rubric"]}]},
            },
        },
        {
            "if": {"properties": {"type": {"enum": ["choice", "multi"]}}},
            "then": {
                "required": ["options"],
                "not": {"anyOf": [{"required": ["answer"]}, {"required": ["rubric"]}]},
            },
        },
        {
            "if": {"properties": {"type": {"const": "text"}}},
            "then": {
                "required": ["model_answer", "rubric"],
                "not": {"anyOf": [{"required": ["answer"]}, {"required": ["options"]}]},
            },
        },
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "qkv-drill question pack",
        "type": "object",
        "additionalProperties": False,
        "required": ["pack", "questions"],
        "properties": {
            "pack": _obj(
                {
                    "id": _ID,
                    "title": _TEXT,
                    "description": {"type": "string"},
                    "version": {"type": "integer", "minimum": 0},
                    "author": {"type": "string"},
                },
                ("id", "title", "version"),
            ),
            "questions": {"type": "array", "minItems": 1, "items": question},
        },
    }


def run_schema(args=None) -> int:
    json.dump(build_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
