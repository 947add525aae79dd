"""Recording from the browser: every write is the domain's own commands, applied through the application
as the signed-in viewer, after the server has checked that this viewer may make it.

The check never trusts the page: whatever a widget, a query parameter, session state or a replayed request
says, a facilitator records only into a group the domain says they facilitate today, a member checks in
only on their own commitment and rates only for themselves, and only a configured programme admin runs
groups and rosters. A broken rule comes back as the domain's own message, with the field it concerns;
nothing is stored then. Ids are made from what is recorded (a meeting is its group and day) or from the
form (one id per opened form, one per commitment added to it), so a double click, a reload or a retried
request records once. A commitment's id is its meeting's and a random token, never its position in the
form nor anything personal, so one forgotten at a meeting already recorded can be added later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from dashboards import people
from dashboards.viewer import NotEntitled, SessionEnded, Viewer
from domain import commands as c
from domain import ids, sessions
from domain.application import Actor, PeerPulse, UnitOfWork
from domain.clock import today
from domain.commands import Command, InvalidField
from domain.errors import CommandError, DomainError
from domain.model import MESSAGE_KINDS, Group
from domain.roster_csv import RosterRow, RowProblem, roster_commands


@dataclass(frozen=True)
class Saved:
    applied: int  # commands that recorded something
    skipped: int  # commands already recorded (a double click, a second tab)
    position: int  # the event log's position once saved: the figures include it when published past it

    @property
    def nothing_new(self) -> bool:
        return self.applied == 0


class Refused(Exception):
    """A write the domain or the server refused: the message, and the field it concerns (None: the form)."""

    def __init__(self, message: str, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line  # which of the form's commands, counting from 1, when it matters


def meeting_id(group: str, held_on: str) -> str:
    """A meeting is its group and its day: two people recording the same meeting record one meeting."""
    return f"{group[:53]}-{held_on}"


def commitment_id(meeting: str, token: str) -> str:
    """A commitment made at `meeting`: `token` is made once, when it is added to a form (`new_token`)."""
    return f"{meeting[:47]}-{token}"


def new_token() -> str:
    """16 random hex digits: nothing in them says who committed to what, or where it stood in the form."""
    return uuid.uuid4().hex[:16]


def _as(viewer: Viewer, app: PeerPulse) -> Actor:
    return app.actor("browser", member=viewer.member_id, email=viewer.email)


def _apply(
    viewer: Viewer,
    source: str,
    entitled: Callable[[PeerPulse], Sequence[Command]],
    then: Callable[[PeerPulse, UnitOfWork], object] | None = None,
) -> Saved:
    """On the domain's thread: check that the viewer's session has not been ended and the entitlement
    against the domain as it is now, build the commands, apply them all or nothing as the viewer (with
    `then`'s changes in the same transaction)."""

    def write(app: PeerPulse) -> Saved:
        if sessions.session_has_ended(app, viewer.email, viewer.signed_in_at):
            raise SessionEnded("the session has ended")
        batch = list(entitled(app))
        also = (lambda uow: then(app, uow)) if then is not None else None
        try:
            summary = app.apply_commands(batch, source, by=_as(viewer, app), then=also)
        except CommandError as e:
            raise Refused(e.reason, e.field, e.line) from None
        return Saved(summary.applied, summary.skipped, app.event_count())

    try:
        return people.domain().read(write)
    except InvalidField as e:
        raise Refused(e.reason, e.field) from None
    except DomainError as e:
        raise Refused(str(e), e.field) from None


def _facilitated(app: PeerPulse, viewer: Viewer, group_id: str) -> None:
    group = app.group(group_id)
    if group is None or viewer.member_id is None or group.facilitator_on(today().isoformat()) != viewer.member_id:
        raise NotEntitled("a facilitator records only into the groups they facilitate")


def _meeting_of_facilitated_group(app: PeerPulse, viewer: Viewer, meeting: str) -> None:
    found = app.meeting(meeting)
    if found is None:
        raise NotEntitled("no such meeting")
    _facilitated(app, viewer, found.group)


# -- facilitator ---------------------------------------------------------------------------------------
@dataclass
class MeetingForm:
    """What a facilitator records about one meeting, as the form holds it."""

    group: str
    held_on: str
    topic: str
    format: str | None = None
    guest_speaker: str | None = None
    attendance: dict[str, str] = field(default_factory=dict)  # every roster member -> status
    speaking_seconds: dict[str, float] | None = None  # from an uploaded transcript
    presenters: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # an unmatched name in the export -> the member
    commitments: list[tuple[str, str, str, str]] = field(default_factory=list)  # (token, member, text, due_on)
    follow_ups: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)  # (commitment,
    # outcome, new_due_on, note)

    @property
    def meeting(self) -> str:
        return meeting_id(self.group, self.held_on)

    def commands(self) -> list[Command]:
        meeting = self.meeting
        attendees = {m for m, s in self.attendance.items() if s in ("present", "late")}
        seconds = self.speaking_seconds
        if seconds is not None:
            seconds = {m: s for m, s in seconds.items() if m in attendees}
        found: list[Command] = [
            c.RememberAlias(group=self.group, member=member, alias=alias, line=0)
            for alias, member in sorted(self.aliases.items())
        ]
        found.append(
            c.HoldMeeting(
                group=self.group,
                meeting=meeting,
                held_on=self.held_on,
                topic=self.topic,
                format=self.format,
                attendance=dict(self.attendance),
                speaking_seconds=seconds,
                presenters=[p for p in self.presenters if p in attendees],
                guest_speaker=self.guest_speaker or None,
            )
        )
        found += [
            c.MakeCommitment(
                commitment=commitment_id(meeting, token), member=member, meeting=meeting, text=text, due_on=due
            )
            for token, member, text, due in self.commitments
        ]
        found += [
            c.FollowUp(
                commitment=commitment, meeting=meeting, outcome=outcome, new_due_on=new_due_on, note=note or None
            )
            for commitment, outcome, new_due_on, note in self.follow_ups
        ]
        return [command for command in found]


