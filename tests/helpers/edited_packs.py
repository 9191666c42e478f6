"""Packs a test copies into a tmp folder, edits as a user would, and loads again: what a pack
changed between two runs of qkv-drill looks like to the sessions."""

from __future__ import annotations

import shutil
from pathlib import Path

from qkv_drill.packs.loader import PackSet, load_packs
from tests.helpers import REPO

MINI = REPO / "tests" / "session" / "fixtures" / "mini.yaml"


def loaded(*paths: Path) -> PackSet:
    """Only these packs (no shipped or user ones), with no issue."""
    packset = load_packs(list(paths), include_shipped=False, include_user=False)
    assert not packset.issues, [str(i) for i in packset.issues]
    return packset


def copied(source: Path, folder: Path) -> Path:
    """A copy of `source` in `folder`, to edit."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder / source.name))


def edit(pack: Path, *changes: tuple[str, str]) -> None:
    """Each (old, new) replaced once in the pack file; every old text must be there."""
    text = pack.read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    pack.write_text(text)
