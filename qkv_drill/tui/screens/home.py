"""Home: pick a mode, and narrow every mode to some topics, packs and difficulties."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.tui.widgets.ticks import TickList

from qkv_drill import startup_gc
from qkv_drill.session.filters import Filter
from qkv_drill.tui.screens.base import AppScreen
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.literal import literal

DIFFICULTIES = ("easy", "medium", "hard")
NARROW_BELOW = 72
"""Columns under which the menu drops its one-line descriptions and narrows, so the filter
lists keep room for whole topic names (at 60 columns they broke mid-word)."""
MENU = (
    ("practice", "p", "Practice", "questions with instant feedback"),
    ("drill", "d", "Drill", "spaced repetition of what is due"),
    ("weakest", "w", "Drill weakest", "your lowest-accuracy topics"),
    ("mock", "m", "Mock interview", "timed, marked at the end"),
    ("browse", "b", "Browse", "find questions, see history"),
    ("packs", "k", "Packs", "question packs and their status"),
    ("stats", "s", "Stats", "accuracy, streak, due forecast"),
)


def _binding(key: str, where: str, label: str, tip: str) -> Binding:
    short = {"Mock interview": "Mock", "Drill weakest": "Weakest"}.get(label, label)
    return Binding(
        key, f"app.go('{where}')", short, tooltip=tip, id=f"home.{where}", show=where != "weakest"
    )


class HomeScreen(AppScreen[None]):
    """The first frame: drawn before packs load, filled in when they arrive."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(_binding(key, where, label, tip) for where, key, label, tip in MENU),
        Binding(
            "f",
            "focus_filters",
            "Filter",
            tooltip="Choose topics, packs, difficulties",
            id="home.filter",
        ),
        Binding(
            "c",
            "clear_filters",
            "Clear",
            tooltip="Ask from every question again",
            id="home.clear",
            show=False,
        ),
        Binding(
            "r",
            "app.reload_packs",
            "Reload",
            tooltip="Read every pack again after editing",
            id="home.reload",
        ),
    ]

    _shown_generation = -1
    """The app's load_generation that the lists and counts on screen come from."""
    _resumed = False
    """Shown at least once (a later resume is a return, after which counts may have moved)."""
    _lists_from: PackSet | None = None
    """The packs the filter lists were built from (the load that brings the store keeps them)."""

    def compose(self) -> ComposeResult:
        app = self.qkv_app
        packset = app.packset  # from the first load, or the packs alone while the store opens
        if app.ready:  # the whole first load is in: Home is built complete, counts and all
            self.due = app.take_loaded_due(app.filter)
            if self.due is not None:
                self._shown_generation = app.load_generation
        self.set_class(self._narrow(self.app.size.width), "-narrow")
        yield Static(
            Text.assemble(
                ("qkv-drill", "bold"),
                ("  ·  Q, K, V and the attention interview", "dim"),
            ),
            id="title",
        )
        with Horizontal(id="home-body"):
            with Vertical(id="menu-column"):
                yield OptionList(*self._menu_options(), id="menu")
                yield Static(self._status_text() or "Loading packs…", id="home-status")
            # Built with Home when the packs came from the cache (one layout), else filled once
            # they load: empty lists would say nothing.
            with VerticalScroll(id="filters"):
                if packset is not None:
                    yield from self._lists_for(packset)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#menu", OptionList).focus()
        if self._shown_generation == self.qkv_app.load_generation:  # built complete
            self.call_after_refresh(startup_gc.resume)  # Home is up: start-up is over
        elif self.qkv_app.ready:
            self.call_next(self.data_changed)

    @staticmethod
    def _narrow(width: int) -> bool:
        return width < NARROW_BELOW

    def on_resize(self, event: events.Resize) -> None:
        narrow = self._narrow(event.size.width)
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            menu = self.query_one("#menu", OptionList)
            for option in self._menu_options():
                if option.id is not None:
                    menu.replace_option_prompt(option.id, option.prompt)

    def on_screen_resume(self) -> None:
        """Back from a drill (or anything that answers): the due and new counts move on."""
        app = self.qkv_app
        returning, self._resumed = self._resumed, True  # the first resume is the first show
        if not app.ready:  # not before packs load
            return
        if self._shown_generation != app.load_generation:  # this load is not on screen yet
            self.call_next(self.data_changed)
        elif returning:
            self.refresh_due()

    def _lists_for(self, packset: PackSet) -> list[TickList[str]]:
        """The filter lists over `packset`, ticked as the app's filter says."""
        self._lists_from = packset
        topics, packs = self._topics_and_packs(packset)
        return self._filter_lists(topics, packs, self.qkv_app.filter)

    @staticmethod
    def _topics_and_packs(packset: PackSet) -> tuple[list[str], list[str]]:
        questions = packset.questions.values()
        return sorted({q.topic for q in questions}), sorted({q.pack_id for q in questions})

    def _filter_lists(
        self, topics: list[str], packs: list[str], current: Filter
    ) -> list[TickList[str]]:
        """The three lists, built with their options and ticks (mounted once, full: one layout
        pass rather than one for the empty lists and one per list filled)."""
        from qkv_drill.tui.widgets.ticks import TickList  # not needed for the first frame

        def ticks(values: Sequence[str], ticked: frozenset[str], id: str) -> TickList[str]:
            return TickList[str](*((literal(v), v, v in ticked) for v in values), id=id)

        lists = [
            ticks(topics, current.topics, "filter-topics"),
            ticks(packs, current.packs, "filter-packs"),
            ticks(DIFFICULTIES, current.difficulties, "filter-difficulties"),
        ]
        for widget in lists[:2]:  # no row stands out until focused (the difficulties' first does,
            widget.highlighted = None  # as when these two were filled after mounting)
        for widget, title in zip(lists, ("Topics", "Packs", "Difficulty"), strict=True):
            widget.border_title = title
        return lists

    due: tuple[int, int] | None = None
    """Drill cards (due now, new) under the current filter, once counted."""

    def _menu_options(self) -> list[Option]:
        """One entry per mode: its key, its name and what it does; narrow, the name alone
        (and the drill counts on a line of their own)."""
        options = []
        narrow, due = self.has_class("-narrow"), self.due
        for where, key, label, tip in MENU:
            prompt = f"[b $accent]{key}[/] [b]{label}"
            if where == "drill" and due is not None:
                counts = f"{due[0]} due · {due[1]} new"
                prompt += f"[/]\n  [dim]{counts}[/]" if narrow else f"  ({counts})[/]"
            else:
                prompt += "[/]"
            if not narrow:
                prompt += f"\n  [dim]{tip}[/]"
            options.append(Option(prompt, id=where))
        return options

    # -- data --------------------------------------------------------------------------------

    async def data_changed(self) -> None:
        """Packs (re)loaded: rebuild the filter lists, keeping what was selected, and show the
        due counts the load counted (all in one update: one layout, not one per list)."""
        from textual.widgets import SelectionList

        app = self.qkv_app
        packset, _store = app.require_data()
        if self._shown_generation == app.load_generation:
            return  # already shown (the app and Home's own first show may both ask)
        if not self.query("#home-status"):
            return  # loaded before Home was built (a cached start): its on_mount asks again
        self._shown_generation = app.load_generation
        current = app.filter
        with app.batch_update():
            if packset is self._lists_from:  # built with Home, from the start-up cache
                pass
            elif not self.query("#filter-topics"):  # the first load: built full, mounted once
                await self.query_one("#filters").mount_all(self._lists_for(packset))
            else:
                self._lists_from = packset
                topics, packs = self._topics_and_packs(packset)
                self._fill("#filter-topics", topics, current.topics)
                self._fill("#filter-packs", packs, current.packs)
                diff = self.query_one("#filter-difficulties", SelectionList)
                with diff.prevent(SelectionList.SelectedChanged):
                    diff.deselect_all()
                    for d in current.difficulties:
                        diff.select(d)
            self._update_status()
            counted = app.take_loaded_due(current)
            if counted is None:
                self.refresh_due()
            else:
                self._show_due(counted)

    def _fill(self, selector: str, values: list[str], selected: frozenset[str]) -> None:
        from textual.widgets import SelectionList

        widget = self.query_one(selector, SelectionList)
        with widget.prevent(SelectionList.SelectedChanged):
            widget.clear_options()
            widget.add_options([(literal(v), v, v in selected) for v in values])

    def on_selection_list_selected_changed(self) -> None:
        from textual.widgets import SelectionList

        self.qkv_app.filter = Filter(
            topics=frozenset(self.query_one("#filter-topics", SelectionList).selected),
            packs=frozenset(self.query_one("#filter-packs", SelectionList).selected),
            difficulties=frozenset(self.query_one("#filter-difficulties", SelectionList).selected),
        )
        self._update_status()
        self.refresh_due()

    def _update_status(self) -> None:
        text = self._status_text()
        status = self.query_one("#home-status", Static)
        if text is not None and text != status.content:  # (an update costs a layout)
            status.update(text)

    def _status_text(self) -> Text | None:
        """How many questions the filter lets through (None before the packs are in)."""
        app = self.qkv_app
        if app.packset is None:
            return None
        n = len(app.filter.select(app.packset.questions.values()))
        total = len(app.packset.questions)
        return Text.assemble(
            (f"{n}", "bold"),
            f" of {total} questions match",
            ("\n" + app.filter.describe(), "dim"),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="due")
    def refresh_due(self) -> None:
        """How many drill cards are due under the current filter (fsrs loads in this thread)."""
        app = self.qkv_app
        if app.packset is None or app.store is None:
            return
        due = app.count_due(app.packset, app.store, app.filter)
        self.app.call_from_thread(self._show_due, due)

    def _show_due(self, due: tuple[int, int]) -> None:
        if not self.is_attached:
            return
        self.due = due
        drill = next(o for o in self._menu_options() if o.id == "drill")
        self.query_one("#menu", OptionList).replace_option_prompt("drill", drill.prompt)
        self.call_after_refresh(startup_gc.resume)  # Home is complete: start-up is over

    @on(OptionList.OptionSelected, "#menu")
    async def _menu_selected(self, event: OptionList.OptionSelected) -> None:
        await self.app.run_action(f"go('{event.option.id}')")

    def action_focus_filters(self) -> None:
        from textual.widgets import SelectionList

        for widget in self.query("#filter-topics").results(SelectionList):
            widget.focus()

    def action_clear_filters(self) -> None:
        from textual.widgets import SelectionList

        for selector in ("#filter-topics", "#filter-packs", "#filter-difficulties"):
            for widget in self.query(selector).results(SelectionList):
                widget.deselect_all()
