"""Every inline-code span in shipped pack text opens and closes on the same line.

A span split across a line break ("`(d_v,` / `d_model)`") renders in some Markdown readers and
not in others (plain mode prints it with a stray backtick on each line, the Anki export breaks
it): the whole class is caught here, for every string in every shipped pack file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO

PACKS = sorted((REPO / "questions").glob("*.yaml"))


def strings(node: object, where: str) -> Iterator[tuple[str, str]]:
    """(path in the file, text) for every string in a loaded YAML document."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("id", i) if isinstance(value, dict) else i
            yield from strings(value, f"{where}[{label}]")


def unbalanced_lines(text: str) -> list[str]:
    """Lines, outside ``` fences, with an odd number of backticks: a span left open."""
    bad, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and line.count("`") % 2:
            bad.append(line)
    return bad


def test_the_check_finds_a_span_split_across_lines():
    assert unbalanced_lines("the `(d_v,\nd_model)` layout") == ["the `(d_v,", "d_model)` layout"]
    assert unbalanced_lines("`a` and ``b`` and\n```\nx = `\n```\n") == []


@pytest.mark.parametrize("path", PACKS, ids=[p.stem for p in PACKS])
def test_no_inline_code_span_crosses_a_line(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = [
        f"{where}: {line.strip()}"
        for where, text in strings(data, path.name)
        for line in unbalanced_lines(text)
    ]
    assert not found, "\n".join(found)
