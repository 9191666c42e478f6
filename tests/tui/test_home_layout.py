"""Home reads well from 60 columns up: at 60x20 the menu drops its descriptions and narrows so
the filter box shows every topic and pack whole (filter lists broke mid-word: 'complex' / 'ity');
80x24 and wider keep the menu with its descriptions. The filter screen's lists show every name
whole at every size."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from textual.widgets import OptionList, SelectionList

from qkv_drill.session.drill import DAILY_NEW_LIMIT
from qkv_drill.session.filters import Filter
from qkv_drill.tui.screens.home import MENU
from tests.helpers.tui import screen_text, settle

LISTS = ("#filter-topics", "#filter-packs", "#filter-difficulties")


def _shipped_app():
    """Home over every shipped pack: their topic and pack names are the ones to fit."""
    from qkv_drill import paths
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp

    return QkvDrillApp(
        include_shipped=True,
        include_user=False,
        store=Store(paths.progress_db_path(), tz=UTC),
        seed=7,
    )


async def _assert_names_whole(pilot) -> None:
    """With the three longest topic and pack names ticked, Home's filter box shows each whole on
    one line, and the box is on screen whole."""
    app = pilot.app
    questions = app.packset.questions.values()
    topics = sorted({q.topic for q in questions}, key=len)[-3:]
    packs = sorted({q.pack_id for q in questions}, key=len)[-3:]
    app.filter = Filter(topics=frozenset(topics), packs=frozenset(packs))
    app.screen._update_status()
    await settle(pilot)
    box = app.screen.query_one("#home-status")
    assert app.screen.region.contains_region(box.region), "the filter box is cut"
    text = screen_text(app)
    for name in [*topics, *packs]:
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), f"{name!r} broken"


async def _assert_lists_whole(pilot) -> None:
    """On the filter screen each name takes one line of its list, and the rows on screen show
    it whole after its box."""
    app = pilot.app
    await pilot.press("f")
    await settle(pilot)
    text = screen_text(app)
    for selector in LISTS:
        widget = app.screen.query_one(selector, SelectionList)
        values = [widget.get_option_at_index(i).value for i in range(widget.option_count)]
        assert len(widget._lines) == len(values), f"{selector}: a name wrapped"
        top = widget.scroll_offset.y
        visible = widget.scrollable_content_region.height
        inside = app.screen.region.intersection(widget.region)
        assert inside.height > 2, f"{selector} is off screen"
        for value in values[top : top + min(visible, inside.height - 2)]:
            assert f"▌ {value} " in text, f"{value!r} not shown whole in {selector}"
    await pilot.press("escape")
    await settle(pilot)


async def test_at_60_columns_every_topic_and_pack_is_shown_whole():
    app = _shipped_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        text = screen_text(app)
        for _where, key, label, _tip in MENU:
            assert f"{key} {label}" in text  # every mode, named whole
        assert "spaced repetition of what is due" not in text  # the descriptions make room
        everything = len(app.packset.questions)
        assert f"0 due · {min(everything, DAILY_NEW_LIMIT)} new" in text
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.region.right <= app.screen.query_one("#home-status").region.x
        assert f"{everything} of {everything} questions" in text
        await _assert_lists_whole(pilot)
        await _assert_names_whole(pilot)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_wider_home_keeps_the_menu_descriptions(size):
    app = _shipped_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert not app.screen.has_class("-narrow")
        text = screen_text(app)
        assert "spaced repetition of what is due" in text
        assert "d Drill  (0 due · " in text
        await _assert_lists_whole(pilot)
        await _assert_names_whole(pilot)


async def test_resizing_across_the_breakpoint_switches_the_menu_and_keeps_the_counts():
    app = _shipped_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        menu = app.screen.query_one("#menu", OptionList)
        menu.highlighted = 3
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        text = screen_text(app)
        assert "timed, marked at the end" not in text and "0 due · " in text
        assert menu.highlighted == 3  # the same entry stays under the cursor
        await _assert_names_whole(pilot)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert not app.screen.has_class("-narrow")
        assert "timed, marked at the end" in screen_text(app)
        assert "d Drill  (0 due · " in screen_text(app)
