"""`qkv-drill serve`: the same app in a browser page, through textual-serve.

Each browser tab runs its own `qkv-drill` process on this machine, as this user, with the same
data folder. Bound to localhost unless asked otherwise, because whoever reaches the port can use
the app (and its progress) as this user.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

DEFAULT_HOST = "127.0.0.1"  # also written in cli.py, which must stay light
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def exposure_warning(host: str, port: int) -> str | None:
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}:{port}, not only this machine: anyone who can reach this "
        "port can use qkv-drill as this user, with your progress. There is no login. Use the "
        "default (127.0.0.1) unless the network is yours."
    )


def app_command(packs: Sequence[Path] = ()) -> str:
    """The shell command textual-serve runs for each browser session: this very qkv-drill."""
    argv = [sys.executable, "-m", "qkv_drill"]
    for pack in packs:
        argv += ["--pack", str(Path(pack).resolve())]
    return shlex.join(argv)


def run_serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    if not 0 < args.port < 65536:
        print(f"--port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr)
        if args.public_url is None:
            print(
                "Browsers on other machines also need --public-url http://THIS-MACHINE:"
                f"{args.port} (the page connects back to that address).",
                file=sys.stderr,
            )
    server = Server(
        app_command(args.pack),
        host=args.host,
        port=args.port,
        title="qkv-drill",
        public_url=args.public_url,
    )
    try:
        server.serve()
    except OSError as e:  # the port is taken, or the address is not this machine's
        why = os.strerror(e.errno).lower() if e.errno else str(e)
        print(f"cannot serve on {args.host}:{args.port}: {why}", file=sys.stderr)
        return 1
    return 0
