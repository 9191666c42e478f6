"""A question's prompt laid out so the question sentence sits right above the answer box.

Prompts write each given matrix as `Q = ` followed by a header-less Markdown table. Drawn as
Markdown, four small matrices take ~40 rows and push the question off screen; here the tables are
lifted out into one `MatrixGrid` (side by side), the text before them leads, and the text after
them (the question itself) comes last, next to where the answer is typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.widget import Widget

from qkv_drill.tui.widgets.lightmark import PromptText
from qkv_drill.tui.widgets.matrix import MatrixGrid, Shown, as_rows

_CAPTION = re.compile(r"^(?P<label>.{0,60}?)\s*=\s*$", re.DOTALL)

Framed = tuple[object, ...]
"""The geometry one framing pass went by (regions, sizes and the scroll it chose)."""

FRAME_PASSES = 8
"""At most this many framing passes for one question; it settles in two to four."""


@dataclass
class PromptParts:
    """lead (text before the matrices), the matrices, ask (the text after them)."""

    lead: str = ""
    matrices: list[Shown] = field(default_factory=list)
    ask: str = ""


def _table_rows(lines: list[str]) -> list[list[float]] | None:
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(c and set(c) <= set("-: ") for c in cells):
            continue  # the |---| rule
        if not any(cells):
            continue  # the empty header row
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            return None
    if not rows or len({len(r) for r in rows}) != 1:
        return None
    return rows


def split_prompt(markdown: str) -> PromptParts:
    """Lift numeric tables (and their `name =` captions) out of a prompt."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown.strip("\n")) if p.strip()]
    parts = PromptParts()
    before: list[str] = []
    after: list[str] = []
    for para in paragraphs:
        lines = para.strip("\n").splitlines()
        rows = _table_rows(lines) if all(ln.lstrip().startswith("|") for ln in lines) else None
        if rows is None:
            after.append(para)
            continue
        caption = ""
        if after and (m := _CAPTION.match(after[-1].strip())):
            caption = m.group("label").strip()
            after.pop()
        parts.matrices.append(Shown(caption or f"matrix {len(parts.matrices) + 1}", rows))
        before.extend(after)  # text between matrices reads before the grid
        after = []
    if not parts.matrices:
        return PromptParts(ask=markdown)
    parts.lead = "\n\n".join(before)
    parts.ask = "\n\n".join(after)
    return parts


def parts_for(prompt: str, params: dict[str, Any] | None = None) -> PromptParts:
    """The prompt's own matrices, or (when it prints none) the instance's matrix parameters."""
    parts = split_prompt(prompt)
    if parts.matrices or not params:
        return parts
    for name, value in params.items():
        if isinstance(value, (list, tuple)) and value and (rows := as_rows(value)) is not None:
            parts.matrices.append(Shown(str(name), rows))
    if parts.matrices:
        parts.lead, parts.ask = "", prompt  # the whole prompt sits next to the answer box
    return parts


class PromptView(Vertical):
    """Lead text, the given matrices side by side, then the question sentence."""

    DEFAULT_CSS = """
    PromptView { height: auto; }
    PromptView > #prompt-lead { margin: 0; }
    PromptView > #prompt-matrices { height: auto; }
    PromptView > #prompt-ask { margin: 0; }
    """

    def compose(self) -> ComposeResult:
        yield PromptText(id="prompt-lead")
        yield Vertical(id="prompt-matrices")
        yield PromptText(id="prompt-ask")

    async def show(self, prompt: str, params: dict[str, Any] | None = None) -> None:
        parts = parts_for(prompt, params)
        lead = self.query_one("#prompt-lead", PromptText)
        await lead.update(parts.lead)
        lead.display = bool(parts.lead.strip())
        box = self.query_one("#prompt-matrices", Vertical)
        await box.remove_children()
        if parts.matrices:
            await box.mount(MatrixGrid(parts.matrices, id="matrices"))
        box.display = bool(parts.matrices)
        await self.query_one("#prompt-ask", PromptText).update(parts.ask)

    @property
    def ask(self) -> PromptText:
        """The question sentence's widget (tests check it stays on screen)."""
        return self.query_one("#prompt-ask", PromptText)

    def frame(self, body: ScrollableContainer, last: Widget, first: Widget | None = None) -> Framed:
        """Scroll `body` just enough that `last` (the answer widget, or the line under it) and
        the question sentence both show. On a small terminal the line under the box (`last`,
        when the box is `first`) gives way first; when the sentence and the box still do not
        both fit, the box wins: typing never goes into a box out of sight, and the end of the
        sentence stays right above it.

        Returns what it went by: the same value from the next pass means the layout has
        settled (see `settle_frame`)."""
        top = body.content_region.y - int(body.scroll_y)
        height = body.content_region.height
        need = max(0, last.region.bottom - top - height)  # from the top: safe to call again
        box = first or last
        need_box = box.region.bottom - top - height
        sentence = self.ask.region.y - top
        if need <= sentence:
            y = need
        elif need_box <= sentence:
            y = sentence
        else:
            y = min(max(need_box, 0), box.region.y - top)
        if y != int(body.scroll_y):
            body.scroll_to(y=y, animate=False)
        return (body.content_region, body.virtual_size, last.region, box.region, self.ask.region, y)


def settle_frame(
    widget: Widget,
    frame: Callable[[], Framed | None],
    passes: int = FRAME_PASSES,
    seen: Framed | None = None,
) -> None:
    """Frame now, then again after each refresh until a pass sees what the one before saw.

    A question's parts get their final heights over several refreshes (prompt paragraphs,
    matrices, a list whose options wrap), and how many depends on the machine's load: framing a
    fixed number of times left the answer box below the screen when the last height came late.
    `frame` returns None when there is nothing to frame (the screen is gone)."""
    now = frame()
    if now is not None and now != seen and passes > 1:
        widget.call_after_refresh(settle_frame, widget, frame, passes - 1, now)
        widget.refresh()  # a refresh is what runs the next pass: never wait for another cause
