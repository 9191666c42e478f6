"""One line per headline figure, which `run_all.py` gathers into the closing table."""

from __future__ import annotations

PREFIX = "SUMMARY|"


def summary(figure: str, value: str, target: str, met: bool) -> None:
    print(f"{PREFIX}{figure}|{value}|{target}|{'met' if met else 'MISSED'}", flush=True)
