"""What the app says when packs load with errors or only warnings, and where it sends you."""

from __future__ import annotations

from tests.helpers.tui import FIXTURE_PACK, make_app, press, settle

PACK = """pack:
  id: told
  title: A pack the app tells about
  version: 1
questions:
  - id: told.q
    topic: roles
    difficulty: {difficulty}
    type: choice
    prompt: Which matrix holds what each position offers?
    explanation: |
      The keys are what a position offers for matching.
      time: 30
    options:
      - text: W_Q
      - text: W_K
        correct: true
"""


def told(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Packs"]


async def test_a_pack_with_only_warnings_is_not_called_unloaded(tmp_path):
    """'time:' indented into the explanation is a warning: the pack loads, its question is
    asked, so 'could not be loaded' was wrong."""
    path = tmp_path / "told.yaml"
    path.write_text(PACK.format(difficulty="easy"), encoding="utf-8")
    app = make_app(packs=[FIXTURE_PACK, path], include_user=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "told.q" in app.packset.questions
        assert told(app) == ["1 pack loaded with warnings: press k on Home for the details."]


async def test_on_the_packs_screen_a_reload_points_at_the_list_below(tmp_path):
    """'press k for details' on the screen k opens, after its own r, sent you nowhere."""
    path = tmp_path / "told.yaml"
    path.write_text(PACK.format(difficulty="easy"), encoding="utf-8")
    app = make_app(packs=[FIXTURE_PACK, path], include_user=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        app.clear_notifications()
        path.write_text(PACK.format(difficulty="mediun"), encoding="utf-8")
        await press(pilot, "r")
        await settle(pilot)
        assert "told.q" not in app.packset.questions
        assert told(app) == ["1 pack could not be loaded: the details are listed here."]
