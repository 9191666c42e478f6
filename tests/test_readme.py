"""The README stays true: its example pack loads and validates, its commands exist, and its pack
table counts what the shipped packs hold."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from qkv_drill.cli import build_parser
from qkv_drill.packs.instance import draw
from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.validate_command import check_instance

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_example_pack_validates(tmp_path):
    start = README.index("pack: {id: my-pack")
    path = tmp_path / "my-pack.yaml"
    path.write_text(README[start : README.index("```", start)], encoding="utf-8")
    loaded = load_pack_file(path)
    assert loaded.ok, [str(i) for i in loaded.issues]
    (question,) = loaded.pack.questions
    for seed in range(20):
        assert check_instance(draw(question, seed)) == []


def test_every_qkv_drill_subcommand_in_the_readme_exists():
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices  # the sub-command table
    used = set(re.findall(r"(?:`|^)qkv-drill ([a-z][a-z-]+)", README, re.MULTILINE))
    assert used, "the README names no sub-command"
    assert used <= set(choices), used - set(choices)


def test_the_readme_pack_table_matches_the_shipped_packs():
    questions = ROOT / "questions"
    rows = re.findall(
        r"^\| `([a-z0-9.-]+)` \| `([a-z0-9_]+\.yaml)` \| .* \| (\d+) \| (\d+) \|$",
        README,
        flags=re.M,
    )
    assert len(rows) >= 12
    for pack_id, file, total, computed in rows:
        doc = yaml.safe_load((questions / file).read_text(encoding="utf-8"))
        qs = doc["questions"]
        assert doc["pack"]["id"] == pack_id, file
        assert len(qs) == int(total), file
        assert sum(q["type"] in ("numeric", "shape", "matrix") for q in qs) == int(computed), file
