"""`qkv-drill misconceptions` and the table in docs/pack-format.md come from the one registry."""

from __future__ import annotations

from pathlib import Path

from qkv_drill.cli import main
from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.packs.misconception_list import DOC_END, DOC_START, markdown_table

PACK_FORMAT = Path(__file__).resolve().parents[2] / "docs" / "pack-format.md"


def test_the_pack_format_table_is_the_generated_one():
    text = PACK_FORMAT.read_text(encoding="utf-8")
    section = text[text.index(DOC_START) : text.index(DOC_END) + len(DOC_END)]
    assert section == markdown_table(), "run `qkv-drill misconceptions --markdown` and paste it"


def test_the_command_lists_every_misconception_with_title_and_computations(capsys):
    assert main(["misconceptions"]) == 0
    out = capsys.readouterr().out
    for m in MISCONCEPTIONS.values():
        assert f"{m.name}  {m.title}" in out
    assert "kv_cache_per_token (needs heads)" in out  # what a pack must provide
    assert f"{len(MISCONCEPTIONS)} misconceptions" in out


def test_markdown_rows_follow_the_registry(capsys):
    assert main(["misconceptions", "--markdown"]) == 0
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == list(MISCONCEPTIONS)
    no_scaling = next(r for r in rows if r.startswith("| `no_scaling`"))
    assert "`scale_factor`" in no_scaling and "`attention_weights`" in no_scaling
