"""The commands: what a person (or a file, or a meeting export) asks the domain to record.

One frozen dataclass per command type. A command checks its own fields when it is made, so whoever
builds one (the JSONL reader, a meeting export, a browser form) gets the same checks and the same
messages, and the aggregates only ever see well-formed values: types, formats and allowed values are
checked here; the rules that need state are the aggregates'.

The JSONL format (docs/import-format.md) is these classes: `type` names the class, the other keys its
fields. `parse_command` turns one decoded JSON object into a command, naming the line and the field
of anything wrong. Each field's check (domain/checks.py) says how its value is written; each class also
says what the page tells of it beside its fields: what it records (its docstring), its `rules`, when it is
`skipped_when` a repeat, and an `example` line. domain/command_docs.py renders the page's command
sections from them (`make docs`), so a new command is documented here and nowhere else.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, ClassVar
from uuid import UUID

from domain import ids, model
from domain.checks import EMAIL as EMAIL  # where notifications/addressing.py finds it
from domain.checks import (
    Check,
    Invalid,
    boolean,
    email,
    external_id,
    fmt,
    iso_date,
    long_text,
    mapping_of,
    member_list,
    one_of,
    score,
    seconds,
    text,
)
from domain.errors import CommandError, DomainError


class InvalidField(DomainError):
    """A command was made with a field that breaks its format: which field, and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason, field)
        self.reason = reason


def required(check: Check, doc: str) -> Any:
    """A field the command must have; `doc` is what docs/import-format.md says it is (its format comes from
    the check)."""
    return field(metadata={"check": check, "doc": doc})


def optional(check: Check, doc: str) -> Any:
    return field(default=None, metadata={"check": check, "doc": doc})


