"""`qkv-drill backup [-o FILE]` and `qkv-drill restore FILE` from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

from qkv_drill.store.backup import BackupError, backup, contents, default_backup_path, restore
from qkv_drill.target_file import why_not_written
from qkv_drill.textsafe import printable


def run_backup(output: Path | None = None) -> int:
    """`qkv-drill backup [-o FILE]` (default: a dated file in the data folder's backups/)."""
    from qkv_drill import paths

    target = output or default_backup_path(paths.data_dir())
    try:
        facts = backup(paths.progress_db_path(), target)
    except BackupError as e:
        print(printable(f"backup failed: {e}"), file=sys.stderr)
        return 1
    except OSError as e:
        print(f"backup failed: {why_not_written(target, e)}; nothing was changed", file=sys.stderr)
        return 1
    print(
        printable(
            f"wrote {facts.path} ({facts.size:,} bytes): {contents(facts)}, schema v{facts.version}"
        )
    )
    return 0


def run_restore(file: Path) -> int:
    """`qkv-drill restore FILE`: the current progress is kept aside first."""
    from qkv_drill import paths

    try:
        done = restore(file, paths.progress_db_path())
    except (BackupError, OSError) as e:
        print(printable(f"restore failed, nothing changed: {e}"), file=sys.stderr)
        return 1
    facts = done.facts
    if done.kept is not None:
        print(printable(f"kept the previous progress as {done.kept}"))
    migrated = (
        f", migrated from schema v{done.from_version}" if done.from_version != facts.version else ""
    )
    print(
        printable(
            f"restored {file} into {facts.path}: {contents(facts)}, "
            f"schema v{facts.version}{migrated}"
        )
    )
    return 0
