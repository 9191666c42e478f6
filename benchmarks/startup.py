"""Start-up as a user sees it: first paint and the settled screen, against a minimal Textual app.

Every program runs as a fresh subprocess on an 80x24 pseudo-terminal. Its output is fed to a
terminal emulator (pyte), so the script sees the screen a person would:

- first paint: the first moment any character is on screen;
- settled: the last moment the screen's text changed, once the expected content is there (the
  due counts on Home, the first question's answer box in practice) and the text has then stayed
  the same for QUIET_S (a blinking cursor changes colours, not text, so it does not count);
- CPU: the user + system time the program had used at its last change of text (from /proc, read
  as each change arrives), reported beside the wall times because it hardly moves when other
  programs load the machine. Work done after that (practice imports what checking needs once the
  question is up) is not counted: the screen was already settled.

Three programs, interleaved run by run so machine load hits them alike:

- a minimal Textual app (a line of text and a footer): the baseline;
- `qkv-drill` until Home is settled (packs loaded, store open, due counts shown);
- `qkv-drill practice` until the first question is settled, twice: with `--seed 1`, whose first
  question computes nothing (a text question: drawn and shown without numpy), and with a seed
  whose first question is a matrix to compute (numpy, the engine and the matrix box first).

The data folder is made once and reused, as for anyone on their second day. qkv-drill also
writes peak RSS and whether torch is loaded to $QKV_DRILL_READY_FILE at its first frame.

    python benchmarks/startup.py              # 10 runs of each
    python benchmarks/startup.py --runs 20

Exits 1 when a target is missed: settled Home <= 1.3x and practice's first question (both kinds)
<= 1.5x the minimal app's settled time, and torch never loaded at start-up.
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
from dataclasses import dataclass
from pathlib import Path

import pyte
from summary import summary

READY_ENV = "QKV_DRILL_READY_FILE"
HOME_TARGET = 1.3
PRACTICE_TARGET = 1.5
QUIET_S = 1.5  # unchanged this long after the last change: settled
TIMEOUT_S = 30.0
COLS, ROWS = 80, 24
MATRIX = "practice (matrix)"  # practice whose first question is a matrix to compute
ROOT = Path(__file__).resolve().parent.parent

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

Minimal().run()
"""


@dataclass
class Run:
    first_paint_s: float
    settled_s: float
    screen: str  # the settled screen's text
    ready: dict  # qkv-drill's own first-frame report (RSS, torch), if any
    cpu_s: float = float("nan")  # CPU (user + system) the program had used at its last change


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc; NaN elsewhere). Less
    sensitive to other load on the machine than wall time, so reported beside it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(cmd: list[str], env: dict[str, str], expect: str | None = None) -> Run:
    """Spawn `cmd` on a pty, watch its screen until it settles, quit it with ctrl+q."""
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready.json"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        screen = pyte.Screen(COLS, ROWS)
        stream = pyte.ByteStream(screen)
        t0 = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, READY_ENV: str(ready)},
            start_new_session=True,
        )
        os.close(slave)
        first: float | None = None
        last_change: float | None = None
        cpu = float("nan")  # at the last change
        text = ""
        try:
            while True:
                now = time.monotonic()
                if now - t0 > TIMEOUT_S:
                    raise RuntimeError(f"{cmd} did not settle in {TIMEOUT_S:.0f} s:\n{text}")
                ready_text = expect is None or expect in text
                if last_change is not None and ready_text and now - last_change >= QUIET_S:
                    break
                if not select.select([master], [], [], 0.005)[0]:
                    if proc.poll() is not None:
                        raise RuntimeError(f"{cmd} exited early ({proc.returncode}):\n{text}")
                    continue
                try:
                    data = os.read(master, 65536)
                except OSError:
                    raise RuntimeError(f"{cmd} closed its terminal:\n{text}") from None
                stamp = time.monotonic()
                stream.feed(data)
                shown = "\n".join(screen.display)
                if shown != text:
                    text = shown
                    last_change = stamp
                    cpu = cpu_seconds(proc.pid)
                    if first is None and shown.strip():
                        first = stamp
            info = json.loads(ready.read_text()) if ready.exists() else {}
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
        assert first is not None and last_change is not None
        return Run(first - t0, last_change - t0, text, info, cpu)


