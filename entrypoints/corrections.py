"""`peerpulse correct-attendance` and `peerpulse correct-airtime`: one correction, recorded as an event
through the application (the same commands as a JSONL line, and as the browser's Correct a meeting)."""

from __future__ import annotations

import argparse
import getpass

from domain.application import open_application
from domain.commands import Command, CorrectAirtime, CorrectAttendance, InvalidField
from domain.errors import CommandError, DomainError
from domain.model import ATTENDANCE_STATUSES
from entrypoints.arguments import external_id


def _record(command_of, what: str) -> int:
    try:
        command: Command = command_of()
    except InvalidField as e:
        raise DomainError(f"{e.field}: {e.reason}", e.field) from None
    with open_application() as app:
        try:
            summary = app.apply_commands([command], what, by=app.actor("cli", account=getpass.getuser()))
        except CommandError as e:
            raise DomainError(f"{e.field + ': ' if e.field else ''}{e.reason}", e.field) from None
    print(f"{what}: " + ("recorded" if summary.applied else "already recorded; nothing new stored"))
    return 0


def cmd_correct_attendance(args: argparse.Namespace) -> int:
    return _record(
        lambda: CorrectAttendance(meeting=args.meeting, member=args.member, status=args.status),
        f"attendance of {args.member} at {args.meeting}",
    )


def cmd_correct_airtime(args: argparse.Namespace) -> int:
    return _record(
        lambda: CorrectAirtime(meeting=args.meeting, member=args.member, seconds=args.seconds),
        f"seconds of {args.member} at {args.meeting}",
    )


def add_parsers(sub) -> None:
    p = sub.add_parser("correct-attendance", help="record a member's right status at a meeting (a new event)")
    p.add_argument("meeting", type=external_id, metavar="MEETING")
    p.add_argument("member", type=external_id, metavar="MEMBER")
    p.add_argument("status", choices=ATTENDANCE_STATUSES, metavar="STATUS", help=", ".join(ATTENDANCE_STATUSES))
    p.set_defaults(func=cmd_correct_attendance)

    p = sub.add_parser("correct-airtime", help="record the seconds a member really spoke at a meeting (a new event)")
    p.add_argument("meeting", type=external_id, metavar="MEETING")
    p.add_argument("member", type=external_id, metavar="MEMBER")
    p.add_argument("seconds", type=float, metavar="SECONDS", help="0 to 86400")
    p.set_defaults(func=cmd_correct_airtime)