# -- the commands ----------------------------------------------------------------------------------
COMMANDS: dict[str, type[Command]] = {}  # the JSONL `type` -> its class, in the order declared


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of every command. `line` says where it came from (a file's line; 0 when made in memory)."""

    type: ClassVar[str]
    # What docs/import-format.md says of the command beside its fields (its docstring says what it does):
    rules: ClassVar[tuple[Refusal, ...]] = ()  # the rules that need what is already recorded
    skipped_when: ClassVar[str]  # when it is a repeat of what is recorded, so a line is skipped
    example: ClassVar[dict[str, Any]]  # one line's fields, valid after the doc's worked example
    line: int = field(default=0, compare=False)

    def __init_subclass__(cls, type: str, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        cls.type = type
        COMMANDS[type] = cls

    def __post_init__(self) -> None:
        for name, check, is_required in _checked_fields(type(self)):
            value = getattr(self, name)
            if value is None:
                if is_required:
                    raise InvalidField(name, f"is required for {self.type}")
                continue
            try:
                object.__setattr__(self, name, check(value))
            except Invalid as e:
                raise InvalidField(name, str(e)) from None

    def creates(self) -> UUID | None:
        """The aggregate this command would create, if any (most of a batch's are new)."""
        return None

    def as_dict(self) -> dict[str, Any]:
        """The command as a JSONL line says it: its type and the fields that are given."""
        given = {name: getattr(self, name) for name, _, _ in _checked_fields(type(self))}
        return {"type": self.type, **{name: value for name, value in given.items() if value is not None}}


_CHECKED: dict[type, tuple[tuple[str, Check, bool], ...]] = {}


def _checked_fields(cls: type[Command]) -> tuple[tuple[str, Check, bool], ...]:
    """(name, check, required) of each field, required ones first, as declared."""
    found = _CHECKED.get(cls)
    if found is None:
        declared = [f for f in fields(cls) if "check" in f.metadata]
        found = _CHECKED[cls] = tuple((f.name, f.metadata["check"], _is_required(f)) for f in declared)
    return found


def documented_fields(cls: type[Command]) -> list[tuple[str, bool, str, str]]:
    """(name, required, what it is, how it is written) of each field of a command, as declared: the JSONL
    format's field tables in docs/import-format.md are generated from this (`python -m domain.command_docs`)."""
    declared = [f for f in fields(cls) if "check" in f.metadata]
    return [(f.name, _is_required(f), f.metadata["doc"], fmt(f.metadata["check"])) for f in declared]


def _is_required(f: Field) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


# -- what the commands' documentation says: their rules, as data (domain/command_docs.py renders it) ----
@dataclass(frozen=True)
class Refusal:
    """A rule the domain checks against what is already recorded, and what a line breaking it is told:
    `FILE, line N: field 'F': message` (the message here with example ids)."""

    rule: str
    field: str
    message: str


_GROUP_EXISTS = Refusal("The group exists", "group", "group 'north' does not exist")
_REGISTERED = Refusal("The member is registered", "member", "member 'zed' is not registered")
_NOT_ERASED = Refusal(
    "The member was not erased", "member", "member 'ana' was erased: nothing new can be recorded about them"
)
_ACTIVE = Refusal(
    "The member is an active member of the group", "member", "member 'zed' is not an active member of group 'north'"
)
_MEETING_EXISTS = Refusal("The meeting exists", "meeting", "meeting 'nope' has not been recorded")
_COMMITMENT_EXISTS = Refusal("The commitment exists", "commitment", "commitment 'c-404' does not exist")
_STILL_OPEN = Refusal("The commitment is still open", "commitment", "commitment 'c-001' is already closed (done)")


@dataclass(frozen=True, kw_only=True)
class FormGroup(Command, type="form_group"):
    """Forms a peer group."""

    group: str = required(external_id, "id of the new group")
    name: str = required(text, "the group's name")
    cadence: str = required(one_of(model.CADENCES), "how often it meets")
    formed_on: str = required(iso_date, "the day it was formed")
    purpose: str | None = optional(text, "what the group is for")

    rules = (
        Refusal(
            "The group id is new, or the group exists with exactly these details",
            "group",
            "group 'north' already exists with other details",
        ),
    )
    skipped_when = "the group exists with the same name, cadence, formed_on and purpose"
    example = dict(group="south", name="South Forum", cadence="monthly", formed_on="2025-04-07", purpose="Founders")

    def creates(self) -> UUID:
        return ids.group_id(self.group)


@dataclass(frozen=True, kw_only=True)
class RegisterMember(Command, type="register_member"):
    """Registers a person: a group member, a facilitator, or both.

    Name, email, company and title are personal data: they are encrypted with the member's own key and never
    reach the warehouse."""

    member: str = required(external_id, "id of the new person")
    name: str = required(text, "their name")
    email: str = required(email, "their email; no two people share one")
    company: str | None = optional(text, "where they work")
    title: str | None = optional(text, "their job title")

    rules = (
        Refusal(
            "The member id is new, or the person exists with exactly these details",
            "member",
            "member 'ana' is already registered with other details",
        ),
        Refusal(
            "No one else has this email (compared ignoring case and surrounding spaces)",
            "email",
            "this email is already registered to member 'ana'",
        ),
    )
    skipped_when = "the member exists with the same name, email, company and title"
    example = dict(member="cy", name="Cy Okafor", email="cy@example.org", company="Okafor Tools", title="Founder")

    def creates(self) -> UUID:
        return ids.person_id(self.member)


@dataclass(frozen=True, kw_only=True)
class JoinGroup(Command, type="join_group"):
    """A registered person joins a group, which starts a membership spell. A member who left may join again:
    a new spell."""

    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of a registered person")
    joined_on: str = required(iso_date, "the day they joined")

    rules = (
        _GROUP_EXISTS,
        _REGISTERED,
        Refusal(
            "The member is not already an active member of the group",
            "member",
            "member 'ana' is already an active member of group 'north'",
        ),
        Refusal(
            "joined_on is not before the group's formed_on",
            "joined_on",
            "joined_on 2025-01-01 is before group 'north' was formed (2025-01-06)",
        ),
        Refusal(
            "A member who joins again does so on or after the day they last left",
            "joined_on",
            "joined_on 2025-03-01 is before member 'bob' last left this group (2025-03-31)",
        ),
    )
    skipped_when = "the member already has a spell in the group that started on the same joined_on"
    example = dict(group="south", member="cy", joined_on="2025-04-07")


@dataclass(frozen=True, kw_only=True)
class LeaveGroup(Command, type="leave_group"):
    """A member's spell in a group ends.

    The reason matters to the figures: `dropped_out` and `removed` count as dropouts; the other reasons do
    not (see [metrics.md, "Retention and dropout"](metrics.md#retention-and-dropout)). A member is on the
    roster of meetings held on or after joined_on and before left_on."""

    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of an active member of the group")
    left_on: str = required(iso_date, "the day they left")
    reason: str = required(one_of(model.LEAVE_REASONS), "why they left")

    rules = (
        _GROUP_EXISTS,
        _ACTIVE,
        Refusal(
            "left_on is not before the day the member joined",
            "left_on",
            "left_on 2025-01-01 is before the member joined (2025-01-06)",
        ),
    )
    skipped_when = "the member already left the group on the same left_on with the same reason"
    example = dict(group="north", member="ana", left_on="2025-06-30", reason="graduated")


@dataclass(frozen=True, kw_only=True)
class AssignFacilitator(Command, type="assign_facilitator"):
    """Makes a registered person the group's facilitator from a day on.

    The facilitator need not be a member of the group; one who is not is never counted in the group's
    figures. A group has one facilitator on any day: the assignment with the latest assigned_on on or before
    that day, ties (two assignments on one day) broken by the order they were recorded, the later winning.
    To hand a group to someone else, assign them with the day they take over: until that day the assignment
    is *planned* (the admin's Groups page shows it so) and the current facilitator keeps the group. The same
    rule decides everywhere: who may record into the group, who receives its briefing (the facilitator on the
    day it is sent), and `group_facilitators.current` in the warehouse. Recording an older assignment late (a
    back-filled history) never makes a former facilitator current again."""

    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of a registered person")
    assigned_on: str = required(iso_date, "the day they take the group over")

    rules = (_GROUP_EXISTS, _REGISTERED)
    skipped_when = "the same person was already assigned to the group on the same assigned_on"
    example = dict(group="south", member="kim", assigned_on="2025-04-07")


@dataclass(frozen=True, kw_only=True)
class SignConfidentiality(Command, type="sign_confidentiality"):
    """A member signs the group's confidentiality agreement."""

    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of an active member of the group")
    signed_on: str = required(iso_date, "the day they signed")

    rules = (
        _GROUP_EXISTS,
        _ACTIVE,
        Refusal(
            "signed_on is not before the day the member joined",
            "signed_on",
            "signed_on 2025-01-01 is before the member joined (2025-01-06)",
        ),
    )
    skipped_when = "the member already signed for the group on the same signed_on"
    example = dict(group="south", member="cy", signed_on="2025-04-07")


@dataclass(frozen=True, kw_only=True)
class HoldMeeting(Command, type="hold_meeting"):
    """A meeting of a group: who came, who spoke for how long, who presented.

    **The roster.** A meeting's roster is every member whose membership of the group is active on held_on:
    joined on or before held_on, and not left on or before it. The roster is fixed when the meeting is
    recorded, from the joins and leaves recorded so far. Import joins and leaves before the meetings they
    affect: a join recorded later, even with an earlier joined_on, does not put the member on the roster of a
    meeting already recorded.

    **Attendance.** Roster members not listed in `attendance` are `absent`. An *attendee* is a member who is
    `present` or `late`; `absent` and `excused` members did not attend.

    **Airtime.** `speaking_seconds` may be left out as a whole: the meeting then has no airtime figures.
    When it is given, attendees not listed spoke 0 seconds, and the meeting is recorded with every attendee's
    seconds."""

    group: str = required(external_id, "id of an existing group")
    meeting: str = required(external_id, "id of the new meeting")
    held_on: str = required(iso_date, "the day it was held")
    topic: str = required(one_of(model.TOPICS), "what it was mainly about")
    format: str | None = optional(one_of(model.FORMATS), "how it met")
    attendance: dict[str, str] | None = optional(
        mapping_of(one_of(model.ATTENDANCE_STATUSES), "an attendance status"), "who came"
    )
    speaking_seconds: dict[str, float] | None = optional(mapping_of(seconds, "seconds"), "how long each attendee spoke")
    presenters: list[str] | None = optional(member_list, "the attendees who presented a challenge")
    guest_speaker: str | None = optional(text, "who spoke as a guest")

    rules = (
        _GROUP_EXISTS,
        Refusal(
            "held_on is not before the group's formed_on",
            "held_on",
            "held_on 2024-03-10 is before group 'north' was formed (2025-01-06)",
        ),
        Refusal(
            "Everyone in `attendance` is on the roster",
            "attendance",
            "'zed' is not on the roster of group 'north' on 2025-03-10",
        ),
        Refusal("Everyone in `speaking_seconds` attended", "speaking_seconds", "'ana' spoke but did not attend"),
        Refusal("Every presenter attended", "presenters", "presenter 'ana' did not attend"),
        Refusal(
            "The meeting id is new, or the meeting exists with exactly these details and the same roster",
            "meeting",
            "meeting 'north-01' is already recorded with other details",
        ),
    )
    skipped_when = (
        "the meeting exists with the same group, held_on, topic, format, roster, attendance, speaking_seconds,"
        " presenters and guest_speaker"
    )
    example = dict(
        group="south",
        meeting="south-01",
        held_on="2025-04-14",
        topic="finance",
        format="virtual",
        attendance={"cy": "present"},
        speaking_seconds={"cy": 1520.5},
        presenters=["cy"],
        guest_speaker="A banker",
    )

    def creates(self) -> UUID:
        return ids.meeting_id(self.meeting)


@dataclass(frozen=True, kw_only=True)
class MakeCommitment(Command, type="make_commitment"):
    """At a meeting, a member commits to do something by a day.

    The commitment belongs to the meeting's group. The text is encrypted with the member's key and never
    reaches the warehouse."""

    commitment: str = required(external_id, "id of the new commitment")
    member: str = required(external_id, "id of the member who commits")
    meeting: str = required(external_id, "id of the meeting where the commitment was made")
    text: str = required(long_text, "what the member committed to")
    due_on: str = required(iso_date, "the day it is due")

    rules = (
        _MEETING_EXISTS,
        _NOT_ERASED,
        Refusal(
            "The member attended that meeting (after any corrections recorded so far)",
            "member",
            "member 'bob' did not attend meeting 'north-02'",
        ),
        Refusal(
            "due_on is after the meeting's held_on",
            "due_on",
            "due_on 2025-02-10 must be after the meeting (2025-02-10)",
        ),
        Refusal(
            "The commitment id is new, or the commitment exists with the same member, meeting, text and due_on",
            "commitment",
            "commitment 'c-001' already exists with other details",
        ),
    )
    skipped_when = (
        "the commitment exists for the same member, meeting and text, and the same due_on (or its due date has"
        " since been carried forward)"
    )
    example = dict(
        commitment="c-002", member="ana", meeting="north-02", text="Draft a succession plan", due_on="2025-03-03"
    )

    def creates(self) -> UUID:
        return ids.commitment_id(self.commitment)


@dataclass(frozen=True, kw_only=True)
class FollowUp(Command, type="follow_up"):
    """At a later meeting of the group, what became of a commitment.

    `done`, `partial`, `not_done` and `dropped` close the commitment. `carried_forward` keeps it open and
    moves its due date to new_due_on. The note is encrypted with the member's key and never reaches the
    warehouse."""

    commitment: str = required(external_id, "id of an existing commitment")
    meeting: str = required(external_id, "id of the meeting where it was followed up")
    outcome: str = required(one_of(model.OUTCOMES), "what became of it")
    new_due_on: str | None = optional(iso_date, "the new due date; required with `carried_forward`, refused otherwise")
    note: str | None = optional(long_text, "what was said about it")

    rules = (
        _COMMITMENT_EXISTS,
        _MEETING_EXISTS,
        _STILL_OPEN,
        Refusal(
            "The meeting is a meeting of the commitment's group",
            "meeting",
            "meeting 's-1' is not a meeting of group 'north'",
        ),
        Refusal(
            "The meeting was held after the meeting where the commitment was made (a later day, not the same day)",
            "meeting",
            "meeting 'north-02' (2025-02-10) is not after the commitment was made (2025-02-10)",
        ),
        Refusal("`carried_forward` has a new_due_on", "new_due_on", "carried_forward needs new_due_on"),
        Refusal(
            "new_due_on is later than the current due date",
            "new_due_on",
            "new_due_on 2025-03-10 must be after the current due date (2025-03-10)",
        ),
        Refusal("Any other outcome has no new_due_on", "new_due_on", "new_due_on is only for outcome carried_forward"),
        Refusal(
            "A note is about a member who was not erased",
            "note",
            "member 'ana' was erased: a note about their commitment cannot be recorded (follow up without a note)",
        ),
    )
    skipped_when = (
        "the commitment already has a follow-up at the same meeting with the same outcome and new_due_on (the"
        " note is not compared)"
    )
    example = dict(
        commitment="c-002", meeting="north-03", outcome="carried_forward", new_due_on="2025-04-07", note="Lawyer booked"
    )


@dataclass(frozen=True, kw_only=True)
class RateMeeting(Command, type="rate_meeting"):
    """A member's score for a meeting they attended: one per member per meeting."""

    meeting: str = required(external_id, "id of an existing meeting")
    member: str = required(external_id, "id of the member who rates it")
    score: int = required(score, "how much the meeting was worth to them")
    rated_on: str | None = optional(
        iso_date, "the day they rated it; the browser always gives it, an import of past ratings leaves it out"
    )

    rules = (
        _MEETING_EXISTS,
        Refusal(
            "The member attended the meeting (after any corrections recorded so far)",
            "member",
            "member 'bob' did not attend meeting 'north-02'",
        ),
        Refusal(
            "One rating per member per meeting: the same score again is skipped, another is refused",
            "member",
            "member 'bob' has already rated meeting 'north-01'",
        ),
        Refusal(
            "A rated_on given is from the meeting's day to 14 days after it",
            "rated_on",
            "a meeting is rated within 14 days of it: meeting 'north-01' (2025-01-13) could be rated until 2025-01-27",
        ),
    )
    skipped_when = "the member already gave the meeting the same score"
    example = dict(meeting="south-01", member="cy", score=7, rated_on="2025-04-15")


@dataclass(frozen=True, kw_only=True)
class CheckIn(Command, type="check_in"):
    """A member's word, between meetings, on how an open commitment is going."""

    check_in: str = required(
        external_id, "an id for this check-in (the browser makes one per form, so a double click records once)"
    )
    commitment: str = required(external_id, "id of an open commitment")
    member: str = required(external_id, "id of the member who made it (nobody checks in for someone else)")
    checked_in_on: str = required(iso_date, "the day of the check-in")
    progress: str = required(one_of(model.PROGRESS), "how it is going")
    confidence: int = required(score, "how sure they are to do it by the due date")
    note: str | None = optional(
        long_text, "what they said; sealed with the member's key, like commitment texts, and erased with them"
    )

    rules = (
        _COMMITMENT_EXISTS,
        Refusal(
            "The check-in id is new, or it is recorded with the same day, progress and confidence",
            "check_in",
            "check-in 'k-1' is already recorded with other details",
        ),
        _NOT_ERASED,
        Refusal("The commitment is the member's", "member", "commitment 'c-001' is not member 'bob''s to check in on"),
        _STILL_OPEN,
        Refusal(
            "checked_in_on is not before the commitment was made",
            "checked_in_on",
            "checked_in_on 2025-01-01 is before the commitment was made (2025-01-13)",
        ),
    )
    skipped_when = "the check-in id is recorded with the same day, progress and confidence"
    example = dict(
        check_in="k-002",
        commitment="c-002",
        member="ana",
        checked_in_on="2025-03-24",
        progress="on_track",
        confidence=8,
        note="First draft done",
    )


@dataclass(frozen=True, kw_only=True)
class RememberAlias(Command, type="remember_alias"):
    """The name a meeting tool showed for a member (a device such as "Eric's iPad", a nickname): the group's
    next Zoom or Teams exports match it to the member. The browser records one when the facilitator maps an
    unmatched name; an aliases file (`--aliases`) still wins over it on the command line."""

    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of a member who is or was in the group")
    alias: str = required(text, "the name as the export shows it; sealed with the member's key")

    rules = (
        _GROUP_EXISTS,
        _REGISTERED,
        _NOT_ERASED,
        Refusal(
            "The member has been a member of the group",
            "member",
            "member 'zed' has never been a member of group 'north'",
        ),
    )
    skipped_when = "the group already maps that alias to that member"
    example = dict(group="south", member="cy", alias="Cy's phone")


@dataclass(frozen=True, kw_only=True)
class CorrectAttendance(Command, type="correct_attendance"):
    """Says what a member's attendance at a meeting really was.

    Corrections may be corrected again: the last one wins. The original status stays in the record; the
    figures use the corrected one."""

    meeting: str = required(external_id, "id of an existing meeting")
    member: str = required(external_id, "id of a member on the meeting's roster")
    status: str = required(one_of(model.ATTENDANCE_STATUSES), "their real attendance")

    rules = (
        _MEETING_EXISTS,
        Refusal("The member was on the meeting's roster", "member", "'cy' was not on the roster of meeting 'north-01'"),
    )
    skipped_when = "the member's attendance at the meeting is already that status"
    example = dict(meeting="south-01", member="cy", status="late")


@dataclass(frozen=True, kw_only=True)
class CorrectAirtime(Command, type="correct_airtime"):
    """Says how long a member really spoke at a meeting (a wrong export, an impossible figure).

    The last correction wins; every share, Gini and dominance figure of the meeting is computed from the
    corrected seconds."""

    meeting: str = required(external_id, "id of an existing meeting that recorded `speaking_seconds`")
    member: str = required(external_id, "id of a member who attended it (after any attendance corrections)")
    seconds: float = required(seconds, "the seconds they really spoke")

    rules = (
        _MEETING_EXISTS,
        Refusal(
            "The meeting recorded airtime",
            "meeting",
            "meeting 'north-02' recorded no airtime: there are no seconds to correct",
        ),
        Refusal("The member attended it", "member", "'bob' did not attend meeting 'north-01'"),
    )
    skipped_when = "the member's seconds at the meeting are already that number"
    example = dict(meeting="south-01", member="cy", seconds=1490)


@dataclass(frozen=True, kw_only=True)
class SetMessagePreference(Command, type="set_message_preference"):
    """Turns one kind of message on or off for one person (README, "Briefings and reminders"). Every kind is
    on until the person turns it off; each person does so themselves on the dashboards' *Emails* page, which
    records this command, and a programme can import its existing opt-outs with it."""

    kind: str = required(
        one_of(model.MESSAGE_KINDS),
        "which message: the facilitator's `briefing` before a meeting, a member's `nudge` of commitments falling"
        " due, or the programme lead's weekly `digest`",
    )
    wanted: bool = required(boolean, "whether they want it: `true` to receive it, `false` to stop it")
    member: str | None = optional(external_id, "id of a registered person; give this or `email`")
    email: str | None = optional(
        email,
        "the email of someone who is not registered, such as a programme lead named in `PEERPULSE_LEADS`; give"
        " this or `member`. It only finds the person: what is stored is a keyed digest of it (as for who"
        " recorded an event), never the address. An email registered to a member counts as that member",
    )

    rules = (
        Refusal(
            "Exactly one of member and email",
            "member",
            "give either member or email (exactly one) to say whose preference it is",
        ),
        _REGISTERED,
        _NOT_ERASED,
    )
    skipped_when = "that kind of message is already on (or off) for that person"
    example = dict(email="lead@example.org", kind="digest", wanted=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.member is None) == (self.email is None):
            raise InvalidField("member", "give either member or email (exactly one) to say whose preference it is")


# -- from decoded JSON -----------------------------------------------------------------------------
def parse_command(obj: Any, line: int, source: str) -> Command:
    """One command from a decoded JSON object; raise CommandError naming the line and field."""
    if not isinstance(obj, dict):
        raise CommandError(source, line, None, "each line must be a JSON object")
    kind = obj.get("type")
    cls = COMMANDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        reason = "is missing" if kind is None else f"must be one of {', '.join(COMMANDS)}"
        raise CommandError(source, line, "type", reason)
    names = {name for name, _, _ in _checked_fields(cls)}
    for name in obj:
        if name != "type" and name not in names:
            raise CommandError(source, line, name, f"is not a field of {kind}")
    try:
        return cls(line=line, **{name: obj.get(name) for name in names})
    except InvalidField as e:
        raise CommandError(source, line, e.field, e.reason) from None