def seed_with_first(kind: str) -> int:
    """A `--seed` whose first practice question, over the shipped packs, is of type `kind`."""
    sys.path.insert(0, str(ROOT))
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.practice import PracticeSession

    packset = load_packs(include_user=False)
    for seed in range(1, 10_000):
        first = PracticeSession(packset, None, seed=seed)._pick_question()  # type: ignore[arg-type]
        if first is not None and first.type == kind:
            return seed
    raise RuntimeError(f"no seed below 10,000 starts practice with a {kind} question")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--show", action="store_true", help="print each settled screen once")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="qkv-startup-"))
    # PYTHONDONTWRITEBYTECODE would make qkv-drill (an editable install here) compile every
    # module from source at each start while textual loads its installed .pyc: users' Python
    # writes bytecode once, so the warm-up run below does too.
    unset = ("QKV_DRILL_PACKS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["TERM"] = "xterm-256color"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["QKV_DRILL_HOME"] = str(home)
    programs = {
        "minimal textual app": ([sys.executable, "-c", MINIMAL_APP], "hello"),
        "qkv-drill (Home)": ([sys.executable, "-m", "qkv_drill"], "due"),
        "qkv-drill practice": (
            [sys.executable, "-m", "qkv_drill", "practice", "--seed", "1"],
            "submit",
        ),
        MATRIX: (
            [
                sys.executable,
                "-m",
                "qkv_drill",
                "practice",
                "--seed",
                str(seed_with_first("matrix")),
            ],
            "submit",
        ),
    }
    results: dict[str, list[Run]] = {name: [] for name in programs}
    for name, (cmd, expect) in programs.items():  # warm-up: OS file cache, .pyc, the store
        warm = run_once(cmd, env, expect)
        if args.show:
            print(f"--- {name}, settled:\n{warm.screen}\n")
    for _ in range(args.runs):
        for name, (cmd, expect) in programs.items():
            results[name].append(run_once(cmd, env, expect))

    print(f"start-up on an {COLS}x{ROWS} pty, {args.runs} runs each, median (min - max) in ms")
    print(f"settled = the screen's text unchanged for {QUIET_S:g} s after its last change\n")
    print(
        f"{'program':<22} {'first paint':>18} {'settled':>18} {'CPU ms':>7} {'RSS MB':>7}"
        f" {'torch':>6}"
    )
    first_med: dict[str, float] = {}
    settled_med: dict[str, float] = {}
    cpu_med: dict[str, float] = {}
    for name, runs in results.items():
        fp = [1000 * r.first_paint_s for r in runs]
        st = [1000 * r.settled_s for r in runs]
        first_med[name] = statistics.median(fp)
        settled_med[name] = statistics.median(st)
        cpu_med[name] = statistics.median(1000 * r.cpu_s for r in runs)
        rss = [r.ready["maxrss_kb"] / 1024 for r in runs if "maxrss_kb" in r.ready]
        torch = any(r.ready.get("torch") for r in runs)
        print(
            f"{name:<22} {first_med[name]:>6.0f} ({min(fp):>4.0f}-{max(fp):>4.0f})"
            f" {settled_med[name]:>6.0f} ({min(st):>4.0f}-{max(st):>4.0f})"
            f" {cpu_med[name]:>7.0f}"
            f" {statistics.median(rss) if rss else float('nan'):>7.0f}"
            f" {'yes' if torch else 'no' if rss else '-':>6}"
        )
    base = settled_med["minimal textual app"]
    home_ratio = settled_med["qkv-drill (Home)"] / base
    practice_ratio = settled_med["qkv-drill practice"] / base
    matrix_ratio = settled_med[MATRIX] / base
    paint_ratio = first_med["qkv-drill (Home)"] / first_med["minimal textual app"]
    practice_paint = first_med["qkv-drill practice"] / first_med["minimal textual app"]
    cpu_base = cpu_med["minimal textual app"]
    torch_loaded = any(
        r.ready.get("torch") for n in results if n != "minimal textual app" for r in results[n]
    )
    print()
    print(f"first paint, Home / minimal:             {paint_ratio:.2f}x")
    print(f"first paint, practice / minimal:         {practice_paint:.2f}x")
    print(
        f"CPU until settled, Home / practice / matrix / minimal: "
        f"{cpu_med['qkv-drill (Home)']:.0f} / {cpu_med['qkv-drill practice']:.0f} / "
        f"{cpu_med[MATRIX]:.0f} / {cpu_base:.0f} ms "
        f"({cpu_med['qkv-drill (Home)'] / cpu_base:.2f}x / "
        f"{cpu_med['qkv-drill practice'] / cpu_base:.2f}x / {cpu_med[MATRIX] / cpu_base:.2f}x)"
    )
    print(f"settled Home / minimal settled:          {home_ratio:.2f}x (target <= {HOME_TARGET}x)")
    print(
        f"practice first question / minimal:       {practice_ratio:.2f}x "
        f"(target <= {PRACTICE_TARGET}x)"
    )
    print(f"torch loaded at start-up:                {'yes' if torch_loaded else 'no'}")
    ok_home = home_ratio <= HOME_TARGET
    print(
        f"practice, a matrix first / minimal:      {matrix_ratio:.2f}x "
        f"(target <= {PRACTICE_TARGET}x)"
    )
    ok_practice = practice_ratio <= PRACTICE_TARGET and matrix_ratio <= PRACTICE_TARGET
    summary(
        "settled Home / minimal Textual app",
        f"{home_ratio:.2f}x ({settled_med['qkv-drill (Home)']:.0f} / {base:.0f} ms)",
        f"<= {HOME_TARGET}x",
        ok_home,
    )
    summary(
        "practice first question settled / minimal",
        f"{practice_ratio:.2f}x ({settled_med['qkv-drill practice']:.0f} / {base:.0f} ms)",
        f"<= {PRACTICE_TARGET}x",
        practice_ratio <= PRACTICE_TARGET,
    )
    summary(
        "practice first question settled, a matrix to compute / minimal",
        f"{matrix_ratio:.2f}x ({settled_med[MATRIX]:.0f} / {base:.0f} ms)",
        f"<= {PRACTICE_TARGET}x",
        matrix_ratio <= PRACTICE_TARGET,
    )
    summary(
        "first paint, Home / minimal",
        f"{paint_ratio:.2f}x ({first_med['qkv-drill (Home)']:.0f} ms)",
        "reported",
        True,
    )
    summary(
        "first paint, practice / minimal",
        f"{practice_paint:.2f}x ({first_med['qkv-drill practice']:.0f} ms)",
        "reported",
        True,
    )
    summary(
        "CPU until settled, Home / practice / matrix first vs minimal",
        f"{cpu_med['qkv-drill (Home)'] / cpu_base:.2f}x / "
        f"{cpu_med['qkv-drill practice'] / cpu_base:.2f}x / "
        f"{cpu_med[MATRIX] / cpu_base:.2f}x ({cpu_base:.0f} ms minimal)",
        "reported",
        True,
    )
    summary("torch loaded at start-up", "yes" if torch_loaded else "no", "no", not torch_loaded)
    return 0 if ok_home and ok_practice and not torch_loaded else 1


if __name__ == "__main__":
    sys.exit(main())
