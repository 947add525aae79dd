"""From a meeting export to the one `hold_meeting` command (docs/import-format.md) that the meeting amounts to.

Attendance: a roster member found in the report is `present`, or `late` when their first join is
10 minutes or more after the meeting's start (the report's start time, or the first join of anyone
when the report gives none); roster members not found are `absent`. Several participants may be one
member (a laptop and a phone): the earliest join counts.

Airtime, when a transcript is given: each member's seconds are the sum of their cues, to the
millisecond the transcript gives (rounding is for display only); attendees who never spoke get 0, so the
command states it rather than implies it.
A transcript speaker is matched through the report first (a speaker labelled as a participant is
whoever that participant is, so an email match carries over), then by name and aliases. A roster
member heard in the transcript but missing from the report did attend (someone dialling in by phone
shows up like that): they are recorded `present` and reported, since docs/import-format.md allows airtime only
for attendees and dropping what they said would skew everyone's share. Speakers who are not on the
roster are reported and not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.commands import HoldMeeting
from domain.meeting_exports.errors import AmbiguousMatchError
from domain.meeting_exports.export import MeetingExport
from domain.meeting_exports.matching import Aliases, Match, Roster, RosterMember
from domain.meeting_exports.names import name_variants

LATE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Unmatched:
    """Someone in the export who is not on the roster: shown to the facilitator, never stored."""

    name: str
    emails: tuple[str, ...] = ()
    seconds_spoken: float | None = None


@dataclass(frozen=True)
class MeetingImport:
    command: HoldMeeting
    matched_by: dict[str, str]  # member -> "email" | "name" | "alias" | "transcript"
    seconds_after_start: dict[str, int]  # member -> seconds from the meeting's start to their first join
    not_on_roster: tuple[Unmatched, ...] = ()  # participants in the report
    speakers_not_on_roster: tuple[Unmatched, ...] = ()
    heard_but_not_in_report: tuple[str, ...] = ()  # member ids recorded present on the transcript's word
    unattributed_cues: int = 0
    unattributed_seconds: float = 0.0
    cue_count: int = 0
    started_at: datetime | None = None

    @property
    def attendance(self) -> dict[str, str]:
        return self.command.attendance or {}

    @property
    def speaking_seconds(self) -> dict[str, float] | None:
        return self.command.speaking_seconds


def draft_hold_meeting(
    export: MeetingExport,
    roster: Iterable[RosterMember],
    aliases: Aliases,
    *,
    group: str,
    meeting: str,
    held_on: str,
    topic: str,
) -> MeetingImport:
    members = Roster(roster, aliases)
    found = _attendees(export, members)
    start = export.started_at or _earliest(*(p.first_join for p in export.participants))
    attendance = {member: "absent" for member in members.members}
    seconds_after_start = {}
    for member, first_join in found.first_join.items():
        late = start is not None and first_join is not None and first_join - start >= LATE_AFTER
        attendance[member] = "late" if late else "present"
        if start is not None and first_join is not None:
            seconds_after_start[member] = round((first_join - start).total_seconds())
    command = HoldMeeting(
        group=group, meeting=meeting, held_on=held_on, topic=topic, format="virtual", attendance=attendance
    )
    drafted = MeetingImport(command, found.matched_by, seconds_after_start, found.not_on_roster, started_at=start)
    return drafted if export.transcript is None else _with_airtime(drafted, export, found.member_of, members)


@dataclass(frozen=True)
class _Attendees:
    member_of: tuple[str | None, ...]  # per participant of the export
    first_join: dict[str, datetime | None]  # member -> earliest join of any of their participants
    matched_by: dict[str, str]
    not_on_roster: tuple[Unmatched, ...]


def _attendees(export: MeetingExport, members: Roster) -> _Attendees:
    member_of: list[str | None] = []
    first_join: dict[str, datetime | None] = {}
    matched_by: dict[str, str] = {}
    not_on_roster = []
    for participant in export.participants:
        match = members.identify(participant.name, participant.emails, path=export.report_path, line=participant.line)
        member_of.append(match.member if match else None)
        if match is None:
            not_on_roster.append(Unmatched(participant.name, participant.emails))
            continue
        matched_by.setdefault(match.member, match.by)
        first_join[match.member] = _earliest(first_join.get(match.member), participant.first_join)
    return _Attendees(tuple(member_of), first_join, matched_by, tuple(not_on_roster))


def _with_airtime(
    drafted: MeetingImport, export: MeetingExport, member_of: tuple[str | None, ...], members: Roster
) -> MeetingImport:
    transcript = export.transcript
    assert transcript is not None
    attendance = dict(drafted.attendance)
    matched_by = dict(drafted.matched_by)
    spoken_ms: dict[str, int] = {}
    heard: list[str] = []
    not_on_roster: list[Unmatched] = []
    for label, ms in transcript.speaking_ms.items():
        match = _speaker(label, export, member_of, members, transcript.first_line[label])
        if match is None:
            not_on_roster.append(Unmatched(label, seconds_spoken=_seconds(ms)))
            continue
        spoken_ms[match.member] = spoken_ms.get(match.member, 0) + ms
        if attendance[match.member] == "absent":
            attendance[match.member] = "present"
            matched_by[match.member] = "transcript"
            heard.append(match.member)
    command = replace(
        drafted.command,
        attendance=attendance,
        speaking_seconds={
            member: _seconds(spoken_ms.get(member, 0)) for member, status in attendance.items() if status != "absent"
        },
    )
    return replace(
        drafted,
        command=command,
        matched_by=matched_by,
        speakers_not_on_roster=tuple(not_on_roster),
        heard_but_not_in_report=tuple(heard),
        unattributed_cues=transcript.unattributed_cues,
        unattributed_seconds=_seconds(transcript.unattributed_ms),
        cue_count=transcript.cue_count,
    )


def _speaker(
    label: str, export: MeetingExport, member_of: tuple[str | None, ...], members: Roster, line: int
) -> Match | None:
    """Through the report first: a speaker labelled as a participant is whoever that participant is."""
    variants = set(name_variants(label))
    through_report = {
        member
        for participant, member in zip(export.participants, member_of, strict=True)
        if member is not None and variants & set(name_variants(participant.name))
    }
    path = export.transcript.path if export.transcript else export.report_path
    if len(through_report) > 1:
        raise AmbiguousMatchError(path, line, through_report)
    if through_report:
        return Match(through_report.pop(), "report")
    return members.identify(label, path=path, line=line)


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def _seconds(ms: int) -> float:
    return ms / 1000
