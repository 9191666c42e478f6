"""The `qkv-drill` command.

Only argparse is imported here; each sub-command imports its own module when it runs, so
`qkv-drill --help` and the TUI start-up never pay for modules they do not use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qkv_drill import cliargs

if TYPE_CHECKING:
    from qkv_drill.session.options import SessionOptions


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--topic", action="append", default=[], help="only this topic (repeatable)")
    p.add_argument("--pack-id", action="append", default=[], help="only this pack (repeatable)")
    p.add_argument(
        "--difficulty",
        action="append",
        default=[],
        choices=["easy", "medium", "hard"],
        help="only this difficulty (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qkv-drill",
        allow_abbrev=False,
        description="Drill transformer attention for ML interviews: Q, K, V shapes, roles, "
        "the 1/sqrt(d_k) scaling, multi-head attention, masks, cost and memory.",
    )
    from qkv_drill import __version__

    parser.add_argument("--version", action="version", version=f"qkv-drill {__version__}")
    parser.add_argument(
        "--pack",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="also load this pack file or folder (repeatable)",
    )
    sub = parser.add_subparsers(dest="command")

    for name, help_text in (
        ("practice", "practice with instant feedback"),
        ("drill", "spaced-repetition drill of what you keep missing"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--plain", action="store_true", help="line mode on stdin/stdout")
        p.add_argument(
            "--seed", type=cliargs.seed, default=None, help="reproduce the same questions"
        )
        p.add_argument(
            "--count", type=cliargs.count, default=None, help="stop after N questions (1-100,000)"
        )
        _add_filters(p)
        if name == "drill":
            p.add_argument("--weakest", action="store_true", help="draw from your weakest topics")

    p = sub.add_parser("mock", help="timed mock interview")
    p.add_argument("--plain", action="store_true", help="line mode on stdin/stdout")
    # None when not given: the app then shows its set-up form (MockSettings falls back to 20/10)
    p.add_argument(
        "--minutes", type=cliargs.minutes, default=None, help="duration, 0.01-600 (default 20)"
    )
    p.add_argument(
        "--questions", type=cliargs.questions, default=None, help="how many, 1-200 (default 10)"
    )
    p.add_argument("--seed", type=cliargs.seed, default=None, help="replay the same interview")
    p.add_argument("--resume", action="store_true", help="resume an interrupted interview")
    p.add_argument(
        "--code", action="store_true", help="include one implement-it exercise (adds its time)"
    )
    p.add_argument(
        "--allow-pause",
        action="store_true",
        help="let the interview be paused (ctrl+o); off by default, as in a real interview",
    )
    _add_filters(p)

    p = sub.add_parser("export", help="export a mock interview report as Markdown or JSON")
    p.add_argument(
        "mock_id", nargs="?", type=cliargs.mock_id, help="which interview (default: latest)"
    )
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("-o", "--output", type=Path, default=None, help="file (default: stdout)")

    p = sub.add_parser("validate", help="check question packs; exit 1 on any error")
    p.add_argument(
        "--alone",
        action="store_true",
        help="skip checking ids against the installed packs (shipped and yours)",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--seeds", type=cliargs.seeds, default=50, help="instances drawn per question (1-10,000)"
    )
    p.add_argument("--no-torch", action="store_true", help="skip the numpy/torch agreement check")

    p = sub.add_parser("new-pack", help="write a commented example pack to the user pack folder")
    p.add_argument("name")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    sub.add_parser("schema", help="print the JSON Schema of the pack format")
    sub.add_parser("packs", help="list packs, question counts per topic, and their status")
    p = sub.add_parser("misconceptions", help="list the named mistakes packs can recognise")
    p.add_argument("--markdown", action="store_true", help="as the table in docs/pack-format.md")
    sub.add_parser("locate", help="print where packs and progress live")
    _add_reach_commands(sub)
    return parser


def _add_reach_commands(sub: argparse._SubParsersAction) -> None:
    """Anki, the browser, backups, stats for scripts and diagnostics."""
    p = sub.add_parser("export-anki", help="write an Anki package: one deck per pack")
    p.add_argument("--topic", action="append", default=[], help="only this topic (repeatable)")
    p.add_argument("--pack-id", action="append", default=[], help="only this pack (repeatable)")
    p.add_argument(
        "--instances",
        type=int,
        default=3,
        metavar="N",
        help="drawn instances per computed question (default 3)",
    )
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="file (default: exports/qkv-drill.apkg)"
    )

    p = sub.add_parser("serve", help="serve the app to a browser page (textual-serve)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--public-url", default=None, help="the address browsers use, if not host:port")

    p = sub.add_parser("backup", help="write a consistent copy of your progress")
    p.add_argument("-o", "--output", type=Path, default=None, help="file (default: backups/)")
    p = sub.add_parser("restore", help="replace your progress with a backup (current kept aside)")
    p.add_argument("file", type=Path)

    p = sub.add_parser("stats", help="totals, accuracy per topic and cards due")
    p.add_argument("--json", action="store_true", help="as JSON, for scripts")

    sub.add_parser("doctor", help="versions, torch build, data folder and packs, for bug reports")


def _every_sub_command_takes_pack(parser: argparse.ArgumentParser) -> None:
    """No abbreviations anywhere (`--pack` must never be read as `--pack-id`), and `--pack`
    accepted after the sub-command as well as before it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.allow_abbrev = False
                sub.add_argument(
                    "--pack",
                    dest="pack_after",
                    action="append",
                    default=[],
                    type=Path,
                    metavar="PATH",
                    help="also load this pack file or folder (repeatable)",
                )


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace | int:
    """The parsed arguments, `--pack` before and after the sub-command merged; or an exit code
    when a `--pack` path does not exist (an error everywhere, not a silent empty pack)."""
    parser = build_parser()
    _every_sub_command_takes_pack(parser)
    args = parser.parse_args(argv)
    args.pack = list(args.pack) + list(getattr(args, "pack_after", []))
    for path in args.pack:
        if not Path(path).exists():
            print(f"qkv-drill: error: --pack {path}: no such file or folder", file=sys.stderr)
            return 2
    return args


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at interpreter exit, where a closed pipe exits 120
        return code
    except BrokenPipeError:
        # Output piped into `head` (or a closed terminal): the reader has what it wanted; a
        # traceback would be noise. Stdout goes to /dev/null so the exit flush cannot fail too.
        _silence_stdout()
        return 141  # 128 + SIGPIPE, as a shell reports a command a pipe stopped


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if isinstance(args, int):
        return args
    command = args.command

    if command is None:
        return _run_tui(args.pack)
    if command in ("practice", "drill", "mock"):
        from qkv_drill.cli_options import session_options

        options = session_options(args)
        if not args.plain:
            return _run_tui(args.pack, command, options)
        from qkv_drill.plain import run_plain

        return run_plain(options)
    if command == "export":
        from qkv_drill.session.export import ReportExport, run_export

        return run_export(
            ReportExport(mock_id=args.mock_id, format=args.format, output=args.output)
        )
    if command == "validate":
        from qkv_drill.packs.validate_command import run_validate

        return run_validate(args)
    if command == "new-pack":
        from qkv_drill.packs.scaffold import run_new_pack

        return run_new_pack(args)
    if command == "schema":
        from qkv_drill.packs.schema import run_schema

        return run_schema(args)
    if command == "packs":
        from qkv_drill.packs.listing import run_packs

        return run_packs(args)
    if command == "misconceptions":
        from qkv_drill.packs.misconception_list import run_misconceptions

        return run_misconceptions(args)
    if command == "locate":
        return run_locate()
    return run_reach_command(command, args)


