"""`peerpulse import-zoom` and `peerpulse import-teams`: a meeting from the files its tool exported.

Every file is read and every person matched before the store is touched, so a bad file stores
nothing. The meeting is then recorded as one `hold_meeting` command through the application, which
skips it when the same meeting is already recorded with the same details.

What is printed names people: it is meant for the facilitator running the command, to check the
matching. Nothing here logs; errors name files, lines and member ids only.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path

from domain.application import open_application
from domain.commands import InvalidField
from domain.errors import CommandError
from domain.meeting_exports import teams, zoom
from domain.meeting_exports.errors import MeetingRejectedError
from domain.meeting_exports.export import MeetingExport
from domain.meeting_exports.hold_meeting import MeetingImport, Unmatched, draft_hold_meeting
from domain.meeting_exports.matching import Aliases, read_aliases
from domain.meeting_exports.vtt import read_transcript
from domain.model import TOPICS
from entrypoints.arguments import date_argument, external_id, printable

ReadReport = Callable[[Path], MeetingExport]


def add_parsers(subparsers) -> None:
    zoom_parser = subparsers.add_parser(
        "import-zoom",
        help="record a meeting's attendance and airtime from Zoom's participants report and transcript",
        description="Record one meeting from Zoom's participants report (CSV, either layout) and, "
        "optionally, its cloud-recording transcript (WebVTT).",
    )
    _add_arguments(zoom_parser, "PARTICIPANTS.csv")
    zoom_parser.set_defaults(func=import_zoom)

    teams_parser = subparsers.add_parser(
        "import-teams",
        help="record a meeting's attendance and airtime from a Teams attendance report and transcript",
        description="Record one meeting from the Microsoft Teams attendance report (as downloaded, or "
        "saved as CSV UTF-8) and, optionally, its transcript (WebVTT).",
    )
    _add_arguments(teams_parser, "ATTENDANCE_REPORT")
    teams_parser.set_defaults(func=import_teams)


def import_zoom(args: argparse.Namespace) -> int:
    return _import(args, zoom.read_participants_report)


def import_teams(args: argparse.Namespace) -> int:
    return _import(args, teams.read_attendance_report)


def _add_arguments(parser: argparse.ArgumentParser, report: str) -> None:
    parser.add_argument("--group", required=True, type=external_id, help="the group's id")
    parser.add_argument("--meeting", required=True, type=external_id, help="an id for this meeting")
    parser.add_argument("--held-on", required=True, type=date_argument, metavar="YYYY-MM-DD")
    parser.add_argument("--topic", required=True, choices=TOPICS, metavar="TOPIC", help=", ".join(TOPICS))
    parser.add_argument(
        "--aliases", type=Path, metavar="FILE", help="CSV of 'alias,member' lines for names no rule can match"
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be recorded and store nothing")
    parser.add_argument("report", type=Path, metavar=report)
    parser.add_argument("transcript", type=Path, nargs="?", metavar="TRANSCRIPT.vtt")


def _import(args: argparse.Namespace, read_report: ReadReport) -> int:
    export = read_report(args.report)
    if args.transcript:
        export = export.with_transcript(read_transcript(args.transcript))
    aliases = read_aliases(args.aliases) if args.aliases else Aliases.none()
    with open_application() as app:
        aliases.check_registered(lambda member: app.member(member) is not None)
        group = app.group(args.group)
        if group is not None:  # the names the group's facilitator mapped in the browser, under the file's
            aliases = aliases.with_remembered(group.aliases)
        held_on = args.held_on.isoformat()
        roster = app.roster(group=args.group, held_on=held_on)
        try:
            draft = draft_hold_meeting(
                export, roster, aliases, group=args.group, meeting=args.meeting, held_on=held_on, topic=args.topic
            )
        except InvalidField as e:
            raise MeetingRejectedError(args.report, e.field, e.reason) from None
        print("\n".join(printable(line) for line in describe(export, draft)))
        if args.dry_run:
            print("Dry run: nothing was stored.")
            return 0
        try:
            by = app.actor("meeting_export", account=getpass.getuser())
            summary = app.apply_commands([draft.command], f"{export.tool} export {args.report}", by=by)
        except CommandError as e:
            raise MeetingRejectedError(args.report, e.field, e.reason) from None
    if summary.applied:
        print(f"Recorded meeting {args.meeting}: {summary.events} event{'' if summary.events == 1 else 's'} stored.")
    else:
        print(f"Nothing new: meeting {args.meeting} is already recorded with these details.")
    return 0


def describe(export: MeetingExport, draft: MeetingImport) -> list[str]:
    """What would be recorded, and everything the facilitator should check, as lines to print."""
    command = draft.command
    started = draft.started_at.strftime("%Y-%m-%d %H:%M:%S") if draft.started_at else "unknown"
    lines = [
        f"{export.tool} report {export.report_path.name}: {len(export.participants)} participants; "
        f"meeting started {started}.",
    ]
    if export.transcript:
        lines.append(f"Transcript {export.transcript.path.name}: {draft.cue_count} cues.")
    lines += [
        "",
        f"Meeting {command.meeting} of group {command.group} on {command.held_on} ({command.topic}, {command.format}):",
    ]
    spoken = draft.speaking_seconds
    rows = [("member", "attendance", "first join", "matched by", "seconds spoken" if spoken is not None else "")]
    for member, status in sorted(draft.attendance.items()):
        after = draft.seconds_after_start.get(member)
        rows.append(
            (
                member,
                status,
                _clock(after) if after is not None else "",
                draft.matched_by.get(member, ""),
                f"{spoken[member]:.1f}" if spoken is not None and member in spoken else "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    if draft.not_on_roster:
        lines += ["", "In the report but not on the roster (not counted; add an alias line if one is a member):"]
        lines += [f"  {_who(person)}" for person in draft.not_on_roster]
    if draft.speakers_not_on_roster:
        lines += ["", "Speakers not on the roster (not counted):"]
        lines += [f"  {person.name}: {person.seconds_spoken:.1f} s" for person in draft.speakers_not_on_roster]
    if draft.heard_but_not_in_report:
        lines += [
            "",
            "Heard in the transcript but missing from the report, recorded present: "
            + ", ".join(draft.heard_but_not_in_report),
        ]
    if draft.unattributed_cues:
        lines += [
            "",
            f"{_count(draft.unattributed_cues, 'transcript cue')} with no speaker "
            f"({draft.unattributed_seconds:.1f} s): not attributed to anyone.",
        ]
    return lines


def _clock(seconds: int) -> str:
    """+9:59 rather than +10.0 min: the lateness threshold is exact, so is what is shown."""
    sign = "-" if seconds < 0 else "+"
    minutes, rest = divmod(abs(seconds), 60)
    return f"{sign}{minutes}:{rest:02d}"


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _who(person: Unmatched) -> str:
    return f"{person.name} <{', '.join(person.emails)}>" if person.emails else person.name
