"""Every screen's keys: `?` opens the help on each of them (modal dialogs too) and lists what the
footer shows, and each footer hint names what its key does there.

One walk visits every Screen class of the app at 80x24, in the states a user meets them in (a
question before and after an answer, the mock's choice list, a dialog over the report...). A new
screen class that the walk does not reach fails `test_the_walk_reaches_every_screen_class`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Checkbox, Input

from qkv_drill.session.filters import Filter
from tests.helpers.mock_screens import FIXTURE_PACKS
from tests.helpers.tui import FIXTURE_PACK, START, goto, make_app, press, settle

CODE_PACK = Path("tests/exercises/fixtures/code.yaml")
# Bases never pushed themselves, and the blank stand-in under `qkv-drill practice` that opens
# Home the moment it is uncovered (no user ever sees it, so it has no keys to list).
NEVER_SHOWN = {"AppScreen", "KeysModal", "QuestionScreen", "HomeLater"}


def screen_classes() -> set[str]:
    """Every Screen subclass defined in the app's package."""
    import qkv_drill.tui as tui

    found: set[str] = set()
    for info in pkgutil.walk_packages(tui.__path__, "qkv_drill.tui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, Screen) and cls.__module__ == info.name:
                found.add(name)
    return found - NEVER_SHOWN


def footer_hints(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(key, label) of every hint the footer draws for `screen` right now, as Footer picks them."""
    hints: dict[str, tuple[str, str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.show and active.enabled:
            shown = screen.app.get_key_display(binding)
            hints.setdefault(
                f"{binding.action}|{binding.description}", (shown, binding.description)
            )
    return list(hints.values())


async def walk(tmp_path: Path) -> AsyncIterator[tuple[str, Any]]:
    """Open every screen in turn and yield (a name for the stop, the pilot) with it on top."""
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store
    from qkv_drill.tui.screens.mock_review import PauseScreen

    # An interview left running: the app opens on the resume dialog.
    packset = load_packs([FIXTURE_PACKS], include_shipped=False, include_user=False)
    from qkv_drill import paths

    with Store(paths.progress_db_path(), now=lambda: START) as store:
        MockSession.create(packset, store, MockSettings(minutes=5, questions=2), FakeClock(START))
    app = make_app(packs=[FIXTURE_PACK, CODE_PACK], include_user=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield "resume", pilot
        await press(pilot, "d")
        yield "resume.confirm-discard", pilot
        await press(pilot, "n")
        await pilot.press("escape")  # decide later
        await settle(pilot)
        yield "home", pilot
        await press(pilot, "question_mark")
        yield "help", pilot
        await press(pilot, "escape")

        for key, name in (("f", "filter"), ("k", "packs"), ("s", "stats")):
            await pilot.press(key)
            await settle(pilot)
            yield name, pilot
            await press(pilot, "escape")

        await press(pilot, "b")
        yield "browser", pilot
        browser = app.screen
        ids = [r.id for r in browser.shown]
        browser.query_one("#browser-table").move_cursor(row=ids.index("tui.head-dim"))
        await press(pilot, "enter")
        yield "browser.practice", pilot
        await pilot.press("escape", "escape")  # out of the box, back to the browser
        await settle(pilot)
        await press(pilot, "escape")

        app.filter = Filter(packs=frozenset({"tui"}))
        await press(pilot, "p")
        await goto(pilot, "tui.why-scale")
        yield "practice.choice", pilot
        await press(pilot, "escape")
        yield "practice.choice-left", pilot
        await pilot.press("i", "b", "enter")
        await settle(pilot)
        yield "practice.answered", pilot
        app.screen.set_focus(None)
        await press(pilot, "n")
        await goto(pilot, "tui.head-dim")
        app.screen.query_one("#answer-input").focus()
        await settle(pilot)
        yield "practice.number", pilot
        await goto(pilot, "tui.explain")
        app.screen.query_one("#answer-text").text = "Q asks"
        await press(pilot, "ctrl+s")
        yield "practice.self-grade", pilot
        await press(pilot, "escape", "escape")

        await press(pilot, "d")
        yield "drill", pilot
        await press(pilot, "escape", "escape")

        app.filter = Filter(packs=frozenset({"tui-code"}))
        await pilot.press("p")
        for _ in range(40):
            await settle(pilot)
            if type(app.screen).__name__ == "CodeScreen" and app.screen.phase == "editing":
                break
        yield "code", pilot
        await press(pilot, "escape")
        yield "code.left", pilot
        await press(pilot, "escape")

        app.filter = Filter(packs=frozenset({"tui"}))
        await press(pilot, "m")
        yield "mock-setup", pilot
        app.screen.query_one("#setup-count", Input).value = "5"
        app.screen.query_one("#setup-pause", Checkbox).value = True
        await press(pilot, "ctrl+s")
        mock = app.screen
        for i, inst in enumerate(mock.session.instances):
            if inst.question.type == "choice":
                await mock.go_to(i)
                await settle(pilot)
        yield "mock.choice", pilot
        for i, inst in enumerate(mock.session.instances):
            if inst.question.type == "numeric":
                await mock.go_to(i)
                await settle(pilot)
        yield "mock.number", pilot
        await press(pilot, "ctrl+e")
        yield "mock.review", pilot
        await press(pilot, "escape")
        app.push_screen(PauseScreen(mock.session))
        await settle(pilot)
        yield "mock.pause", pilot
        await press(pilot, "p", "ctrl+e", "h")
        yield "report", pilot


async def open_help(pilot) -> Any:
    """`?` over the screen on top (F1 when the focused box would type the `?`): the help."""
    from qkv_drill.tui.screens.help import HelpScreen

    under = pilot.app.screen
    focused = under.focused
    key = "question_mark"
    if focused is not None and focused.check_consume_key("question_mark", "?"):
        key = "f1"  # the box owns `?`; the help says so, and F1 works everywhere
    await pilot.press(key)
    await settle(pilot)
    shown = pilot.app.screen
    assert isinstance(shown, HelpScreen), f"{key} on {type(under).__name__} opened {shown}"
    assert shown.under is under
    return shown


@pytest.mark.slow
async def test_question_mark_lists_the_keys_on_every_screen(tmp_path):
    from qkv_drill.tui.screens.help import HelpScreen

    seen: set[str] = set()
    async for stop, pilot in walk(tmp_path):
        under = pilot.app.screen
        seen.add(type(under).__name__)
        if isinstance(under, HelpScreen):  # `?` again closes it
            await press(pilot, "question_mark")
            assert pilot.app.screen is not under
            await pilot.press("question_mark")  # back as the walk left it
            await settle(pilot)
            continue
        hints = footer_hints(under)
        help_screen = await open_help(pilot)
        listed = {row.label for row in help_screen.rows}
        missing = [label for _, label in hints if label != "Keys" and label not in listed]
        assert not missing, f"{stop}: the footer shows {missing}, the help does not"
        assert help_screen.rows, f"{stop}: the help lists no key"
        await press(pilot, "escape")
        assert pilot.app.screen is under, f"{stop}: escape did not close the help"
    assert seen == screen_classes(), f"not reached: {screen_classes() - seen}"


# What the footer says at each stop of the walk, each label read against the action its key runs
# there: escape leaves a box while one has the keys and goes back otherwise; enter on the mock's
# choices goes on to the next question as ctrl+n does (a pick is saved at once; nothing is checked
# until hand-in, so never "Submit"); enter (and ctrl+s) on a rubric grades the answer.
FOOTERS: dict[str, list[tuple[str, str]]] = {
    "resume": [
        ("r", "Resume"),
        ("g", "Grade now"),
        ("d", "Discard"),
        ("esc", "Later"),
        ("?", "Keys"),
    ],
    "resume.confirm-discard": [("?", "Keys"), ("y", "Discard"), ("n", "Keep it")],
    "home": [
        ("p", "Practice"),
        ("d", "Drill"),
        ("m", "Mock"),
        ("b", "Browse"),
        ("k", "Packs"),
        ("s", "Stats"),
        ("f", "Filter"),
        ("r", "Reload"),
        ("?", "Keys"),
    ],
    "help": [("esc", "Close")],
    "filter": [("esc", "Done"), ("c", "Clear"), ("?", "Keys")],
    "packs": [("esc", "Back"), ("r", "Reload"), ("?", "Keys")],
    "stats": [("esc", "Back"), ("r", "Refresh"), ("?", "Keys")],
    "browser": [("esc", "Back"), ("/", "Search"), ("!", "Suspend"), ("-", "Bury"), ("?", "Keys")],
    "browser.practice": [("esc", "Leave box"), ("^s", "Submit"), ("?", "Keys")],
    "practice.choice": [
        ("⏎", "Submit"),
        ("esc", "Leave box"),
        ("s", "Skip"),
        ("h", "Hint"),
        ("r", "Redraw"),
        ("?", "Keys"),
    ],
    "practice.choice-left": [
        ("esc", "Back"),
        ("^s", "Submit"),
        ("s", "Skip"),
        ("h", "Hint"),
        ("r", "Redraw"),
        ("?", "Keys"),
    ],
    "practice.answered": [
        ("esc", "Back"),
        ("n", "Next"),
        ("h", "Hint"),
        ("r", "Redraw"),
        ("u", "Undo"),
        ("?", "Keys"),
    ],
    "practice.number": [("esc", "Leave box"), ("^s", "Submit"), ("?", "Keys")],
    "practice.self-grade": [
        ("⏎", "Grade"),
        ("esc", "Back"),
        ("s", "Skip"),
        ("h", "Hint"),
        ("r", "Redraw"),
        ("u", "Undo"),
        ("?", "Keys"),
    ],
    "drill": [
        ("⏎", "Submit"),
        ("esc", "Leave box"),
        ("s", "Skip"),
        ("h", "Hint"),
        ("r", "Redraw"),
        ("w", "Weakest"),
        ("?", "Keys"),
    ],
    "code": [
        ("^r", "Run checks"),
        ("^s", "Submit"),
        ("^o", "$EDITOR"),
        ("esc", "Leave editor"),
        ("?", "Keys"),
    ],
    "code.left": [
        ("^r", "Run checks"),
        ("^s", "Submit"),
        ("^o", "$EDITOR"),
        ("esc", "Back"),
        ("s", "Skip"),
        ("h", "Hint"),
        ("?", "Keys"),
    ],
    "mock-setup": [("^s", "Start"), ("esc", "Back"), ("?", "Keys")],
    "mock.choice": [
        ("⏎", "Next"),
        ("^n", "Next"),
        ("^b", "Prev"),
        ("^f", "Flag"),
        ("^s", "Save"),
        ("^e", "Review"),
        ("^o", "Pause"),
        ("?", "Keys"),
    ],
    "mock.number": [
        ("^e", "Review"),
        ("esc", "Leave box"),
        ("^n", "Next"),
        ("^b", "Prev"),
        ("^f", "Flag"),
        ("^s", "Save"),
        ("^o", "Pause"),
        ("?", "Keys"),
    ],
    "mock.review": [
        ("?", "Keys"),
        ("esc", "Back"),
        ("^e", "Hand in"),
        ("u", "Unanswered"),
        ("f", "Flagged"),
    ],
    "mock.pause": [("?", "Keys"), ("^o", "Resume")],
    "report": [
        ("m", "Export .md"),
        ("j", "Export .json"),
        ("g", "Grade"),
        ("e", "Expand"),
        ("esc", "Close"),
        ("?", "Keys"),
    ],
}


@pytest.mark.slow
async def test_every_footer_hint_says_what_its_key_does(tmp_path):
    got = {}
    async for stop, pilot in walk(tmp_path):
        got[stop] = footer_hints(pilot.app.screen)
    assert got.keys() == FOOTERS.keys()
    for stop, hints in got.items():
        assert hints == FOOTERS[stop], stop
