"""`qkv-drill serve` from the shell: localhost by default, a warning when bound wider.

(The browser itself is tested in tests/browser.)"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from qkv_drill.serve import app_command, exposure_warning, is_loopback
from tests.helpers.serving import free_port, stop, wait_for_port

pytest.importorskip("textual_serve", reason="textual-serve is not installed")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("my-laptop.local", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback
    assert (exposure_warning(host, 8000) is None) is loopback


def test_app_command_runs_this_qkv_drill_with_the_extra_packs(tmp_path):
    argv = shlex.split(app_command([tmp_path / "my pack.yaml"]))
    assert argv[:3] == [sys.executable, "-m", "qkv_drill"]
    assert argv[3:] == ["--pack", str((tmp_path / "my pack.yaml").resolve())]


def serve(*args: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qkv_drill", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    return proc, port


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_answers_with_the_page_and_warns_only_when_exposed(host):
    args = () if host == "127.0.0.1" else ("--host", host)
    proc, port = serve(*args)
    try:
        wait_for_port(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            html = page.read().decode()
        assert "data-session-websocket-url" in html and "qkv-drill" in html
    finally:
        time.sleep(0.1)
        _, err = stop(proc)
    warned = "anyone who can reach this port can use qkv-drill as this user" in err
    assert warned is (host != "127.0.0.1"), err


def test_serve_refuses_a_port_out_of_range(capsys):
    from qkv_drill.cli import main

    assert main(["serve", "--port", "70000"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err


def test_serve_on_a_taken_port_says_so():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "qkv_drill", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
            check=False,
        )
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}: address already in use" in done.stderr
    assert "Traceback" not in done.stderr
