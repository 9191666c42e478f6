"""`qkv-drill packs`: every pack found, its questions per topic, and whether it loads."""

from __future__ import annotations

import sys
from argparse import Namespace
from collections import Counter
from pathlib import Path

from qkv_drill.packs.loader import load_packs
from qkv_drill.textsafe import printable


def run_packs(args: Namespace | None = None) -> int:
    extra = [Path(p) for p in (getattr(args, "pack", None) or [])]
    packset = load_packs(extra)
    out = sys.stdout
    if not packset.packs:
        for issue in packset.unread:
            print(f"not read   {issue}", file=out)
        print("no packs found (see `qkv-drill locate`)", file=out)
        return 1
    for lp in packset.packs:
        errors = lp.errors
        status = "ok" if lp.pack is not None and not errors else f"{len(errors)} errors"
        if len(errors) == 1:
            status = "1 error"
        if lp.pack is not None:
            topics = Counter(q.topic for q in lp.pack.questions)
            counts = ", ".join(f"{t} {n}" for t, n in sorted(topics.items()))
            head = f"{lp.pack.id} v{lp.pack.version}  {len(lp.pack.questions)} questions"
            print(printable(f"{status:<10} [{lp.source}] {head}  ({counts})  {lp.path}"), file=out)
        else:
            print(printable(f"{status:<10} [{lp.source}] {lp.path}"), file=out)
        for issue in lp.issues:
            prefix = "" if issue.is_error else "warning: "
            print(f"    {prefix}{issue}", file=out)
    for issue in packset.unread:
        print(f"not read   {issue}", file=out)
    print(f"{len(packset.questions)} questions in total", file=out)
    broken = any(lp.errors or lp.pack is None for lp in packset.packs)
    return 1 if broken or packset.unread else 0