def _run_tui(
    extra_packs: list[Path], start: str | None = None, options: SessionOptions | None = None
) -> int:
    """The TUI, its first load begun before textual is imported (most of start-up), so the
    first screen is usually built once, with its data."""
    from qkv_drill import startup_gc, startup_load
    from qkv_drill.session.filters import Filter

    startup_gc.pause()  # the app turns it back on once its first screen is up
    home_first = start is None  # (Home shows the due counts; the question screens do not)
    preload = startup_load.begin(
        extra_packs,
        due_under=(options.filter if options is not None else Filter()) if home_first else None,
        seed=options.seed if options is not None else None,
    )
    from qkv_drill.tui.app import run_app

    return run_app(extra_packs=extra_packs, start=start, options=options, preload=preload)


def run_reach_command(command: str, args: argparse.Namespace) -> int:
    """Anki, the browser, backups, stats for scripts and diagnostics: each takes typed options."""
    if command == "export-anki":
        from qkv_drill.anki.package import AnkiExport, run_export_anki
        from qkv_drill.cli_options import extra_packs, pack_filter

        options = AnkiExport(
            filter=pack_filter(args),
            instances=args.instances,
            output=args.output,
            extra_packs=extra_packs(args),
        )
        return run_export_anki(options)
    if command == "serve":
        from qkv_drill.serve import run_serve

        return run_serve(args)
    if command == "backup":
        from qkv_drill.store.backup_command import run_backup

        return run_backup(args.output)
    if command == "restore":
        from qkv_drill.store.backup_command import run_restore

        return run_restore(args.file)
    if command == "stats":
        from qkv_drill.session.stats_command import run_stats

        return run_stats(as_json=args.json)
    if command == "doctor":
        from qkv_drill.cli_options import extra_packs
        from qkv_drill.doctor import run_doctor

        return run_doctor(extra_packs(args))
    return 2


def run_locate() -> int:
    from qkv_drill import paths

    print(f"data folder:   {paths.data_dir()}")
    print(f"user packs:    {paths.user_packs_dir()}")
    print(f"progress:      {paths.progress_db_path()}")
    print(f"shipped packs: {paths.shipped_packs_dir()}")
    extra = paths.env_pack_paths()
    if extra:
        print(f"${paths.PACKS_ENV}: " + ", ".join(str(p) for p in extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
