"""`peerpulse send-reminders`: the briefings, nudges and digests due now, each sent exactly once.

The mail server, the sender and the dashboards' address come from the environment or the secrets file
(notifications/config.py), never from the command line, read by the one config loader
(domain/config.py). Programme leads are the ones the dashboards know by email (PEERPULSE_LEADS,
`[peerpulse] leads`). A dry run writes .eml files to a folder instead of sending, and records nothing.
What is printed counts messages; it never names anyone. The Dagster schedule `reminders_every_hour`
calls `send_due` in its own process (entrypoints/dagster_definitions.py), exactly as this command does.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from domain import clock
from domain.application import open_application
from domain.config import Config
from domain.errors import PeerPulseError
from notifications import config as mail_config

if TYPE_CHECKING:
    from notifications.sending import Report


def moment(value: str) -> datetime:
    """argparse type for --now: an ISO 8601 date and time; without an offset, the machine's time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date and time written YYYY-MM-DDTHH:MM[+HH:MM]") from None
    return parsed if parsed.tzinfo is not None else parsed.astimezone()


def send_due(
    config: Config, now: datetime, dry_run: bool = False, out: Path | None = None
) -> tuple[Report, Path | None]:
    """Send (or, in a dry run, write to `out`) what is due at `now` and was not sent before; returns the
    report and, for a dry run, the folder the messages are in."""
    # Here, not at the top: every other subcommand would pay for loading the templates and the warehouse.
    from notifications.outbox import FolderOutbox, SmtpOutbox
    from notifications.sending import send_reminders
    from warehouse.db import ServingReader

    settings = config.settings
    mail = mail_config.read(config.secrets, config.environ)
    leads = sorted(config.leads)
    if not settings.serving_path.exists():
        raise PeerPulseError("nothing has been published yet: run `peerpulse materialize` first")
    if dry_run:
        folder = out or settings.home / "dry-run" / f"{now:%Y%m%d-%H%M%S}"
        outbox = FolderOutbox(folder.expanduser().absolute())
    else:
        outbox = SmtpOutbox(mail)  # a server that cannot be reached or refuses us stops here, before any claim
    reader = ServingReader(settings.serving_path)
    try:
        with open_application(settings) as app:
            report = send_reminders(
                app, reader, mail, leads, now, outbox, by=app.actor("mail", account=getpass.getuser())
            )
    finally:
        reader.close()
        outbox.close()
    return report, (outbox.folder if dry_run else None)


def cmd_send_reminders(args: argparse.Namespace) -> int:
    report, folder = send_due(Config.load(args.secrets), args.now or clock.now(), args.dry_run, args.out)
    print(report.summary(dry_run=args.dry_run))
    if folder is not None:
        print(f"the messages are in {folder} (they hold names and texts: delete them when done)")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "send-reminders",
        help="send the briefings, nudges and digests due now, each once (mail settings: environment or secrets file)",
        description="Send the facilitators' briefings, the members' nudges and the leads' weekly digest that "
        "are due now and were not sent before. The mail server is configured in the environment or the "
        "secrets file (README, 'Briefings and reminders'), never on the command line.",
    )
    p.add_argument("--dry-run", action="store_true", help="write .eml files instead of sending; record nothing")
    p.add_argument("--out", type=Path, metavar="DIR", help="where --dry-run writes (default $PEERPULSE_HOME/dry-run/)")
    p.add_argument("--now", type=moment, metavar="DATETIME", help="the moment to send as of (default: now)")
    p.add_argument(
        "--secrets",
        type=Path,
        metavar="FILE",
        help="the secrets file with [peerpulse.mail] and [peerpulse] leads "
        "(default $PEERPULSE_SECRETS, else .streamlit/secrets.toml)",
    )
    p.set_defaults(func=cmd_send_reminders)
