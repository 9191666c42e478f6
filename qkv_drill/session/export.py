"""`qkv-drill export [MOCK_ID] [--format md|json] [-o FILE]`: a finished interview's report."""

from __future__ import annotations

import sys
from typing import Any

from qkv_drill.session.report import MockReport


def load_report(store: Any, mock_id: int | None) -> MockReport | None:
    """The stored report of `mock_id`, or of the latest finished interview when None."""
    if mock_id is None:
        history = [r for r in store.mock_history() if r.report_json]
        row = history[-1] if history else None
    else:
        row = store.get_mock(mock_id)
    if row is None or not row.report_json:
        return None
    return MockReport.from_json(row.report_json, store=store)


def run_export(args: Any) -> int:
    from qkv_drill.store import Store

    store = Store.open(None)
    mock_id = getattr(args, "mock_id", None)
    report = load_report(store, mock_id)
    if report is None:
        if mock_id is None:
            print("No finished mock interview yet: run `qkv-drill mock` first.", file=sys.stderr)
        else:
            print(f"No finished mock interview with id {mock_id}.", file=sys.stderr)
        return 1
    text = report.to_json() + "\n" if args.format == "json" else report.to_markdown()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
