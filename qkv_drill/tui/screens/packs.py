"""Packs: every pack found, its questions per topic, and for a broken one each error by line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from qkv_drill.tui.screens.base import AppScreen
from qkv_drill.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from qkv_drill.packs.errors import PackIssue
    from qkv_drill.packs.loader import LoadedPack

SOURCE_ORDER = {"shipped": 0, "user": 1, "extra": 2}


def pack_status(loaded: LoadedPack) -> str:
    """broken | warnings | ok"""
    issues = list(loaded.issues or ())
    if loaded.pack is None or any(i.is_error for i in issues):
        return "broken"
    return "warnings" if issues else "ok"


def display_path(path: Path | str) -> str:
    """A path as short as it can be while still findable: relative to the cwd when inside it."""
    p = Path(path)
    if p.is_absolute():
        try:
            return str(p.relative_to(Path.cwd()))
        except ValueError:
            return str(p)
    return str(p)


def issue_line(issue: PackIssue) -> Text:
    """file:line:col  message  (hint), the form editors and terminals can jump to."""
    where = f"{display_path(issue.path)}:{issue.line}:{issue.col}"
    text = Text.assemble(
        ("  " + where, "bold"),
        "  ",
        (issue.message, "red" if issue.is_error else "yellow"),
    )
    if issue.hint:
        text.append(f"\n      hint: {issue.hint}", style="dim")
    return text


def pack_block(loaded: LoadedPack) -> Text:
    status = pack_status(loaded)
    mark, style = {
        "ok": ("✔", "green"),
        "warnings": ("!", "yellow"),
        "broken": ("✘", "red"),
    }[status]
    pack = loaded.pack
    title = pack.id if pack is not None else Path(loaded.path).name
    lines = [
        Text.assemble(
            (f"{mark} ", f"bold {style}"),
            (title, "bold"),
            (f"  ({loaded.source})", "dim"),
            (f"  {status}", style),
        ),
        Text(f"  {display_path(loaded.path)}", style="dim"),
    ]
    if pack is not None:
        topics = Counter(q.topic for q in pack.questions)
        counts = " · ".join(f"{t} {n}" for t, n in sorted(topics.items()))
        lines.append(
            Text.assemble(f"  {pack.title}  ", (f"{len(pack.questions)} questions", "bold"))
        )
        if counts:
            lines.append(Text(f"  {counts}"))
    for issue in loaded.issues or ():
        lines.append(issue_line(issue))
    return Text("\n").join(lines)


class PacksScreen(AppScreen[None]):
    """What was loaded from where; reload after editing a pack with r."""

    CSS_PATH = "packs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to Home", id="packs.back"),
        Binding(
            "r", "app.reload_packs", "Reload", tooltip="Read every pack again", id="packs.reload"
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="packs-title", classes="title-bar")
        with VerticalScroll(id="packs-body"):
            yield Static("", id="packs-help")
            yield Static("", id="packs-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.data_changed()
        self.query_one("#packs-body").focus()

    def data_changed(self) -> None:
        from qkv_drill import paths

        packset, _store = self.qkv_app.require_data()
        loaded = sorted(
            packset.packs, key=lambda lp: (SOURCE_ORDER.get(lp.source, 9), str(lp.path))
        )
        broken = sum(1 for lp in loaded if pack_status(lp) == "broken")
        self.query_one("#packs-title", Static).update(
            Text.assemble(
                ("Packs", "bold"),
                f"  ·  {len(loaded)} found  ·  {len(packset.questions)} questions",
                (f"  ·  {broken} broken" if broken else "", "bold red"),
            )
        )
        self.query_one("#packs-help", Static).update(
            Text.assemble(
                ("Your packs: ", "bold"),
                str(paths.user_packs_dir()),
                "\nNew pack: ",
                ("qkv-drill new-pack NAME", "bold"),
                "   check one: ",
                ("qkv-drill validate FILE", "bold"),
                "   then press ",
                ("r", "bold"),
                " here to reload.",
            )
        )
        if not loaded:
            body = Text("No packs found.", style="dim")
        else:
            body = Text("\n\n").join(pack_block(lp) for lp in loaded)
        if packset.unread:  # entries that are not packs at all: shown, never skipped unseen
            body.append("\n\n")
            body.append_text(Text("✘ not read", style="bold red"))
            for issue in packset.unread:
                body.append("\n")
                body.append_text(issue_line(issue))
        self.query_one("#packs-list", Static).update(body)
