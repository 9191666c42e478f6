"""What a practice, drill or mock run was asked for, as one typed value (the command line builds
it in `cli_options`; plain mode and the app read it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from qkv_drill.session.filters import Filter
from qkv_drill.session.mock_plan import MockSettings

Command = Literal["practice", "drill", "mock"]


@dataclass(frozen=True, kw_only=True)
class SessionOptions:
    command: Command
    filter: Filter = field(default_factory=Filter)
    seed: int | None = None
    count: int | None = None  # practice and drill: stop after this many questions
    weakest: bool = False  # drill: draw from the weakest topics
    resume: bool = False  # mock: resume the interrupted interview
    mock: MockSettings = field(default_factory=MockSettings)
    mock_told: bool = False  # --minutes or --questions given: the set-up form is not needed
    extra_packs: tuple[Path, ...] = ()  # --pack files and folders
