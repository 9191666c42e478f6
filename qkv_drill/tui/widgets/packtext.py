"""Text a pack or a user wrote, shown exactly as written.

Textual reads a plain `str` given to most widgets as markup, so a topic `[/]` would crash the app,
`[@click=app.quit]` would become a live action and `W[i]` would lose its `[i]`. Everything that
comes from a pack (titles, topics, options, rubric points, hints, feedback) or from the user goes
through `literal()`; markup strings are kept for the app's own words.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Markdown

from qkv_drill.tui.widgets.literal import literal

__all__ = ["PackMarkdown", "literal"]


class PackMarkdown(Markdown):
    """Markdown from a pack (prompts, explanations, model answers) that cannot act.

    Links stay visible as text but never open anything: a stranger's pack must not be able to
    send the user to a URL or run an app action by being clicked.
    """

    def __init__(self, markdown: str | None = None, **kwargs: Any) -> None:
        super().__init__(markdown, open_links=False, **kwargs)