def record_meeting(viewer: Viewer, form: MeetingForm) -> Saved:
    """The whole form as one batch: the meeting, the names learned for the group, the commitments made at
    it and the follow-ups of earlier ones. If another facilitator (or tab) recorded this meeting first
    with other details, nothing is stored and `Refused.field` is 'meeting'."""

    def commands(app: PeerPulse) -> list[Command]:
        _facilitated(app, viewer, form.group)
        return form.commands()

    return _apply(viewer, "the meeting form", commands)


def correct_attendance(viewer: Viewer, meeting: str, member: str, status: str) -> Saved:
    def commands(app: PeerPulse) -> list[Command]:
        _meeting_of_facilitated_group(app, viewer, meeting)
        return [c.CorrectAttendance(meeting=meeting, member=member, status=status)]

    return _apply(viewer, "the correction form", commands)


def correct_airtime(viewer: Viewer, meeting: str, member: str, seconds: float) -> Saved:
    def commands(app: PeerPulse) -> list[Command]:
        _meeting_of_facilitated_group(app, viewer, meeting)
        return [c.CorrectAirtime(meeting=meeting, member=member, seconds=seconds)]

    return _apply(viewer, "the correction form", commands)


def add_commitment(viewer: Viewer, meeting: str, member: str, text: str, due_on: str, token: str) -> Saved:
    """A commitment made at a meeting already recorded (one forgotten on the day); `token` is the opened
    form's, so a retried save records it once."""

    def commands(app: PeerPulse) -> list[Command]:
        _meeting_of_facilitated_group(app, viewer, meeting)
        made = commitment_id(meeting, token)
        return [c.MakeCommitment(commitment=made, member=member, meeting=meeting, text=text, due_on=due_on)]

    return _apply(viewer, "the correction form", commands)


# -- member --------------------------------------------------------------------------------------------
def check_in(
    viewer: Viewer,
    commitment: str,
    progress: str,
    confidence: int,
    note: str | None,
    form_key: str,
    on: date | None = None,
) -> Saved:
    """A member's check-in on their own open commitment; `form_key` (one per opened form) makes it once."""
    member = viewer.require_member()

    def commands(app: PeerPulse) -> list[Command]:
        found = app.commitment(commitment)
        if found is None or found.member != member:
            raise NotEntitled("a member checks in only on their own commitments")
        return [
            c.CheckIn(
                check_in=f"k-{form_key}"[:64],
                commitment=commitment,
                member=member,
                checked_in_on=(on or today()).isoformat(),
                progress=progress,
                confidence=confidence,
                note=note or None,
            )
        ]

    return _apply(viewer, "the check-in form", commands)


def rate(viewer: Viewer, meeting: str, score: int, on: date | None = None) -> Saved:
    """The viewer's own rating of a meeting they attended, within 14 days of it, once."""
    member = viewer.require_member()
    rated_on = (on or today()).isoformat()
    return _apply(
        viewer,
        "the rating form",
        lambda app: [c.RateMeeting(meeting=meeting, member=member, score=score, rated_on=rated_on)],
    )


# -- anyone who gets emails ---------------------------------------------------------------------------
def emails_for(viewer: Viewer) -> tuple[str, ...]:
    """The kinds of email PeerPulse sends this viewer, by their roles: a briefing to a facilitator, a nudge
    to a member, the weekly digest to a programme lead."""
    roles = {"briefing": viewer.is_facilitator, "nudge": viewer.is_member, "digest": viewer.is_lead}
    return tuple(kind for kind in MESSAGE_KINDS if roles[kind])


def _whose(viewer: Viewer) -> dict[str, str]:
    """The person a preference is for: the viewer themselves, registered by member id, else by their
    signed-in email (a programme lead named in the configuration), which is never stored."""
    return {"member": viewer.member_id} if viewer.member_id else {"email": viewer.email}


def turned_off(viewer: Viewer) -> frozenset[str]:
    """The kinds of email the viewer has turned off."""
    whose = _whose(viewer)
    return people.domain().read(lambda app: app.turned_off(app.recipient_for(**whose)))


