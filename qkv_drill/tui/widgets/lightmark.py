"""Pack text in the few Markdown forms prompts use (paragraphs, `code` and **bold**), drawn as
one Static per paragraph: the same cells and styles as Textual's Markdown widget, without its
parser (about 15 ms to import) and its parse.

`light_content` accepts only what it can render exactly as the Markdown widget would and returns
None for anything else (a list, a heading, a table, a fence, a link, an escape, `_emphasis_`, a
hard break...): `PromptText` then falls back to the Markdown widget. Nothing is read as markup or
as an action: the text is taken literally, as `literal()` takes it. Choice options draw their
code spans through the same parser and the same `.code_inline` rules (`code_spans`,
`code_inline_css`), so a span reads and looks the same in an option as in the prompt above it.
tests/tui/test_lightmark.py compares the result with the Markdown widget's own for every shipped
prompt and for random text.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual.containers import Vertical
from textual.content import Content, Span
from textual.widgets import Static

_BLOCK = re.compile(
    r"""^(?:
        \s                      # indented: code block or lazy continuation
        | [#>|<]                # heading, quote, table, HTML
        | [-+*](?:\s|$)         # bullet
        | \d{1,9}[.)](?:\s|$)   # numbered item
        | [-=*_\s]+$            # setext underline, thematic break
        | ```|~~~               # fence
    )""",
    re.VERBOSE,
)
# A code span opens and closes with whole backtick runs of one length: markdown-it reads an
# unmatched run as text, so "``1`" has no span (not "`" and then `1`).
_CODE_SPAN = r"(?<!`)(?P<ticks>`+)(?!`)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)"
_CODE = re.compile(_CODE_SPAN, re.DOTALL)
_INLINE = re.compile(
    rf"(?P<code>{_CODE_SPAN})|\*\*(?P<strong>[^*`\n]+?)\*\*",
    re.DOTALL,
)
_REFUSED = re.compile(r"[\\<\[\]&~|*`]|://|www\.|@|\w\.[A-Za-z]{2}")
"""In text outside code spans: escapes, HTML, links, entities, strikethrough, tables, stray
emphasis or backticks, and what linkify would turn into a link."""
_STRONG_BEFORE = re.compile(r"(?:^|[\s(])$")
_STRONG_AFTER = re.compile(r"^(?:$|[\s.,;:!?)])")


def code_inline_css(widget: str) -> str:
    """The Markdown widget's rules for a code span, for the `code_inline` component class of
    `widget` (a type name): the one place they are written, so options draw a code span exactly
    as prompts do."""
    return f"""
    {widget}:dark > .code_inline {{ background: $warning 10%; color: $text-warning 95%; }}
    {widget}:light > .code_inline {{ background: $error 5%; color: $text-error 95%; }}
    {widget}:ansi > .code_inline {{ background: ansi_default !important; }}
    """


def _plain(text: str) -> str | None:
    """Text between spans, whitespace runs made one space; None if Markdown would read it."""
    if _REFUSED.search(text):
        return None
    for m in re.finditer("_", text):  # only inside a word (d_k), never emphasis
        i = m.start()
        if not (0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()):
            return None
    return re.sub(r"\s+", " ", text)


def _code(body: str) -> str:
    """A code span's text as markdown-it gives it: line ends as spaces, one space stripped
    from each end when both ends have one."""
    body = body.replace("\n", " ")
    if body.startswith(" ") and body.endswith(" ") and body.strip(" "):
        body = body[1:-1]
    return body


def code_spans(text: str, code: str = ".code_inline") -> Content:
    """`text` taken literally but for its code spans, read as a prompt reads them (backticks
    gone) and styled `code` (by default the widget's `.code_inline`, as a prompt draws them):
    one-line pack text that is not a prompt."""
    out: list[str] = []
    spans: list[Span] = []
    size = at = 0
    for m in _CODE.finditer(text):
        body = _code(m.group("body"))
        out += [text[at : m.start()], body]
        size += m.start() - at
        spans.append(Span(size, size + len(body), code))
        size += len(body)
        at = m.end()
    out.append(text[at:])
    return Content("".join(out), spans=spans)


