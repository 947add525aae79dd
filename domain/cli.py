"""`peerpulse`: the command line. Each subcommand is a thin shell over a use case.

A user's mistake (a bad file, a broken rule, a missing key) prints one plain message and exits
non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from domain.errors import PeerPulseError


def date_argument(value: str) -> date:
    """argparse type for YYYY-MM-DD options (every subcommand uses this one)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def cmd_import(args: argparse.Namespace) -> int:
    from domain.config import open_application
    from domain.importer import import_file

    with open_application() as app:
        for path in args.files:
            started = time.perf_counter()
            summary = import_file(app, Path(path))
            elapsed = time.perf_counter() - started
            if summary.already_imported:
                print(f"{path}: already imported; nothing new stored ({summary.commands} commands)")
                continue
            rate = f" ({summary.commands / elapsed:,.0f} commands/s)" if summary.commands >= 1000 else ""
            print(
                f"{path}: {summary.commands} commands: {summary.applied} applied, {summary.skipped} skipped "
                f"(already recorded); {summary.events} events stored in {elapsed:.1f} s{rate}"
            )
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from domain.seeding import seed_programme

    seed_programme(groups=args.groups, months=args.months, seed=args.seed, until=args.until, jsonl=args.jsonl)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Seed a demo programme if the store is empty, then build and show what there is to see."""
    from domain.config import Settings, open_application
    from domain.seeding import seed_programme

    settings = Settings.from_env()
    with open_application(settings) as app:
        empty = app.event_count() == 0
    if empty:
        seed_programme(groups=12, months=24, seed=7)
    else:
        print(f"the event store ({settings.describe_store()}) already holds events: not seeding")
    try:
        from pipelines.cli import materialize_and_report
    except ImportError:
        print(f"events are in {settings.describe_store()}; the pipelines and dashboards are not built yet")
        return 0
    materialize_and_report(as_of=None)
    try:
        from dashboards.cli import serve
    except ImportError:
        print(f"the serving file is {settings.serving_path}; the dashboards are not built yet")
        return 0
    return serve(host="127.0.0.1", port=args.port, demo=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peerpulse",
        description="Engagement analytics for peer support groups. Data lives in $PEERPULSE_HOME (default ./.peerpulse).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="apply JSONL commands (IMPORT.md), all-or-nothing per file")
    p.add_argument("files", nargs="+", metavar="FILE.jsonl")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("seed", help="write a synthetic programme through the import path")
    p.add_argument("--groups", type=_positive, default=12, help="number of groups (default 12)")
    p.add_argument("--months", type=_positive, default=24, help="months of meetings (default 24)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--until", type=date_argument, default=None, help="last day of the programme (default today)")
    p.add_argument("--jsonl", type=Path, default=None, help="write the commands to this JSONL file instead of storing them")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("demo", help="seed a demo programme if empty, materialize, serve the dashboards")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_demo)

    try:
        from domain.meeting_exports.cli import add_parsers
    except ImportError:  # pragma: no cover - the exports package is optional while it is being built
        pass
    else:
        add_parsers(sub)

    for extra in ("pipelines.cli", "dashboards.cli", "domain.erasure_cli"):
        try:
            module = __import__(extra, fromlist=["add_parsers"])
        except ImportError:
            continue
        module.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PeerPulseError as e:
        print(f"peerpulse {args.command}: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"peerpulse {args.command}: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
