"""`peerpulse erase-member ID`: the right to be forgotten, by crypto-shredding.

The member's key is destroyed, so everything sealed with it (name, email, company, title, commitment
texts, follow-up notes) becomes unreadable in every copy of every event, backups included. The erasure
is written to the erasure ledger first, so a restored backup of the keys older than it is erased again
(docs/backups.md). Then the erasure is recorded, and the figures are republished as after any other event.

No rebuild of the warehouse is needed, and none is done: the warehouse and the serving file never held
a name, an email or a text (only ids, dates, statuses and figures), so there is nothing personal in
them to remove. The erasure event belongs to no group and no model reads it, so the refresh that
follows (by partition) only catches up on it and republishes `publication_state`. Figures keep counting
the member under the same pseudonymous id, and a running dashboards server forgets what it had
decrypted as soon as it sees the erasure.
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
        recorded = app.erase_member(
            args.member, requested_by=getpass.getuser(), by=app.actor("cli", account=getpass.getuser())
        )
    print(
        f"member '{args.member}': key destroyed"
        + ("; erasure recorded" if recorded else " (erasure was already recorded)")
    )
    try:
        materialize_and_report(as_of=None, changed_only=True)
    except PeerPulseError as e:
        raise PeerPulseError(
            f"the erasure is done and cannot be undone, but the figures were not republished: {e}. "
            "The serving file holds no personal data; run `peerpulse materialize` once the cause is fixed"
        ) from None
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("erase-member", help="crypto-shred a member's personal data; figures keep a pseudonymous id")
    p.add_argument("member", metavar="ID", help="the member's id")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_erase_member)
