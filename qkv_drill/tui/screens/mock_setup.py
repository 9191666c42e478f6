"""The mock interview's set-up form: length, size and mix, then start.

Started from the command line with `--minutes` or `--questions`, the form is skipped: the flags
already said what the form would ask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from qkv_drill.tui.commands import ScreenCommands
from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.widgets.footer import KeyFooter
from qkv_drill.tui.widgets.packtext import literal
from qkv_drill.tui.widgets.ticks import TickBox, TickList

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.clock import Clock
    from qkv_drill.session.filters import Filter
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store

N = TypeVar("N", int, float)


class MockSetupScreen(Screen):
    """Choose the length, the size and the mix of the interview, then start it."""

    CSS_PATH = "mock.tcss"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "start",
            "Start",
            tooltip="Start the interview with these settings",
            id="mock.setup.start",
        ),
        Binding(
            "escape",
            "cancel",
            "Back",
            tooltip="Leave without starting an interview",
            id="mock.setup.back",
        ),
    ]
    COMMAND_LIST: ClassVar = [
        ("Mock: start interview", "Start the timed interview with these settings", "start"),
        ("Mock: back", "Leave the set-up without starting", "cancel"),
    ]

    def __init__(
        self,
        packset: PackSet,
        store: Store,
        filter: Filter | None = None,
        clock: Clock | None = None,
        *,
        settings: MockSettings | None = None,
        start_at_once: bool = False,
    ) -> None:
        super().__init__()
        self.packset = packset
        self.store = store
        self.initial_filter = filter
        self.clock = clock
        self.initial = settings
        """Prefills the form (e.g. from `qkv-drill mock --minutes 5 --seed 3`)."""
        self.starting = False
        """The interview is being drawn and stored (in a worker): start is not taken twice."""
        self.start_at_once = start_at_once and settings is not None
        """`mock --minutes/--questions` said it all: start with `settings`, the form hidden
        (shown, with the reason, only if that start fails)."""

    def compose(self) -> ComposeResult:
        questions = list(self.packset.questions.values())
        topics = sorted({q.topic for q in questions})
        chosen_topics = set(self.initial_filter.topics) if self.initial_filter else set()
        chosen_diff = set(self.initial_filter.difficulties) if self.initial_filter else set()
        init = self.initial
        if init is not None:
            chosen_topics |= set(init.topics)
            chosen_diff |= set(init.difficulties)
        minutes = f"{init.minutes:g}" if init else "20"
        count = str(init.questions) if init else "10"
        seed = "" if init is None or init.seed is None else str(init.seed)
        self.packs = tuple(
            sorted(
                set(self.initial_filter.packs if self.initial_filter else ())
                | set(init.packs if init is not None else ())
            )
        )
        with Vertical(id="setup"):
            yield Static("[b]Mock interview[/b]: a timed dress rehearsal", id="setup-title")
            with Horizontal(id="setup-numbers"):
                yield Label("Minutes", classes="setup-label")
                yield Input(minutes, id="setup-minutes", type="number", classes="setup-short")
                yield Label("Questions", classes="setup-label")
                yield Input(count, id="setup-count", type="integer", classes="setup-short")
                yield Label("Seed", classes="setup-label")
                yield Input(
                    seed,
                    id="setup-seed",
                    type="integer",
                    placeholder="random",
                    classes="setup-seed",
                )
            with Horizontal(id="setup-lists"):
                topic_list: SelectionList[str] = TickList(
                    *(Selection(literal(t), t, t in chosen_topics) for t in topics),
                    id="setup-topics",
                )
                topic_list.border_title = "Topics (none: all)"
                yield topic_list
                diff_list: SelectionList[str] = TickList(
                    *(Selection(d, d, d in chosen_diff) for d in ("easy", "medium", "hard")),
                    id="setup-difficulties",
                )
                diff_list.border_title = "Difficulty (none: all)"
                yield diff_list
            with Horizontal(id="setup-options"):
                yield TickBox(
                    "Code exercise",
                    bool(init and init.code),
                    id="setup-code",
                    tooltip="Add one implement-it exercise and its time (as mock --code)",
                )
                yield TickBox(
                    "Allow pauses",
                    bool(init and init.allow_pause),
                    id="setup-pause",
                    tooltip="Off in a real interview; when on, ctrl+o stops the clock",
                )
            with Horizontal(id="setup-actions"):
                yield Static("", id="setup-pool")
                yield Button("Start", id="setup-start", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._update_pool()
        if self.start_at_once:
            self.add_class("-starting")
            self.action_start()

    @on(SelectionList.SelectedChanged)
    @on(Input.Changed)
    @on(Checkbox.Changed, "#setup-code")
    def _update_pool(self) -> None:
        """Say how many questions the current choice lets the interview draw (counted the way
        the interview draws them), so an empty mix is caught early."""
        from qkv_drill.session.mock import MockSettings
        from qkv_drill.session.mock_plan import mock_pool

        if self.starting:
            return
        topics, difficulties = self._chosen()
        code = self.query_one("#setup-code", Checkbox).value
        pool = mock_pool(
            self.packset,
            MockSettings(topics=topics, difficulties=difficulties, packs=self.packs, code=code),
        )
        text = f"{pool.size} questions match"
        if pool.exercises:
            text += ", one of them a code exercise (its time is added)"
        elif code:
            text += "; no code exercise matches"
        elif pool.left_out:
            text += f" ({pool.left_out} code exercises only when ticked)"
        label = self.query_one("#setup-pool", Static)
        label.update(text + ".")
        label.set_class(not pool.size, "-empty")

    def _chosen(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        topics = tuple(sorted(self.query_one("#setup-topics", SelectionList).selected))
        diffs = tuple(sorted(self.query_one("#setup-difficulties", SelectionList).selected))
        return topics, diffs

    def settings(self) -> MockSettings:
        """The form as `MockSettings`; raises ValueError with a message the user can act on."""
        from qkv_drill.session.mock import MockSettings

        def number(
            selector: str, name: str, cast: Callable[[str], N], low: float, high: float
        ) -> N:
            raw = self.query_one(selector, Input).value.strip()
            try:
                value = cast(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number") from None
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low:g} and {high:g}")
            return value

        minutes = number("#setup-minutes", "Minutes", float, 1, 180)
        count = number("#setup-count", "Questions", int, 1, 30)
        seed_text = self.query_one("#setup-seed", Input).value.strip()
        seed = int(seed_text) if seed_text else None
        topics, difficulties = self._chosen()
        return MockSettings(
            minutes=minutes,
            questions=count,
            topics=topics,
            difficulties=difficulties,
            seed=seed,
            packs=self.packs,
            allow_pause=self.query_one("#setup-pause", Checkbox).value,
            code=self.query_one("#setup-code", Checkbox).value,
        )

    @on(Button.Pressed, "#setup-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def _say(self, text: str, *, error: bool = False) -> None:
        """The one status line under the form: the pool, progress, or why it cannot start."""
        label = self.query_one("#setup-pool", Static)
        label.update(text)
        label.set_class(error, "-empty")

    def action_start(self) -> None:
        """Read the form here; draw the questions and store the interview in a worker."""
        if self.starting:
            return
        try:
            told = self.initial if self.start_at_once else None
            settings = told if told is not None else self.settings()
        except ValueError as exc:
            self._say(f"Cannot start: {exc}", error=True)
            return
        self.starting = True
        self.query_one("#setup-start", Button).disabled = True
        self._say("Drawing the questions…")
        self._create(settings)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mock-start")
    def _create(self, settings: MockSettings) -> None:
        from qkv_drill.session.clock import SYSTEM_CLOCK
        from qkv_drill.session.mock import MockSession

        try:
            session = MockSession.create(
                self.packset, self.store, settings, self.clock or SYSTEM_CLOCK
            )
        except Exception as exc:  # no questions, a draw or the store failed: said, form kept
            self.app.call_from_thread(self._not_started, exc)
            return
        self.app.call_from_thread(self._started, session)

    def _started(self, session: MockSession) -> None:
        if self.is_attached:
            self.app.switch_screen(MockScreen(session))

    def _not_started(self, exc: Exception) -> None:
        self.starting = self.start_at_once = False
        self.remove_class("-starting")  # the form, to change what the command line asked
        if not self.is_attached:
            return
        self.query_one("#setup-start", Button).disabled = False
        reason = " ".join(str(exc).split()) or type(exc).__name__
        self._say(f"Cannot start: {reason}", error=True)

    def action_cancel(self) -> None:
        if not self.starting:  # a start under way ends in a moment, on the interview or here
            self.dismiss()
