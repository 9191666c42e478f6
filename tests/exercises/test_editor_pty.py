"""ctrl+o for real: the app on a pseudo-terminal suspends, a real $EDITOR process rewrites the file
on that terminal, the app resumes and the editor's text is in the code editor (and is what a
submit records). The screen is read through a terminal emulator (pyte), as a person would see it.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC
from pathlib import Path

import pyte
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "code.yaml"
COLS, ROWS = 120, 50
WAIT_S = 120  # generous: start-up and imports are slow on a loaded machine
EDITED = "import numpy as np\n\n\ndef attention(q, k, v):\n    return v  # from-the-editor {tty}\n"
PRINTF = EDITED.replace("{tty}", "%s").replace("\n", "\\n")
EDITOR = (
    "#!/bin/sh\n"
    "# Rewrites the file it is given, saying whether it ran on the terminal the app handed over.\n"
    "if [ -t 0 ] && [ -t 1 ]; then tty=on-a-terminal; else tty=no-terminal; fi\n"
    f'printf \'{PRINTF}\' "$tty" > "$1"\n'
)


class Terminal:
    """A program on a pty, its output fed to a terminal emulator."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.master = master
        self.proc = subprocess.Popen(
            cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float) -> None:
        if select.select([self.master], [], [], timeout)[0]:
            try:
                self.stream.feed(os.read(self.master, 65536))
            except OSError:  # the program closed the terminal
                time.sleep(timeout)

    def wait_for(self, *wanted: str, gone: str = "") -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            shown = self.text()
            if all(w in shown for w in wanted) and not (gone and gone in shown):
                return
            if self.proc.poll() is not None:
                break
            self.pump(0.05)
        raise AssertionError(f"never showed {wanted} (gone: {gone!r}):\n{self.text()}")

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_exit(self) -> int | None:
        deadline = time.monotonic() + WAIT_S
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.pump(0.05)
        return self.proc.poll()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.close(self.master)


@pytest.mark.slow
def test_ctrl_o_runs_a_real_editor_on_the_terminal_and_its_text_comes_back(tmp_path):
    from qkv_drill.store import Store

    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR)
    editor.chmod(0o755)
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR", "NO_COLOR")}
    env.update(QKV_DRILL_HOME=str(home), EDITOR=str(editor), TERM="xterm-256color")
    cmd = [sys.executable, "-m", "qkv_drill.cli", "--pack", str(FIXTURE), "practice"]
    term = Terminal([*cmd, "--pack-id", "tui-code", "--seed", "3"], env)
    try:
        term.wait_for("implement it in numpy", "def attention", gone="Reading your earlier")
        assert "from-the-editor" not in term.text()
        term.press(b"\x0f")  # ctrl+o
        term.wait_for("from-the-editor on-a-terminal", "Loaded from your editor")
        term.press(b"\x13")  # ctrl+s: what is recorded is what the code editor holds
        term.wait_for("Recorded.")
        term.press(b"\x11")  # ctrl+q
        assert term.wait_exit() == 0
    finally:
        term.close()
    store = Store(home / "progress.db", tz=UTC)
    (row,) = list(store.iter_answers())
    assert row.answer_text == EDITED.format(tty="on-a-terminal")
