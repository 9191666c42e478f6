"""The light prompt renderer gives exactly what Textual's Markdown widget gives, or declines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from textual.content import Content, Span
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

from qkv_drill.packs.instance import draw
from qkv_drill.tui.widgets.lightmark import LightText, PromptText, light_content
from qkv_drill.tui.widgets.packtext import PackMarkdown
from qkv_drill.tui.widgets.prompt import parts_for
from tests.helpers.cli import run_python
from tests.helpers.shipped import shipped


def markdown_widget_content(text: str) -> Content | None:
    """What the Markdown widget shows for `text` when it is only paragraphs: each paragraph's
    Content as Textual builds it, a blank line between them; None for any other block."""
    parts: list[Content] = []
    for token in MarkdownIt("gfm-like").parse(text):
        if token.type in ("paragraph_open", "paragraph_close"):
            continue
        if token.type != "inline":
            return None
        parts.append(MarkdownBlock._token_to_content(None, token))  # type: ignore[arg-type]
    spans: list[Span] = []
    offset = 0
    for i, part in enumerate(parts):
        offset += 2 if i else 0
        spans += [Span(s.start + offset, s.end + offset, s.style) for s in part.spans]
        offset += len(part.plain)
    return Content("\n\n".join(p.plain for p in parts), spans=spans)


def same(a: Content, b: Content) -> bool:
    key = lambda c: (c.plain, [(s.start, s.end, str(s.style)) for s in c.spans])  # noqa: E731
    return key(a) == key(b)


def test_every_shipped_prompt_is_drawn_as_the_markdown_widget_draws_it():
    light = total = 0
    for q in shipped().values():
        if q.type == "code":
            continue
        instance = draw(q, 0)
        parts = parts_for(instance.prompt, instance.params)
        for text in (parts.lead, parts.ask):
            if not text.strip():
                continue
            total += 1
            ours = light_content(text)
            if ours is None:
                continue
            light += 1
            theirs = markdown_widget_content(text)
            assert theirs is not None and same(ours, theirs), (q.id, text)
    assert light > 0.8 * total  # most prompts skip the Markdown widget


@pytest.mark.parametrize(
    "text",
    [
        "- a list",
        "# A heading",
        "Text with a [link](http://x.org)",
        "see model.py",
        "a *stressed* word",
        "an _emphasis_ here",
        "```\ncode\n```",
        "| a | b |\n|---|---|",
        "line one  \nline two",
        "a \\* escaped",
        "&amp; entity",
        "<b>html</b>",
        "~~struck~~",
        "Title\n=====",
        "    indented code",
    ],
)
def test_anything_beyond_paragraphs_code_and_bold_is_left_to_markdown(text):
    assert light_content(text) is None


def test_paragraphs_code_and_bold():
    content = light_content("Scores are **scaled** by\n`1/sqrt(d_k)`.\n\nWhy d_k?")
    assert content is not None
    assert content.plain == "Scores are scaled by 1/sqrt(d_k).\n\nWhy d_k?"
    spans = [(s.start, s.end, s.style) for s in content.spans]
    assert spans == [(11, 17, ".strong"), (21, 32, ".code_inline")]


@pytest.mark.parametrize("text", ["``1`", "`1``", "a ``b` c", "``a`b``", "` `b`"])
def test_a_code_span_takes_whole_backtick_runs(text):
    """Found by the random test below: a span inside an unmatched longer run is not one."""
    ours = light_content(text)
    if ours is not None:
        theirs = markdown_widget_content(text)
        assert theirs is not None and same(ours, theirs)


@pytest.mark.parametrize("text", ["``1`", "a ``b` c", "`1``", "``a`b``", "` b `", "`a` and ``c``"])
def test_options_read_code_spans_as_prompts_do(text):
    """Choice options share this parser for code spans: markdown-it's whole backtick runs
    ('``1`' is text, not a backtick and then `1`), one space trimmed from each end."""
    from qkv_drill.tui.widgets.choices import option_text

    theirs = markdown_widget_content(text)
    assert theirs is not None and same(option_text(text), theirs)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="ab1 _`*\n#-.[]()<>&\\|~:/@=xyz", max_size=40))
def test_random_text_is_declined_or_drawn_as_markdown_draws_it(text):
    ours = light_content(text)
    if ours is not None:
        theirs = markdown_widget_content(text)
        assert theirs is not None and same(ours, theirs)


def test_pack_text_is_never_read_as_markup():
    rendered = light_content("Press `[@click=app.quit]` or `[b]` now")
    assert rendered is not None and rendered.plain == "Press [@click=app.quit] or [b] now"
    assert [s.style for s in rendered.spans] == [".code_inline", ".code_inline"]


def cells(strips) -> list[tuple[str, object]]:
    """Each cell's character and visible style (meta, which nobody sees, left out)."""
    return [
        (ch, seg.style.clear_meta_and_links() if seg.style else None)
        for strip in strips
        for seg in strip
        for ch in seg.text
    ]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_light_text_looks_like_the_markdown_widget(theme):
    """The same cells, characters and styles, as the Markdown widget draws."""
    from textual.app import App

    text = "Scores are **scaled** by `1/sqrt(d_k)`, the\nkey width.\n\nWhy d_k and not d?"

    class Both(App):
        def compose(self):
            yield PromptText(id="ours")
            yield Markdown(text, id="theirs")

    app = Both()
    app.theme = theme
    async with app.run_test(size=(40, 16)) as pilot:
        await app.query_one("#ours", PromptText).update(text)
        await pilot.pause()
        ours, theirs = app.query_one("#ours"), app.query_one("#theirs")
        assert [type(w) for w in ours.children] == [LightText, LightText]  # one per paragraph
        assert ours.region.size == theirs.region.size and ours.region.height == 5
        strips = app.screen._compositor.render_strips()
        rows = ours.region.height
        a = strips[ours.region.y : ours.region.y + rows]
        b = strips[theirs.region.y : theirs.region.y + rows]
        assert [s.text for s in a] == [s.text for s in b]
        assert cells(a) == cells(b)


async def test_prompt_text_falls_back_to_markdown_and_back():
    from textual.app import App

    class One(App):
        def compose(self):
            yield PromptText(id="p")

    app = One()
    async with app.run_test(size=(40, 10)) as pilot:
        p = app.query_one(PromptText)
        await p.update("one\n\ntwo")
        await pilot.pause()
        first, second = p.children
        await p.update("- a\n- b")
        await pilot.pause()
        assert [type(w) for w in p.children] == [LightText, LightText, PackMarkdown]
        markdown = p.children[2]
        assert markdown.display and not first.display and not second.display
        await p.update("plain `text`")
        await pilot.pause()
        assert first.display and not second.display and not markdown.display
        assert str(first.render()) == "plain text" and len(p.children) == 3


def test_the_question_screen_imports_no_markdown_parser():
    """Its prompts mostly skip the Markdown widget: importing it (and markdown-it) waits for
    the first prompt, or verdict, that needs it."""

    code = (
        "import sys\n"
        "import qkv_drill.tui.app, qkv_drill.tui.screens.question\n"
        "print(sorted(m for m in ('markdown_it', 'textual.widgets._markdown') if m in sys.modules))"
    )
    assert run_python(code).strip() == "[]"
