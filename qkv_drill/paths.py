"""Where qkv-drill keeps user packs and progress.

`QKV_DRILL_HOME` overrides everything (tests and portable installs use it); otherwise the
platform's user data dir from platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "qkv-drill"
PACKS_ENV = "QKV_DRILL_PACKS"  # extra pack files/folders, separated by os.pathsep


def data_dir() -> Path:
    """The user data folder (not created here)."""
    home = os.environ.get("QKV_DRILL_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_packs_dir() -> Path:
    return data_dir() / "packs"


def progress_db_path() -> Path:
    return data_dir() / "progress.db"


def shipped_packs_dir() -> Path:
    """The shipped packs: inside the package in a wheel, at the repo top in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_questions"
    if installed.is_dir():
        return installed
    return here.parent / "questions"


def env_pack_paths() -> list[Path]:
    raw = os.environ.get(PACKS_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]
