"""`peerpulse`: the command line. Each subcommand is a thin shell over a use case of a layer below.

A user's mistake (a bad file, a broken rule, a missing key) prints one plain message and exits
non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import os
import sys

from domain.config import Settings
from domain.disk import disk_full
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
# what a full disk left behind, said after "no space left on <folder>:" (domain/disk.py); else nothing was
# recorded: the store's transaction was rolled back, no file was replaced
AFTER_DISK_FULL = {
    "send-reminders": "the run stopped there; the messages recorded as sent stay so, run again once there is space",
}


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
    except Exception as e:
        full = disk_full(e, Settings.from_env(), AFTER_DISK_FULL.get(args.command, "nothing was recorded"))
        if full is not None:
            e = full
        elif not isinstance(e, PeerPulseError):  # a bug: its traceback
            raise
        print(f"peerpulse {args.command}: error: {printable(str(e))}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"peerpulse {args.command}: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