def _paragraph(source: str) -> tuple[str, list[Span]] | None:
    out: list[str] = []
    spans: list[Span] = []
    size = 0
    at = 0
    for m in _INLINE.finditer(source):
        between = _plain(source[at : m.start()])
        if between is None:
            return None
        out.append(between)
        size += len(between)
        if m.group("code") is not None:
            text, style = _code(m.group("body")), ".code_inline"
        else:
            strong = m.group("strong")
            flanked = (  # opens and closes as markdown-it's emphasis rules say, for sure
                strong[0].isalnum()
                and strong[-1].isalnum()
                and _STRONG_BEFORE.search(source[: m.start()])
                and _STRONG_AFTER.search(source[m.end() :])
            )
            plain = _plain(strong) if flanked else None
            if plain is None:
                return None
            text, style = plain, ".strong"
        out.append(text)
        spans.append(Span(size, size + len(text), style))
        size += len(text)
        at = m.end()
    rest = _plain(source[at:])
    if rest is None:
        return None
    out.append(rest)
    return "".join(out), spans


def light_paragraphs(markdown: str) -> list[Content] | None:
    """The paragraphs of `markdown`, each as Content, or None when it uses any Markdown beyond
    paragraphs, `code` and **bold**."""
    paragraphs: list[list[str]] = [[]]
    for line in markdown.split("\n"):
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if _BLOCK.match(line) or line != line.rstrip() or "\t" in line:
            return None
        paragraphs[-1].append(line)
    out: list[Content] = []
    for lines in (p for p in paragraphs if p):
        parsed = _paragraph("\n".join(lines))
        if parsed is None:
            return None
        text, spans = parsed
        out.append(Content(text, spans=spans))
    return out


def light_content(markdown: str) -> Content | None:
    """`light_paragraphs` as one Content, a blank line between paragraphs (as they show)."""
    paragraphs = light_paragraphs(markdown)
    if paragraphs is None:
        return None
    texts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for paragraph in paragraphs:
        if texts:
            offset += 2
        spans += [Span(s.start + offset, s.end + offset, s.style) for s in paragraph.spans]
        texts.append(paragraph.plain)
        offset += len(paragraph.plain)
    return Content("\n\n".join(texts), spans=spans)


class LightText(Static):
    """A paragraph styled as the Markdown widget styles one (its padding, its paragraph margin,
    its inline code and bold)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"code_inline", "strong"}
    DEFAULT_CSS = """
    LightText {
        height: auto;
        padding: 0 2;
        margin: 0 0 1 0;
        color: $foreground;
        & > .strong { text-style: bold; }
    }
    """ + code_inline_css("LightText")


class PromptText(Vertical):
    """Pack Markdown shown as `LightText` paragraphs when it can be, else by the Markdown widget
    (imported the first time one is needed), as the Markdown widget lays out its paragraphs."""

    DEFAULT_CSS = """
    PromptText { height: auto; }
    """

    async def update(self, markdown: str) -> None:
        paragraphs = light_paragraphs(markdown)
        lights = list(self.query_children(LightText))
        fallback = next((w for w in self.children if not isinstance(w, LightText)), None)
        if paragraphs is not None:
            if fallback is not None:
                fallback.display = False
            for light, content in zip(lights, paragraphs, strict=False):
                light.update(content)
                light.display = True
            for extra in lights[len(paragraphs) :]:
                extra.display = False
            if len(paragraphs) > len(lights):
                more = [LightText(p) for p in paragraphs[len(lights) :]]
                await self.mount_all(more, before=fallback)  # (None: at the end)
            return
        for light in lights:
            light.display = False
        if fallback is None:
            from qkv_drill.tui.widgets.packtext import PackMarkdown

            fallback = PackMarkdown()
            await self.mount(fallback)
        fallback.display = True
        await fallback.update(markdown)  # type: ignore[attr-defined]
