"""`peerpulse erase-member ID`: the right to be forgotten, by crypto-shredding.

The member's key is destroyed, so everything sealed with it (name, email, company, title,
commitment texts, follow-up notes) becomes unreadable in every copy of every event. Then the
warehouse and serving file are rebuilt from scratch into new files and the old ones removed, so no
old DuckDB page survives. Figures keep counting the member under the same pseudonymous id.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from domain.application import open_application
from domain.config import Settings
from domain.errors import PeerPulseError
from entrypoints.materializing import materialize_and_report


def cmd_erase_member(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not args.yes:
        if not sys.stdin.isatty():
            raise PeerPulseError("erasing a member cannot be undone: confirm with --yes")
        answer = input(f"Erase member '{args.member}' for good? Type the member id again to confirm: ")
        if answer.strip() != args.member:
            print("not erased")
            return 1
    with open_application(settings) as app:
        recorded = app.erase_member(args.member, requested_by=getpass.getuser())
    print(
        f"member '{args.member}': key destroyed"
        + ("; erasure recorded" if recorded else " (erasure was already recorded)")
    )
    rebuild_warehouse(settings)
    return 0


def rebuild_warehouse(settings: Settings) -> None:
    """Throw the warehouse away and build it again from the event log, into new files."""
    for path in (settings.warehouse_path, settings.warehouse_path.with_name(settings.warehouse_path.name + ".wal")):
        path.unlink(missing_ok=True)
    try:
        materialize_and_report(as_of=None)
    except PeerPulseError:
        settings.serving_path.unlink(missing_ok=True)  # never leave a file built before the erasure
        raise


def add_parsers(sub) -> None:
    p = sub.add_parser("erase-member", help="crypto-shred a member's personal data; figures keep a pseudonymous id")
    p.add_argument("member", metavar="ID", help="the member's id")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_erase_member)
