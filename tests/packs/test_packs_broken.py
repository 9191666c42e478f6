"""Every file in broken/ is refused with its problem at the exact file:line:col.

Load-time problems come from `load_pack_file`; the ones only drawing can find (impossible
constraints, a misconception that never discriminates) come from `validate`.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.validate_command import run_validate

BROKEN = Path(__file__).parent / "broken"

# file -> (line, col, message substring, hint substring)
LOAD_TIME = {
    "syntax_error.yaml": (8, 13, "YAML syntax error: found unexpected end of stream", "quoting"),
    "tab_indent.yaml": (7, 1, "tab character", "spaces, not tabs"),
    "unknown_field_typo.yaml": (11, 5, "unknown field 'explanaton' in question", "'explanation'"),
    "wrong_type.yaml": (12, 11, "time must be a positive whole number", ""),
    "missing_explanation.yaml": (6, 5, "missing required field 'explanation'", ""),
    "unknown_computation.yaml": (16, 16, "unknown computation 'head_dims'", "'head_dim'"),
    "unknown_param_in_args.yaml": (17, 22, "names unknown parameter 'seq_enc'", "'seq'"),
    "missing_argument.yaml": (16, 16, "needs argument 'd_model'", "'d_modle'"),
    "unknown_misconception.yaml": (
        17,
        22,
        "unknown misconception 'no_head_splitt'",
        "no_head_split",
    ),
    "unsupported_misconception.yaml": (
        19,
        9,
        "'softmax_wrong_axis' is not supported by computation 'head_dim'",
        "no_head_split",
    ),
    "duplicate_ids.yaml": (15, 9, "duplicate question id 'broken.same' (first at line 6)", ""),
    "python_tag.yaml": (10, 13, "tags are not allowed: packs are data only", "plain YAML"),
    "custom_tag.yaml": (11, 18, "tags are not allowed: packs are data only (found !include)", ""),
    "invalid_utf8.yaml": (7, 13, "not valid UTF-8 (byte 0xe9 at offset 99)", "UTF-8"),
    "two_correct.yaml": (13, 7, "exactly one correct option, not 2", "multi"),
    "multi_none_correct.yaml": (13, 7, "at least one correct option", ""),
    "huge_matrix.yaml": (14, 20, "matrix 'Q' could be 500 long; the limit is 64", ""),
    "alias_bomb.yaml": (4, 4, "aliases expand to too many values", ""),
    "negative_tolerance.yaml": (16, 24, "tolerance abs must not be negative", ""),
    "bad_difficulty.yaml": (8, 17, "difficulty must be one of easy, medium, hard", "'medium'"),
    "text_without_rubric.yaml": (6, 5, "a text question needs a rubric", ""),
    "numeric_without_answer.yaml": (6, 5, "a numeric question needs answer.compute", ""),
    "unquoted_colon.yaml": (13, 9, "reads as a mapping", "must be quoted"),
    "unknown_config.yaml": (13, 36, "unknown configuration 'llama-7b'", "'llama2-7b'"),
    "deep_nesting.yaml": (1, 47, "nesting deeper than 40 levels", ""),
    "duplicate_key.yaml": (11, 5, "duplicate key 'prompt'", ""),
    "full_rank_one_value.yaml": (13, 54, "a full-rank matrix needs at least two", "low < high"),
    "not_symmetric_not_square.yaml": (14, 59, "'K' is 2x3, which is never symmetric", "drop"),
}

DRAW_TIME = {
    "impossible_constraints.yaml": (16, 7, "impossible constraints"),
    "misconception_collides.yaml": (16, 7, "misconception no_head_split gives the right answer"),
}


def test_corpus_is_complete():
    """Every file in broken/ has an expectation, and there are at least 20 of them."""
    files = {p.name for p in BROKEN.glob("*.yaml")}
    assert files == set(LOAD_TIME) | set(DRAW_TIME)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(LOAD_TIME))
def test_broken_pack_is_refused_at_the_exact_position(name):
    line, col, message, hint = LOAD_TIME[name]
    lp = load_pack_file(BROKEN / name)
    assert lp.pack is None
    errors = lp.errors
    assert errors, f"{name} loaded without errors"
    first = errors[0]
    assert (first.line, first.col) == (line, col), str(first)
    assert message in first.message
    assert hint in first.hint
    assert str(first).startswith(f"{BROKEN / name}:{line}:{col}: ")


@pytest.mark.parametrize("name", sorted(DRAW_TIME))
def test_draw_time_problems_are_reported_by_validate(name, capsys):
    line, col, message = DRAW_TIME[name]
    assert load_pack_file(BROKEN / name).pack is not None  # the format itself is fine
    code = run_validate(SimpleNamespace(paths=[BROKEN / name], seeds=5, no_torch=True))
    out = capsys.readouterr().out
    assert code == 1
    assert f"{BROKEN / name}:{line}:{col}: " in out
    assert message in out
    assert "FAIL" in out


def test_python_tag_is_never_constructed(tmp_path, monkeypatch):
    """A python tag must be refused before anything could run."""
    import os

    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    lp = load_pack_file(BROKEN / "python_tag.yaml")
    assert lp.pack is None and calls == []


def test_oversized_file_is_refused_before_parsing(tmp_path):
    from qkv_drill.packs.yamlsource import Limits

    p = tmp_path / "big.yaml"
    p.write_text("pack: {id: big, title: Big, version: 1}\nquestions: []\n" + "#" * 2000)
    lp = load_pack_file(p, limits=Limits(max_bytes=1000))
    assert lp.pack is None
    assert "packs may be at most 1000 bytes" in lp.issues[0].message


def test_long_string_is_refused(tmp_path):
    from qkv_drill.packs.yamlsource import Limits

    p = tmp_path / "long.yaml"
    p.write_text("pack: {id: x, title: " + "a" * 300 + ", version: 1}\nquestions: []\n")
    lp = load_pack_file(p, limits=Limits(max_string=100))
    assert lp.pack is None
    assert "longer than 100 characters" in lp.issues[0].message
    assert (lp.issues[0].line, lp.issues[0].col) == (1, 22)