def set_emails(viewer: Viewer, wanted: dict[str, bool]) -> Saved:
    """Turn the viewer's own emails on or off, kind by kind; only kinds their roles get."""
    mine = emails_for(viewer)
    if not set(wanted) <= set(mine):
        raise NotEntitled("a person chooses only the emails their own roles get")
    whose = _whose(viewer)
    return _apply(
        viewer,
        "the emails form",
        lambda app: [c.SetMessagePreference(kind=kind, wanted=on, **whose) for kind, on in wanted.items()],
    )


# -- programme admin -----------------------------------------------------------------------------------
def admin(viewer: Viewer, source: str, *made: Callable[[PeerPulse], Command]) -> Saved:
    """Commands an admin makes (each built on the domain's thread, so ids can come from the store)."""
    viewer.require_admin()
    return _apply(viewer, source, lambda app: [make(app) for make in made])


def form_group(viewer: Viewer, group: str, name: str, cadence: str, formed_on: str, purpose: str | None) -> Saved:
    return admin(
        viewer,
        "the group form",
        lambda app: c.FormGroup(group=group, name=name, cadence=cadence, formed_on=formed_on, purpose=purpose or None),
    )


def register_member(viewer: Viewer, name: str, email: str, company: str | None, title: str | None) -> Saved:
    return admin(
        viewer,
        "the member form",
        lambda app: c.RegisterMember(
            member=app.member_id_for(email), name=name, email=email, company=company or None, title=title or None
        ),
    )


def membership(viewer: Viewer, kind: str, group: str, member: str, on: str, reason: str | None = None) -> Saved:
    """`kind`: join, leave (with a reason), facilitate (assign as facilitator) or sign (confidentiality).
    A change that takes a role away (a member who leaves, a facilitator handed over from) ends that
    person's open sessions, in the same transaction: they sign in again, to the roles they have now."""
    make = {
        "join": lambda app: c.JoinGroup(group=group, member=member, joined_on=on),
        "leave": lambda app: c.LeaveGroup(group=group, member=member, left_on=on, reason=reason),
        "facilitate": lambda app: c.AssignFacilitator(group=group, member=member, assigned_on=on),
        "sign": lambda app: c.SignConfidentiality(group=group, member=member, signed_on=on),
    }[kind]
    viewer.require_admin()
    day = max(on, today().isoformat())  # the role at stake: today's, or the one a planned handover ends
    before: list[str | None] = [None]

    def commands(app: PeerPulse) -> list[Command]:
        found = app.group(group) if kind == "facilitate" else None
        before[0] = found.facilitator_on(day) if found is not None else None
        return [make(app)]

    def end_their_sessions(app: PeerPulse, uow: UnitOfWork) -> None:
        losing = [member] if kind == "leave" else []
        if kind == "facilitate":
            after = uow.get(ids.group_id(group), Group)
            if before[0] is not None and after is not None and after.facilitator_on(day) != before[0]:
                losing.append(before[0])
        for person in losing:
            sessions.end_in(uow, sessions.of_member(person), "roles_changed")

    return _apply(viewer, "the membership form", commands, then=end_their_sessions)


@dataclass(frozen=True)
class RosterPreview:
    rows: list[RosterRow]
    members: dict[int, str]  # line -> the member id the row registers or finds
    new: set[int]  # lines that register someone new
    problems: list[RowProblem]


def preview_roster(viewer: Viewer, rows: list[RosterRow], problems: list[RowProblem]) -> RosterPreview:
    """Who each row is (a new member or one already registered), and every problem, before anything is stored."""
    viewer.require_admin()

    def look(app: PeerPulse) -> RosterPreview:
        members = {row.line: app.member_id_for(row.email) for row in rows}
        new = {line for line, member in members.items() if app.member(member) is None}
        _, more = roster_commands(rows, app.member_id_for)
        found = problems + [p for p in more if p not in problems]  # a repeated email is in both lists
        return RosterPreview(rows, members, new, sorted(found, key=lambda p: p.line))

    return people.domain().read(look)


def import_roster(viewer: Viewer, rows: list[RosterRow]) -> Saved:
    """Every row at once, all or nothing: `Refused.line` names the sheet's row of a broken rule."""
    viewer.require_admin()

    def commands(app: PeerPulse) -> list[Command]:
        found, problems = roster_commands(rows, app.member_id_for)
        if problems:
            raise Refused(problems[0].reason, problems[0].column, problems[0].line)
        return found

    return _apply(viewer, "the roster", commands)


# -- signing out ---------------------------------------------------------------------------------------
def end_sessions(viewer: Viewer) -> bool:
    """Signing out: every session signed in with the viewer's email ends now, in every tab and on every
    server of this store, and so does any copy of its cookie. Recorded as the viewer themselves; a session
    already ended (a second click, another tab) records nothing."""

    def end(app: PeerPulse) -> bool:
        if sessions.session_has_ended(app, viewer.email, viewer.signed_in_at):
            return False
        return sessions.end(app, sessions.of_email(app, viewer.email)[0], "signed_out", by=_as(viewer, app))

    return people.domain().read(end)
