"""Arbitrary YAML documents and mutated shipped packs thrown at the loader: it never raises, and
every problem it reports is positioned and says something."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qkv_drill.packs.loader import load_pack_file

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "questions").glob("*.yaml"))
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))


def _assert_clean_outcome(loaded, path: Path, text_lines: int) -> None:
    if loaded.pack is None:
        assert loaded.errors, "a refused pack must say why"
    for issue in loaded.issues:
        assert str(issue).startswith(f"{path}:")
        assert issue.message.strip()
        # +2: a parser may point at the end of the stream, one line past the last break
        assert 0 <= issue.line <= text_lines + 2
        assert "Traceback" not in str(issue)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=30,
)


@FUZZ
@given(doc=json_like)
def test_any_yaml_document_gives_a_clean_outcome(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("fz") / "doc.yaml"
    text = yaml.safe_dump(doc, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    _assert_clean_outcome(load_pack_file(path), path, text.count("\n"))


mutation = st.tuples(
    st.sampled_from(["delete", "duplicate", "insert", "truncate", "replace_char", "dedent"]),
    st.integers(min_value=0, max_value=10**6),
    st.text(max_size=12),
)


def _mutate(lines: list[str], kind: str, at: int, junk: str) -> list[str]:
    if not lines:
        return [junk]
    i = at % len(lines)
    out = list(lines)
    if kind == "delete":
        del out[i]
    elif kind == "duplicate":
        out.insert(i, out[i])
    elif kind == "insert":
        out.insert(i, junk)
    elif kind == "truncate":
        out = out[:i]
    elif kind == "replace_char" and out[i]:
        j = at % len(out[i])
        out[i] = out[i][:j] + (junk[:1] or ":") + out[i][j + 1 :]
    elif kind == "dedent":
        out[i] = out[i].lstrip()
    return out


@FUZZ
@given(
    pack=st.sampled_from(SHIPPED),
    mutations=st.lists(mutation, min_size=1, max_size=3),
)
def test_mutated_shipped_packs_give_a_clean_outcome(tmp_path_factory, pack, mutations):
    lines = pack.read_text(encoding="utf-8").splitlines()
    for kind, at, junk in mutations:
        lines = _mutate(lines, kind, at, junk)
    path = tmp_path_factory.mktemp("fz") / pack.name
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    _assert_clean_outcome(load_pack_file(path), path, len(lines))


@FUZZ
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_give_a_clean_outcome(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fz") / "raw.yaml"
    path.write_bytes(raw)
    _assert_clean_outcome(load_pack_file(path), path, raw.count(b"\n") + raw.count(b"\r"))
