"""`literal()`: text a pack or a user wrote, as Content that no markup is read from.

Kept apart from packtext.PackMarkdown so that Home, drawn at start-up, does not import the
Markdown widget (markdown-it and its rules, about 20 ms) before a screen needs it.
"""

from __future__ import annotations

from textual.content import Content


def literal(text: object) -> Content:
    """`text` as Content with no markup read from it (control codes stripped by Content)."""
    return Content(str(text))
