"""Launch-to-first-frame of `qkv-drill` against a minimal Textual app, in the same run.

Both run as fresh subprocesses on a pseudo-terminal (80x24). Each writes a JSON line to the file
named by $QKV_DRILL_READY_FILE once its first frame is on screen: wall time, peak RSS, and
whether torch is imported. Time is measured from just before spawning to that timestamp.

    python benchmarks/startup.py              # 15 runs of each, interleaved
    python benchmarks/startup.py --runs 30

Exits 1 when qkv-drill takes more than TARGET times the minimal app's median, or has torch loaded.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from summary import summary

READY_ENV = "QKV_DRILL_READY_FILE"
TARGET = 1.3
ROOT = Path(__file__).resolve().parent.parent

MINIMAL_APP = """
import json, os, resource, sys, time
from textual.app import App
from textual.widgets import Footer, Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.ready)

    def ready(self):
        info = {"t": time.time(),
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "torch": "torch" in sys.modules, "numpy": "numpy" in sys.modules}
        with open(os.environ["QKV_DRILL_READY_FILE"], "w") as f:
            f.write(json.dumps(info))

Minimal().run()
"""


def run_once(cmd: list[str], env: dict[str, str], timeout: float = 30.0) -> dict:
    """Spawn `cmd` on a pty, wait for its ready file, quit it; the ready info plus elapsed s."""
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready.json"
        child_env = {**env, READY_ENV: str(ready), "QKV_DRILL_HOME": str(Path(tmp) / "home")}
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        t0 = time.time()
        proc = subprocess.Popen(
            cmd, stdin=slave, stdout=slave, stderr=slave, env=child_env, start_new_session=True
        )
        os.close(slave)
        info: dict | None = None
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                readable, _, _ = select.select([master], [], [], 0.01)
                if readable:
                    try:
                        os.read(master, 65536)  # drain: a full pty would block the child
                    except OSError:
                        break
                if ready.exists():
                    try:
                        info = json.loads(ready.read_text())
                        break
                    except json.JSONDecodeError:
                        continue  # still being written
                if proc.poll() is not None:
                    break
            if info is None:
                raise RuntimeError(f"{cmd} did not signal readiness (exit {proc.poll()})")
            info["elapsed"] = info["t"] - t0
            os.write(master, b"\x11")  # ctrl+q
            end = time.monotonic() + 3
            while proc.poll() is None and time.monotonic() < end:
                if select.select([master], [], [], 0.05)[0]:
                    try:
                        os.read(master, 65536)
                    except OSError:
                        break
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            os.close(master)
        return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("QKV_DRILL_PACKS",)}
    env["TERM"] = env.get("TERM", "xterm-256color") or "xterm-256color"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    commands = {
        "minimal textual app": [sys.executable, "-c", MINIMAL_APP],
        "qkv-drill": [sys.executable, "-m", "qkv_drill"],
    }
    results: dict[str, list[dict]] = {name: [] for name in commands}
    for cmd in commands.values():  # one warm-up each: fills the OS file cache and .pyc
        run_once(cmd, env)
    for _ in range(args.runs):
        for name, cmd in commands.items():
            results[name].append(run_once(cmd, env))

    print(f"launch to first frame, {args.runs} runs each, 80x24 pty, median (min - max)\n")
    header = ("app", "median ms", "min ms", "max ms", "peak RSS MB", "torch")
    print(
        f"{header[0]:<22} {header[1]:>10} {header[2]:>8} {header[3]:>8} {header[4]:>12} "
        f"{header[5]:>6}"
    )
    medians = {}
    for name, runs in results.items():
        ms = [1000 * r["elapsed"] for r in runs]
        rss = statistics.median(r["maxrss_kb"] for r in runs) / 1024
        torch = any(r["torch"] for r in runs)
        medians[name] = statistics.median(ms)
        print(
            f"{name:<22} {medians[name]:>10.0f} {min(ms):>8.0f} {max(ms):>8.0f} {rss:>12.1f}"
            f" {'yes' if torch else 'no':>6}"
        )
    ratio = medians["qkv-drill"] / medians["minimal textual app"]
    torch_loaded = any(r["torch"] for r in results["qkv-drill"])
    verdict = "ok" if ratio <= TARGET and not torch_loaded else "OVER TARGET"
    print(f"\nratio qkv-drill / minimal: {ratio:.2f}x (target <= {TARGET}x): {verdict}")
    rss = statistics.median(r["maxrss_kb"] for r in results["qkv-drill"]) / 1024
    summary("start-up / minimal Textual app", f"{ratio:.2f}x", f"<= {TARGET}x", ratio <= TARGET)
    summary(
        "peak RSS at first frame; torch loaded",
        f"{rss:.0f} MB; {'yes' if torch_loaded else 'no'}",
        "torch not loaded",
        not torch_loaded,
    )
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
