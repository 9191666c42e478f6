"""Pack text as HTML that is safe to put in an Anki field.

Everything a pack or user wrote reaches HTML only through `markdown` (markdown-it with raw HTML
turned off, so `<script>` arrives as text) or `text` (html.escape). Images are off too: a card
should never fetch anything when it is shown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
from markdown_it import MarkdownIt

from qkv_drill.answers.parse import format_number


@cache
def _parser() -> MarkdownIt:
    # commonmark + tables: the prompts' matrices are Markdown tables (packs/instance.py).
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


# A matrix in a prompt is a Markdown table with an empty header row (packs/instance.py).
_EMPTY_HEAD = re.compile(r"<thead>\s*<tr>\s*(?:<th[^>]*></th>\s*)*</tr>\s*</thead>\s*")


def markdown(source: str) -> str:
    """Block Markdown (paragraphs, lists, tables, code) to HTML; raw HTML is escaped."""
    return _EMPTY_HEAD.sub("", _parser().render(source)).strip()


def inline(source: str) -> str:
    """One line of Markdown (an option, a rubric point) without the surrounding <p>."""
    return _parser().renderInline(source).strip()


def text(source: str) -> str:
    return html.escape(source, quote=True)


def matrix(value: object) -> str:
    """A 1-D or 2-D array as an HTML table (a row vector for 1-D)."""
    arr = np.atleast_2d(np.asarray(value, dtype=float))  # (rows, cols)
    if arr.ndim != 2:
        return text(str(value))
    rows = "".join(
        "<tr>" + "".join(f"<td>{text(format_number(v, 4))}</td>" for v in row) + "</tr>"
        for row in arr
    )
    return f'<table class="matrix">{rows}</table>'


def items(entries: Sequence[str], *, ordered: bool = False) -> str:
    """Already-safe HTML fragments as a list."""
    if not entries:
        return ""
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{e}</li>" for e in entries) + f"</{tag}>"
