"""The command line's answers as typed options: argparse's Namespace goes no further than this
module and cli.py; sessions, the app and the commands take the dataclasses built here."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import cast

from qkv_drill.session.filters import Filter
from qkv_drill.session.mock_plan import MockSettings
from qkv_drill.session.options import Command, SessionOptions


def pack_filter(args: argparse.Namespace) -> Filter:
    """From `--topic`, `--pack-id` and `--difficulty` (each repeatable)."""
    return Filter(
        topics=frozenset(getattr(args, "topic", None) or ()),
        packs=frozenset(getattr(args, "pack_id", None) or ()),
        difficulties=frozenset(getattr(args, "difficulty", None) or ()),
    )


def extra_packs(args: argparse.Namespace) -> tuple[Path, ...]:
    return tuple(Path(p) for p in getattr(args, "pack", None) or ())


def mock_settings(args: argparse.Namespace) -> MockSettings:
    """`qkv-drill mock`'s flags; 20 minutes and 10 questions when not given."""
    return MockSettings(
        minutes=float(getattr(args, "minutes", 20.0) or 20.0),
        questions=int(getattr(args, "questions", 10) or 10),
        topics=tuple(getattr(args, "topic", None) or ()),
        difficulties=tuple(getattr(args, "difficulty", None) or ()),
        seed=getattr(args, "seed", None),
        packs=tuple(getattr(args, "pack_id", None) or ()),
        code=bool(getattr(args, "code", False)),
        allow_pause=bool(getattr(args, "allow_pause", False)),
    )


def session_options(args: argparse.Namespace) -> SessionOptions:
    """`qkv-drill practice|drill|mock ...` as one typed value."""
    return SessionOptions(
        command=cast(Command, args.command),
        filter=pack_filter(args),
        seed=getattr(args, "seed", None),
        count=getattr(args, "count", None),
        weakest=bool(getattr(args, "weakest", False)),
        resume=bool(getattr(args, "resume", False)),
        mock=mock_settings(args),
        mock_told=any(getattr(args, k, None) is not None for k in ("minutes", "questions")),
        extra_packs=extra_packs(args),
    )
