"""Command palette entries, titled "group: verb" so they sort and search by group."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class QkvCommands(Provider):
    """Navigation, pack reloading and theme switching from the command palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        go = getattr(app, "action_go", None)
        entries: list[tuple[str, str, Callable[[], object]]] = []
        if go is not None:
            for where, help_text in (
                ("home", "Back to the home screen"),
                ("practice", "Questions with instant feedback"),
                ("drill", "Spaced repetition of what is due"),
                ("weakest", "Drill your weakest topics"),
                ("mock", "A timed mock interview"),
                ("browse", "Search every question and see its history"),
                ("packs", "Every question pack and its status"),
                ("stats", "Accuracy, streak and what is due"),
            ):
                title = "drill weakest topics" if where == "weakest" else where
                entries.append((f"Go: {title}", help_text, partial(go, where)))
        reload_packs = getattr(app, "action_reload_packs", None)
        if reload_packs is not None:
            entries.append(("Packs: reload", "Read every pack again after editing", reload_packs))
        toggle = getattr(app, "action_toggle_dark", None)
        if toggle is not None:
            entries.append(("Theme: toggle dark/light", "Switch the colour theme", toggle))
        return entries

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class ScreenCommands(Provider):
    """Command palette entries for a screen's `COMMAND_LIST`: ("group: verb", help, action)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return list(getattr(self.screen, "COMMAND_LIST", ()))

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)

    def _runner(self, action: str) -> Callable[[], Awaitable[None]]:
        screen = self.screen

        async def run() -> None:
            await screen.run_action(action)

        return run
