"""Home: pick a mode, and see which questions every mode asks from (the filter, `f`)."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qkv_drill import startup_gc
from qkv_drill.session.filters import Filter
from qkv_drill.tui.screens.base import AppScreen, matching
from qkv_drill.tui.widgets.footer import KeyFooter

NARROW_BELOW = 72
"""Columns under which the menu drops its one-line descriptions and narrows, so the filter
box keeps room for whole topic names."""
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


SHOWN_TICKS = 4
"""Names shown per filter list on Home; more are counted ("a, b, c and 5 more")."""


def _ticked(values: frozenset[str]) -> Text:
    """The names ticked in one filter list, in a few words: "all" when none are."""
    if not values:
        return Text("all", "dim")
    names = sorted(values)
    if len(names) > SHOWN_TICKS:
        shown = SHOWN_TICKS - 1
        return Text(", ".join(names[:shown]) + f" and {len(names) - shown} more")
    return Text(", ".join(names))


class HomeScreen(AppScreen[None]):
    """The first frame: drawn before packs load, filled in when they arrive."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(_binding(key, where, label, tip) for where, key, label, tip in MENU),
        Binding(
            "f",
            "filter",
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
    """The app's load_generation that the counts on screen come from."""
    _resumed = False
    """Shown at least once (a later resume is a return, after which counts may have moved)."""
    _status_of: tuple[Filter, int] | None = None
    """The filter and load the filter box shows (a redraw costs a layout)."""

    def compose(self) -> ComposeResult:
        app = self.qkv_app
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
            status = Static(self._status() or "Loading packs…", id="home-status")
            status.border_title = "Filter"
            yield status
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
            for menu in self.query("#menu").results(OptionList):  # (none before compose)
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
        elif returning:  # (from the filter screen too: the box shows the filter it left)
            self._update_status()
            self.refresh_due()

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

    def data_changed(self) -> None:
        """Packs (re)loaded: the filter box, and the due counts the load counted."""
        app = self.qkv_app
        if self._shown_generation == app.load_generation:
            return  # already shown (the app and Home's own first show may both ask)
        if not app.ready or not (self.query("#menu") and self.query("#home-status")):
            return  # loaded before Home was built (or while it mounts): its on_mount asks again
        self._shown_generation = app.load_generation
        self._update_status()
        counted = app.take_loaded_due(app.filter)
        if counted is None:
            self.refresh_due()
        else:
            self._show_due(counted)

    def _update_status(self) -> None:
        status = self._status()
        if status is not None:
            self.query_one("#home-status", Static).update(status)

    def _status(self) -> Group | None:
        """The filter, list by list, and how many questions it lets through (None before the
        packs are in, or when the box already shows this filter over these packs)."""
        app = self.qkv_app
        shown = (app.filter, id(app.packset))
        if app.packset is None or shown == self._status_of:
            return None
        self._status_of = shown
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        current = app.filter
        for label, values in (
            ("Topics", current.topics),
            ("Packs", current.packs),
            ("Difficulty", current.difficulties),
            ("Questions", current.ids),
        ):
            if values or label != "Questions":
                table.add_row(label, _ticked(values))
        hint = Text.assemble(("f", "bold"), " choose  ", ("c", "bold"), " clear", style="dim")
        return Group(table, Text(), matching(app.packset, current), hint)

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

    def action_filter(self) -> None:
        if not self.qkv_app.ready:
            self.notify("Still loading packs…", timeout=2)
            return
        from qkv_drill.tui.screens.filters import FilterScreen

        self.app.push_screen(FilterScreen())

    def action_clear_filters(self) -> None:
        if self.qkv_app.filter != Filter():
            self.qkv_app.filter = Filter()
            self._update_status()
            self.refresh_due()
