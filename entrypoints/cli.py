"""`peerpulse`: the command line. Each subcommand is a thin shell over a use case of a layer below.

A user's mistake (a bad file, a broken rule, a missing key) prints one plain message and exits
non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import os
import sys

from domain.errors import PeerPulseError
from entrypoints import (
    backups,
    corrections,
    erasing,
    importing,
    materializing,
    meeting_exports,
    reminders,
    seeding,
    serving,
)
from entrypoints.arguments import printable

SUBCOMMANDS = (importing, meeting_exports, corrections, seeding, materializing, serving, erasing, backups, reminders)


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # an argument echoed back must not act on the terminal
        super().error(printable(message))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="peerpulse",
        description="Engagement analytics for peer support groups. "
        "Data lives in $PEERPULSE_HOME (default ./.peerpulse).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Everything PeerPulse writes (the event store and its -wal/-shm files, keys, DuckDB files, the
    # dashboards server's files) is for its owner only.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PeerPulseError as e:
        print(f"peerpulse {args.command}: error: {printable(str(e))}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"peerpulse {args.command}: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
