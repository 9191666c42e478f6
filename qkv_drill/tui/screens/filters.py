"""Filter: the topics, packs and difficulties every mode asks from (none ticked means all).

A screen of its own rather than lists on Home: at 80x24 Home had room for the topics and part of
the packs, and the difficulties were below the fold. Here the three lists stand side by side,
whole, with the count of questions they let through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import SelectionList, Static

from qkv_drill.session.filters import Filter
from qkv_drill.tui.screens.base import AppScreen, matching
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.literal import literal
from qkv_drill.tui.widgets.ticks import TickList

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet

DIFFICULTIES = ("easy", "medium", "hard")
LISTS = (
    ("filter-topics", "Topics"),
    ("filter-packs", "Packs"),
    ("filter-difficulties", "Difficulty"),
)


def topics_and_packs(packset: PackSet) -> tuple[list[str], list[str]]:
    """Every topic and every pack id that has a question, sorted."""
    questions = packset.questions.values()
    return sorted({q.topic for q in questions}), sorted({q.pack_id for q in questions})


class FilterScreen(AppScreen[None]):
    """Tick topics, packs and difficulties; every change applies at once (esc goes back)."""

    CSS_PATH = "filters.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Done", tooltip="Back to Home", id="filter.done"),
        Binding(
            "c", "clear", "Clear", tooltip="Untick everything: every question", id="filter.clear"
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(("Filter", "bold"), ("  ·  none ticked in a list means all", "dim")),
            classes="title-bar",
        )
        with Horizontal(id="filter-lists"):
            for id, title in LISTS:
                ticks = TickList[str](id=id)
                ticks.border_title = title
                yield ticks
        yield Static("", id="filter-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.data_changed()
        self.query_one("#filter-topics").focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A list taking the focus has a row under the cursor, so space ticks at once."""
        widget = event.widget
        if isinstance(widget, SelectionList) and widget.highlighted is None and widget.option_count:
            widget.highlighted = 0

    def data_changed(self) -> None:
        """Packs (re)loaded: the lists over them, ticked as the app's filter says."""
        app = self.qkv_app
        if app.packset is None:
            return
        topics, packs = topics_and_packs(app.packset)
        current = app.filter
        for (id, _title), values, ticked in zip(
            LISTS,
            (topics, packs, DIFFICULTIES),
            (current.topics, current.packs, current.difficulties),
            strict=True,
        ):
            self._fill(id, values, ticked)
        self._show_count()

    def _fill(self, id: str, values: Sequence[str], ticked: frozenset[str]) -> None:
        widget = self.query_one(f"#{id}", SelectionList)
        with widget.prevent(SelectionList.SelectedChanged):
            widget.clear_options()
            widget.add_options([(literal(v), v, v in ticked) for v in values])

    def on_selection_list_selected_changed(self) -> None:
        def ticked(id: str) -> frozenset[str]:
            return frozenset(self.query_one(f"#{id}", SelectionList).selected)

        self.qkv_app.filter = Filter(
            topics=ticked("filter-topics"),
            packs=ticked("filter-packs"),
            difficulties=ticked("filter-difficulties"),
        )
        self._show_count()

    def _show_count(self) -> None:
        app = self.qkv_app
        if app.packset is not None:
            self.query_one("#filter-status", Static).update(matching(app.packset, app.filter))

    def action_clear(self) -> None:
        for id, _title in LISTS:
            self.query_one(f"#{id}", SelectionList).deselect_all()
