"""The resume dialog and the resumed interview when the pack changed after the interview started:
the dialog names the changed questions and what happens to each; the answered one is shown as it
was asked, with its answer, and cannot be changed; the report leaves it out of the score."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from qkv_drill.session.clock import FakeClock
from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.screens.report import ReportScreen
from tests.helpers.edited_packs import copied, edit, loaded
from tests.helpers.mock_screens import FIXTURE_PACKS, RIGHT_NUMERIC, START, Host, new_session
from tests.helpers.tui import settle, shown_flat


def started_then_edited(tmp_path, store, clock):
    """An interview with its head-size question answered (d_model = 512), interrupted; then
    the pack edited to d_model = 1024 and a longer sequence, as version 2."""
    pack = copied(FIXTURE_PACKS / "mock.yaml", tmp_path)
    session = new_session(loaded(pack), store, clock)
    head = next(i for i, x in enumerate(session.instances) if x.question.type == "numeric")
    session.goto(head)
    assert session.answer(RIGHT_NUMERIC) is None
    session.checkpoint()
    session.settle()
    edit(
        pack,
        ("d_model: [512]", "d_model: [1024]"),
        ("seq: [10]", "seq: [12]"),
        ("version: 1", "version: 2"),
    )
    return loaded(pack), head, session.instances[head].prompt


async def test_resume_dialog_names_changed_questions_and_keeps_the_answer(
    tmp_path, store, utc_local_time
):
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    clock = FakeClock(start=START)
    packset, head, asked = started_then_edited(tmp_path, store, clock)
    app = Host(lambda: ResumeMockScreen(store, packset, clock=clock))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        markup = str(app.screen.query_one("#resume-text").content)
        said = " ".join(Text.from_markup(markup).plain.split())
        assert "Pack changed. 2 questions changed since you started" in said
        assert "(pack mockfix v1, now v2)" in said
        kept = f"Question {head + 1}, answered: kept as given, shown as you saw it, not graded"
        assert kept in said
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MockScreen)
        await screen.go_to(head)
        await settle(pilot)
        shown = shown_flat(app)
        assert "d_model = 512" in shown and "d_model = 1024" not in shown  # as it was asked
        box = screen.query_one("#answer-input", Input)
        assert box.value == RIGHT_NUMERIC and box.disabled
        assert "kept as given" in shown
        assert screen.session.answer("128") is not None  # the session refuses a new answer too
        await pilot.press("ctrl+e")
        await settle(pilot)
        review = shown_flat(app)  # the answer's column wraps beside the time column
        assert "512/8 (kept, not" in review and "graded: question changed)" in review
        await pilot.press("escape")
        await settle(pilot)
        report = screen.session.finish()
    assert report.items[head].status == "kept"
    assert report.items[head].prompt == asked


async def test_grading_as_it_stands_leaves_the_changed_answer_out_of_the_score(
    tmp_path, store, utc_local_time
):
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    clock = FakeClock(start=START)
    packset, head, _ = started_then_edited(tmp_path, store, clock)
    app = Host(lambda: ResumeMockScreen(store, packset, clock=clock))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        report = app.screen.report
        assert report.items[head].status == "kept"
        assert report.correct == 0 and report.graded == report.total - 1
        headline = " ".join(str(app.screen.query_one("#report-headline").content).split())
        assert f"Not graded: {head + 1}" in headline
