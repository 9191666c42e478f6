"""The Textual app: shows Home at once, loads packs and the store in a thread, routes screens.

On a start with the packs in the start-up cache (unchanged since the last run), Home is built
with them (a few milliseconds of unpickling on the UI thread): one layout instead of two. The
store always opens in the thread, since another program's lock may hold it for seconds.

Start-up imports only textual and the Home screen; the sessions (numpy, fsrs) are imported in
worker threads, torch only when a question needs it, plotext only on the Stats screen.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

from textual import on, work
from textual.app import App, CSSPathType
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel

from qkv_drill import startup_gc
from qkv_drill.session.filters import Filter
from qkv_drill.startup_load import DueCount, Loaded, LoadRequest, Preload
from qkv_drill.startup_load import load as load_everything
from qkv_drill.tui.commands import QkvCommands
from qkv_drill.tui.opening import OpeningApp
from qkv_drill.tui.screens.home import HomeScreen

if TYPE_CHECKING:  # the packs, the store and the sessions load in a worker, after the first frame
    from textual.screen import Screen

    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.clock import Clock
    from qkv_drill.session.drill import DrillSession
    from qkv_drill.session.options import SessionOptions
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.store import MockRow, Store

READY_ENV = "QKV_DRILL_READY_FILE"
COMPLETE_WAIT_S = 0.05
"""How long the first screen waits for the first load to finish, at most: it is usually done
(begun before textual was imported), but another program's lock can hold the store for
seconds, and a cache miss parses every pack."""


def signal_ready(path: str | None = None) -> None:
    """Write time, peak RSS and whether torch is loaded to $QKV_DRILL_READY_FILE (benchmarks)."""
    path = path or os.environ.get(READY_ENV)
    if not path:
        return
    import json
    import resource

    info = {
        "t": time.time(),
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "torch": "torch" in sys.modules,
        "numpy": "numpy" in sys.modules,
    }
    Path(path).write_text(json.dumps(info), encoding="utf-8")


class QkvDrillApp(OpeningApp):
    """qkv-drill: practice, drill and mock interviews on attention's Q, K and V."""

    TITLE = "qkv-drill"
    # Home is the default screen, whose own CSS_PATH Textual does not load: list it here.
    CSS_PATH: ClassVar[CSSPathType | None] = ["app.tcss", "screens/home.tcss"]
    COMMANDS = App.COMMANDS | {QkvCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "reload_packs",
            "Reload packs",
            tooltip="Read every pack again after editing one",
            id="app.reload_packs",
            show=False,
        ),
        Binding(
            "question_mark,f1",
            "help",
            "Keys",
            key_display="?",
            tooltip="The keys that work right now on this screen",
            id="app.help",
        ),
        Binding(
            "f2",
            "toggle_dark",
            "Theme",
            tooltip="Switch between the light and the dark theme",
            id="app.toggle_theme",
            show=False,
        ),
    ]

    class DataLoaded(Message):
        """Packs and store are ready (or were reloaded)."""

        def __init__(self, loaded: Loaded) -> None:
            super().__init__()
            self.loaded = loaded

    def __init__(
        self,
        extra_packs: Sequence[Path] = (),
        start: str | None = None,
        options: SessionOptions | None = None,
        *,
        include_shipped: bool = True,
        include_user: bool = True,
        store_path: Path | None = None,
        store: Store | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
        preload: Preload | None = None,
    ) -> None:
        super().__init__()
        self.extra_packs = [Path(p) for p in extra_packs]
        self.start = start
        self.options = options
        self.include_shipped = include_shipped
        self.include_user = include_user
        self.store_path = store_path
        self.clock = clock
        self.seed = seed if seed is not None else (options.seed if options else None)
        self.filter: Filter = options.filter if options is not None else Filter()
        self.packset: PackSet | None = None
        self.store: Store | None = store
        self.load_generation = 0
        """Bumped on each (re)load, so screens can tell their data is stale."""
        self.loaded_due: DueCount | None = None
        """The due counts the last load made, until Home takes them (`take_loaded_due`)."""
        self.preload = preload
        """The first load, until the app takes its result (begun by `qkv-drill` before
        importing textual, else when the first screen is built)."""
        self._unannounced: Loaded | None = None
        """A load taken but not yet told about (notifications, resume, screens' data_changed)."""

    def get_default_screen(self) -> Screen[Any]:
        if self.start in ("practice", "drill"):  # their screen goes on top at once
            from qkv_drill.tui.screens.start import HomeLater

            return HomeLater()
        # Home is built once, complete, when the load begun before textual was imported is done
        # by now (the usual case); else with the packs alone if they are read, else empty.
        preload = self._preload()
        loaded = preload.wait(COMPLETE_WAIT_S)
        if loaded is not None:
            self._apply(loaded)
        else:
            self.packset = preload.packs()
            self.load_data()
        return HomeScreen(id="home")

    def _preload(self) -> Preload:
        """The first load: the one `qkv-drill` began before importing textual, or begun now."""
        if self.preload is None:
            self.preload = Preload(self._request())
        return self.preload

    def _request(self) -> LoadRequest:
        return LoadRequest(
            tuple(self.extra_packs),
            include_shipped=self.include_shipped,
            include_user=self.include_user,
            store_path=self.store_path,
            store=self.store,
            due_under=self.filter if self.start is None else None,
            offer_resume=self.load_generation == 0,
            seed=self.seed,
            clock=self.clock,
        )

    def on_mount(self) -> None:
        # The collector, off since start-up began, is on again once the first screen is up
        # (Home and practice say when), and at the latest after this.
        self.set_timer(startup_gc.LATEST_S, startup_gc.resume)
        if self.start in ("practice", "drill"):
            # Straight to the question screen, over a stand-in for Home (built when first shown).
            # With the first load done by now, the screen asks for its session as it mounts;
            # else once the packs are in.
            loaded = self._preload().wait(COMPLETE_WAIT_S)
            if loaded is not None:
                self._apply(loaded)
            # An interrupted interview is offered first (by `_announce`), straight over the
            # stand-in: a question screen opened under it would draw a question for nothing.
            screen = None if loaded and loaded.unfinished else self._make_screen(self.start)
            if screen is not None:
                self.push_screen(screen)
            self.call_after_refresh(self._first_frame, loaded)
            return
        self.call_after_refresh(signal_ready)
        if self._unannounced is not None:
            self.call_next(self._announce, self._unannounced)

    def _first_frame(self, loaded: Loaded | None) -> None:
        signal_ready()
        if loaded is None:
            self.load_data()
        else:
            self._announce(loaded)

    # -- loading -----------------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="load",
        description="load packs and store",  # (by default, the repr of every pack)
    )
    def load_data(self) -> None:
        """Open the progress store and load every pack, off the UI thread (the first time, take
        what the preload loaded)."""
        try:
            loaded = self._load()
        except Exception as exc:  # shown to the user; the app stays usable for a reload
            self.call_from_thread(
                self.notify,
                f"{type(exc).__name__}: {exc}",
                title="Could not load packs or progress",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self.post_message(self.DataLoaded(loaded))

    def _load(self) -> Loaded:
        preload, self.preload = self.preload, None
        if preload is not None and self.load_generation == 0:
            return preload.result()
        return load_everything(self._request())

    def _pack_issues_words(self, packset: PackSet) -> str:
        """ "1 pack could not be loaded", or, when every pack loaded, "1 pack loaded with
        warnings" (a warning leaves its questions in), with where to read the details."""
        packs = packset.packs
        broken = sum(not lp.ok for lp in packs)
        warned = sum(lp.ok and bool(lp.issues) for lp in packs)
        if broken:
            words = f"{broken} pack{'s' if broken != 1 else ''} could not be loaded"
        elif warned:
            words = f"{warned} pack{'s' if warned != 1 else ''} loaded with warnings"
        else:
            return ""
        from qkv_drill.tui.screens.packs import PacksScreen

        if isinstance(self.screen, PacksScreen):
            return f"{words}: the details are listed here."
        return f"{words}: press k on Home for the details."

    @on(DataLoaded)
    def _data_loaded(self, message: DataLoaded) -> None:
        self._apply(message.loaded)
        self._announce(message.loaded)

    def _apply(self, loaded: Loaded) -> None:
        """Take a load's packs and store (from a worker's message, or from the preload before
        the first screen is built)."""
        self.packset = loaded.packset
        self.store = loaded.store
        self.load_generation += 1
        self.loaded_due = loaded.due
        # Every store fault, from opening on and from any screen or worker that writes, is told
        # the moment it happens: one callback, wired once.
        self.store.on_warning = partial(self.tell, title="Progress store", severity="warning")
        self._unannounced = loaded

    def _announce(self, loaded: Loaded) -> None:
        """What a load brings to say: warnings, broken packs, an interview to resume; then every
        screen shows the new data."""
        if self._unannounced is not loaded:
            return  # (a later load took its place)
        self._unannounced = None
        first = self.load_generation == 1
        for warning in loaded.warnings:
            self.notify(
                warning, title="Progress store", severity="warning", timeout=10, markup=False
            )
        told = self._pack_issues_words(loaded.packset)
        if told:
            self.notify(told, title="Packs", severity="warning", timeout=8)
        elif not first:
            self.notify(f"Reloaded {len(loaded.packset.questions)} questions.", title="Packs")
        resuming = first and self._check_resume(loaded.unfinished)  # (takes the start screen)
        for screen in self.screen_stack:
            refresh = getattr(screen, "data_changed", None)
            if refresh is not None:
                self.call_next(refresh)
        if first and not resuming and self.start == "mock":
            self.action_go("mock")

    def _check_resume(self, unfinished: MockRow | None) -> bool:
        """Offer to resume an interrupted mock interview (found by the load worker)."""
        packset, store = self.require_data()
        if not unfinished:
            return False
        from qkv_drill.tui.screens.resume import ResumeMockScreen

        self._back_to_home()  # (the start screen, pushed before the store was open)
        self.push_screen(ResumeMockScreen(store, packset, self.clock), self._offer_closed)
        return True

    def _offer_closed(self, _result: object = None) -> None:
        """The resume offer closed without resuming (later, or discarded): on to the mode the
        command asked for (`qkv-drill practice|drill|mock`), as if it had not been offered."""
        if self.start in ("practice", "drill", "mock"):
            self.action_go(self.start)

    def action_reload_packs(self) -> None:
        self.load_data()

    # -- navigation --------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Packs and store loaded (the packs alone may come earlier, from the cache)."""
        return self.load_generation > 0 and self.packset is not None and self.store is not None

    def action_go(self, where: str) -> None:
        """Open a screen from anywhere: back to Home first, so the stack stays shallow."""
        if where != "home" and not self.ready:
            self.notify("Still loading packs…", timeout=2)
            return
        self._back_to_home()
        if where == "home":
            return
        screen = self._make_screen(where)
        if screen is not None:
            self.open_screen(screen)  # what is typed while it opens goes to it

    def _back_to_home(self) -> None:
        """Close every screen above Home (or above its stand-in, when Home is not built yet)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def _make_screen(self, where: str) -> Screen[Any] | None:
        if where in ("practice", "drill", "weakest"):
            if where == "practice":
                from qkv_drill.tui.screens.question import PracticeScreen

                return PracticeScreen()
            from qkv_drill.tui.screens.drill import DrillScreen

            weakest = where == "weakest" or bool(self.options and self.options.weakest)
            return DrillScreen(weakest=weakest)
        if where == "mock":
            return self._mock_screen()
        if where == "packs":
            from qkv_drill.tui.screens.packs import PacksScreen

            return PacksScreen()
        if where == "browse":
            from qkv_drill.tui.screens.browser import BrowserScreen

            return BrowserScreen()
        if where == "stats":
            from qkv_drill.tui.screens.stats import StatsScreen

            return StatsScreen()
        return None

    def action_help(self) -> None:
        """`?`: the keys of the screen on top, read from its live bindings."""
        from qkv_drill.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def _mock_screen(self) -> Screen[Any]:
        """The set-up form, or, when `qkv-drill mock --minutes/--questions` already said how
        long and how many, the interview itself (the form would only ask again): drawn and
        stored in the set-up screen's worker with the form hidden."""
        from qkv_drill.tui.screens.mock_setup import MockSetupScreen

        packset, store = self.require_data()
        settings = None
        options = self.options
        if options is not None and options.command == "mock":
            settings = options.mock
            if options.mock_told and self.start == "mock":
                self.start = None  # only the first time: Home's m shows the form again
                return MockSetupScreen(
                    packset, store, self.filter, self.clock, settings=settings, start_at_once=True
                )
        return MockSetupScreen(packset, store, self.filter, self.clock, settings=settings)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def require_data(self) -> tuple[PackSet, Store]:
        """Packs and store, for the screens that open only once both are loaded (`ready`)."""
        if self.packset is None or self.store is None:
            raise RuntimeError("packs and progress are still loading")
        return self.packset, self.store

    @overload
    def make_session(self, kind: Literal["drill"], *, weakest: bool = False) -> DrillSession: ...

    @overload
    def make_session(
        self, kind: Literal["practice"], *, weakest: bool = False
    ) -> PracticeSession: ...

    def make_session(
        self, kind: Literal["practice", "drill"], *, weakest: bool = False
    ) -> PracticeSession:
        """A new headless session over the loaded packs and store (call from a worker)."""
        packset, store = self.require_data()
        kwargs: dict[str, Any] = {"seed": self.seed}
        if self.clock is not None:
            kwargs["clock"] = self.clock
        session: PracticeSession
        if kind == "drill":
            from qkv_drill.session.drill import DrillSession

            session = DrillSession(packset, store, self.filter, weakest=weakest, **kwargs)
        else:
            from qkv_drill.session.practice import PracticeSession

            session = PracticeSession(packset, store, self.filter, **kwargs)
        session.on_skip = partial(self.tell, title="Question skipped", severity="warning")
        return session

    def count_due(self, packset: PackSet, store: Store, filter: Filter) -> tuple[int, int]:
        """Drill cards (due now, new) under `filter` (call from a worker: it reads the store)."""
        from qkv_drill.startup_load import count_due

        return count_due(packset, store, filter, seed=self.seed, clock=self.clock)

    def take_loaded_due(self, filter: Filter) -> tuple[int, int] | None:
        """The counts the last load made under `filter`, once (later changes count again)."""
        counted, self.loaded_due = self.loaded_due, None
        if counted is None or counted.filter != filter:
            return None
        return counted.due, counted.new

    class Told(Message):
        """A notification posted from a worker thread (posting never waits for the UI)."""

        def __init__(self, text: str, title: str, severity: SeverityLevel) -> None:
            super().__init__()
            self.text, self.title, self.severity = text, title, severity

    def tell(self, text: str, *, title: str = "", severity: SeverityLevel = "information") -> None:
        """A notification from any thread (sessions and the store call this from workers, some
        holding the store's lock: so this posts a message and never waits for the UI thread)."""
        if getattr(self, "_thread_id", None) == threading.get_ident():
            self.notify(text, title=title, severity=severity, timeout=10)
        else:
            self.post_message(self.Told(text, title, severity))

    @on(Told)
    def _told(self, message: Told) -> None:
        self.notify(message.text, title=message.title, severity=message.severity, timeout=10)


def run_app(
    extra_packs: Sequence[Path] = (),
    start: str | None = None,
    options: SessionOptions | None = None,
    preload: Preload | None = None,
) -> int:
    """Entry point used by `qkv-drill` (no sub-command) and `qkv-drill practice|drill|mock`,
    with the first load `startup_load.begin` began for the same packs, start and options."""
    from qkv_drill import paths

    extra = [*paths.env_pack_paths(), *extra_packs]
    app = QkvDrillApp(extra_packs=extra, start=start, options=options, preload=preload)
    try:
        code = app.run()
    finally:
        if app.store is not None:  # queued writes get a last chance; what is left is said
            app.store.on_warning = partial(print, file=sys.stderr)
            app.store.close()
    if isinstance(code, int):
        return code
    return app.return_code or 0
