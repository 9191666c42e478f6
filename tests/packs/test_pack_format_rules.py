"""The pack format's rules (packs/format.py) hold the same in the loader and in the JSON schema:
for every question type, a field of another type is refused by both, and so is a missing field
the type needs. Questions come from the shipped packs, one per type."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from qkv_drill.packs import format as F
from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.schema import build_schema

SHIPPED = Path(__file__).resolve().parents[2] / "questions"


def one_question_per_type() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(SHIPPED.glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            found.setdefault(q["type"], q)
    return found


QUESTIONS = one_question_per_type()
VALIDATOR = jsonschema.Draft202012Validator(build_schema())
CASES = [
    (qtype, field, change)
    for qtype in F.QUESTION_TYPES
    for field, change in [
        *((f, "add") for f, types in F.TYPE_FIELDS.items() if qtype not in types),
        *((f, "drop") for f in F.TYPE_REQUIRED[qtype]),
    ]
]


def as_pack(question: dict) -> dict:
    return {"pack": {"id": "rules", "title": "Rules", "version": 1}, "questions": [question]}


def test_every_type_is_shipped_and_every_question_is_accepted_by_both(tmp_path):
    assert set(QUESTIONS) == set(F.QUESTION_TYPES)
    for question in QUESTIONS.values():
        pack = as_pack(question)
        assert list(VALIDATOR.iter_errors(pack)) == []
        path = tmp_path / "rules.yaml"
        path.write_text(yaml.safe_dump(pack), encoding="utf-8")
        assert load_pack_file(path).ok


@pytest.mark.parametrize("qtype, field, change", CASES, ids=lambda x: str(x))
def test_loader_and_schema_refuse_the_same_fields(tmp_path, qtype, field, change):
    question = dict(QUESTIONS[qtype])
    if change == "add":
        owner = next(t for t in F.TYPE_FIELDS[field] if t in QUESTIONS)
        question[field] = QUESTIONS[owner].get(field, "x")
    else:
        del question[field]
    pack = as_pack(question)
    assert list(VALIDATOR.iter_errors(pack))
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    errors = [i.message for i in load_pack_file(path).errors]
    assert any(re.search(rf"\b{field}\b", m) for m in errors), errors


def test_ids_and_names_have_one_pattern():
    schema = build_schema()
    question = schema["properties"]["questions"]["items"]
    assert question["properties"]["id"]["pattern"] == F.ID_PATTERN
    assert question["properties"]["params"]["propertyNames"]["pattern"] == F.NAME_PATTERN
    assert re.match(F.ID_PATTERN, "scaling.var-unscaled")
    assert not re.match(F.ID_PATTERN, "Scaling")
