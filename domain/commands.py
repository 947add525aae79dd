"""The commands: what a person (or a file, or a meeting export) asks the domain to record.

One frozen dataclass per command type. A command checks its own fields when it is made, so whoever
builds one (the JSONL reader, a meeting export, a browser form) gets the same checks and the same
messages, and the aggregates only ever see well-formed values: types, formats and allowed values are
checked here; the rules that need state are the aggregates'.

The JSONL format (docs/import-format.md) is these classes: `type` names the class, the other keys its
fields. `parse_command` turns one decoded JSON object into a command, naming the line and the field
of anything wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from domain import ids, model
from domain.errors import CommandError, DomainError

MAX_TEXT = 5000
# An address that is written as it is, in an envelope and in a header: before the `@`, words of letters
# (any script), digits and !#$%&'*+/=?^_`{|}~- joined by single dots; after it, two or more names of
# letters, digits and inner hyphens. No quotes, spaces, brackets, commas or comments: nothing a mail
# header would have to quote (notifications/addressing.py).
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\U0010FFFF-]+"
_LABEL = r"[A-Za-z0-9\u0080-\U0010FFFF](?:[A-Za-z0-9\u0080-\U0010FFFF-]*[A-Za-z0-9\u0080-\U0010FFFF])?"
EMAIL = re.compile(rf"{_LOCAL}(?:\.{_LOCAL})*@{_LABEL}(?:\.{_LABEL})+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Invalid(ValueError):
    """A field's value is not acceptable; the message says why (never repeats the value)."""


class InvalidField(DomainError):
    """A command was made with a field that breaks its format: which field, and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason, field)
        self.reason = reason


Check = Callable[[Any], Any]


# -- the checks a field can have -------------------------------------------------------------------
def external_id(value: Any) -> str:
    if not ids.is_external_id(value):
        raise Invalid("must be an id of 1-64 characters from A-Z a-z 0-9 . _ -")
    return value


# Characters that make text lie about itself: bidirectional overrides reorder what is shown, and
# invisible ones make one name look exactly like another.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)


LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


def _plain(value: str, multiline: bool) -> str:
    """Refuse what no person types: control characters (line breaks and tabs only in multi-line
    texts), lone surrogates, and characters that disguise or reorder text."""
    for char in value:
        code = ord(char)
        if char in LINE_BREAKS:
            if multiline:
                continue
            raise Invalid("must be one line (no line breaks)")
        if code < 0x20 or 0x7F <= code < 0xA0:
            if multiline and char == "\t":
                continue
            raise Invalid("must not contain control characters")
        if 0xD800 <= code < 0xE000:
            raise Invalid("is not valid Unicode text (it holds a lone surrogate)")
        if char in BIDI_CONTROLS or (not multiline and char in INVISIBLE):
            raise Invalid("must not contain invisible or direction-changing characters")
    return value


def text(value: Any) -> str:
    """A one-line text such as a name: no line breaks, nothing invisible."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise Invalid(f"must be at most {MAX_TEXT} characters")
    return _plain(value, multiline=False)


def long_text(value: Any) -> str:
    """A text that may run over several lines, such as a commitment or a note."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise Invalid(f"must be at most {MAX_TEXT} characters")
    return _plain(value, multiline=True)


def iso_date(value: Any) -> str:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise Invalid("must be a date written YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Invalid("is not a real calendar date") from None
    return value


def email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value) or not value.isprintable():
        raise Invalid("must be a valid email address")
    return value


def one_of(choices: Iterable[str]) -> Check:
    allowed = tuple(choices)

    def check(value: Any) -> str:
        if value not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}")
        return value

    return check


def score(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise Invalid("must be an integer from 0 to 10")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


MAX_SECONDS = 24 * 3600  # nobody speaks for longer than a day at one meeting


def seconds(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise Invalid("must be a number of seconds >= 0")
    if value > MAX_SECONDS:
        raise Invalid(f"must be at most {MAX_SECONDS} seconds (24 hours)")
    return value


def mapping_of(check_value: Check, what: str) -> Check:
    def check(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(f"must be an object mapping member ids to {what}")
        out = {}
        for member, item in value.items():
            try:
                out[external_id(member)] = check_value(item)
            except Invalid as e:
                raise Invalid(f"entry for '{member if ids.is_external_id(member) else '?'}' {e}") from None
        return out

    return check


def member_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("must be a list of member ids")
    members = [external_id(v) for v in value]
    if len(set(members)) != len(members):
        raise Invalid("lists a member twice")
    return members


def required(check: Check, doc: str) -> Any:
    """A field the command must have; `doc` is what docs/import-format.md says of its value."""
    return field(metadata={"check": check, "doc": doc})


def optional(check: Check, doc: str) -> Any:
    return field(default=None, metadata={"check": check, "doc": doc})


# -- the commands ----------------------------------------------------------------------------------
COMMANDS: dict[str, type[Command]] = {}  # the JSONL `type` -> its class, in the order declared


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of every command. `line` says where it came from (a file's line; 0 when made in memory)."""

    type: ClassVar[str]
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


def documented_fields(cls: type[Command]) -> list[tuple[str, bool, str]]:
    """(name, required, what its value is) of each field of a command, as declared: the JSONL format's
    field tables in docs/import-format.md are generated from this (`python -m domain.command_docs`)."""
    return [(f.name, _is_required(f), f.metadata["doc"]) for f in fields(cls) if "check" in f.metadata]


def _is_required(f: Field) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


@dataclass(frozen=True, kw_only=True)
class FormGroup(Command, type="form_group"):
    group: str = required(external_id, "id of the new group")
    name: str = required(text, "text")
    cadence: str = required(one_of(model.CADENCES), "`weekly`, `biweekly`, `monthly` or `quarterly`")
    formed_on: str = required(iso_date, "date")
    purpose: str | None = optional(text, "text")

    def creates(self) -> UUID:
        return ids.group_id(self.group)


@dataclass(frozen=True, kw_only=True)
class RegisterMember(Command, type="register_member"):
    member: str = required(external_id, "id of the new person")
    name: str = required(text, "text")
    email: str = required(
        email,
        "an address like `name@domain.tld`: before the `@`, letters (any script), digits and the signs allowed"
        " unquoted (such as `+ _ ' -`), in words joined by single dots; after it, two or more names of letters,"
        " digits and inner hyphens, joined by dots; no spaces, quotes, brackets or commas; at most 254"
        " characters",
    )
    company: str | None = optional(text, "text")
    title: str | None = optional(text, "text")

    def creates(self) -> UUID:
        return ids.person_id(self.member)


@dataclass(frozen=True, kw_only=True)
class JoinGroup(Command, type="join_group"):
    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of a registered person")
    joined_on: str = required(iso_date, "date")


@dataclass(frozen=True, kw_only=True)
class LeaveGroup(Command, type="leave_group"):
    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of an active member of the group")
    left_on: str = required(iso_date, "date")
    reason: str = required(
        one_of(model.LEAVE_REASONS), "`dropped_out`, `moved`, `graduated`, `removed`, `group_closed` or `other`"
    )


@dataclass(frozen=True, kw_only=True)
class AssignFacilitator(Command, type="assign_facilitator"):
    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of a registered person")
    assigned_on: str = required(iso_date, "date")


@dataclass(frozen=True, kw_only=True)
class SignConfidentiality(Command, type="sign_confidentiality"):
    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of an active member of the group")
    signed_on: str = required(iso_date, "date")


@dataclass(frozen=True, kw_only=True)
class HoldMeeting(Command, type="hold_meeting"):
    group: str = required(external_id, "id of an existing group")
    meeting: str = required(external_id, "id of the new meeting")
    held_on: str = required(iso_date, "date")
    topic: str = required(
        one_of(model.TOPICS),
        (
            "`strategic_planning`, `conflict_resolution`, `change_management`, `people_and_talent`, "
            "`growth`, `finance`, `personal` or `other`"
        ),
    )
    format: str | None = optional(one_of(model.FORMATS), "`in_person` or `virtual`")
    attendance: dict[str, str] | None = optional(
        mapping_of(one_of(model.ATTENDANCE_STATUSES), "an attendance status"),
        "object: member id → `present`, `late`, `absent` or `excused`",
    )
    speaking_seconds: dict[str, float] | None = optional(
        mapping_of(seconds, "seconds"),
        (
            "object: member id → seconds spoken, a number from 0 to 86400 (24 hours); decimals allowed, "
            "kept to the millisecond"
        ),
    )
    presenters: list[str] | None = optional(
        member_list, "list of member ids, each at most once: the attendees who presented a challenge"
    )
    guest_speaker: str | None = optional(text, "text")

    def creates(self) -> UUID:
        return ids.meeting_id(self.meeting)


@dataclass(frozen=True, kw_only=True)
class MakeCommitment(Command, type="make_commitment"):
    commitment: str = required(external_id, "id of the new commitment")
    member: str = required(external_id, "id of the member who commits")
    meeting: str = required(external_id, "id of the meeting where the commitment was made")
    text: str = required(long_text, "text: what the member committed to")
    due_on: str = required(iso_date, "date")

    def creates(self) -> UUID:
        return ids.commitment_id(self.commitment)


@dataclass(frozen=True, kw_only=True)
class FollowUp(Command, type="follow_up"):
    commitment: str = required(external_id, "id of an existing commitment")
    meeting: str = required(external_id, "id of the meeting where it was followed up")
    outcome: str = required(one_of(model.OUTCOMES), "`done`, `partial`, `not_done`, `carried_forward` or `dropped`")
    new_due_on: str | None = optional(iso_date, "date; required with `carried_forward`, refused with any other outcome")
    note: str | None = optional(long_text, "text")


@dataclass(frozen=True, kw_only=True)
class RateMeeting(Command, type="rate_meeting"):
    meeting: str = required(external_id, "id of an existing meeting")
    member: str = required(external_id, "id of the member who rates it")
    score: int = required(score, 'a JSON integer from 0 to 10 (`8` is accepted; `8.0`, `"8"` and `true` are not)')
    rated_on: str | None = optional(
        iso_date,
        "date the member rated it; when given, at most 14 days after the meeting (the browser always gives it)",
    )


@dataclass(frozen=True, kw_only=True)
class CheckIn(Command, type="check_in"):
    check_in: str = required(
        external_id, "an id for this check-in (the browser makes one per form, so a double click records once)"
    )
    commitment: str = required(external_id, "id of an open commitment")
    member: str = required(external_id, "id of the member who made it (nobody checks in for someone else)")
    checked_in_on: str = required(iso_date, "date")
    progress: str = required(one_of(model.PROGRESS), "`on_track`, `at_risk` or `blocked`")
    confidence: int = required(score, "a JSON integer from 0 to 10: how sure they are to do it by the due date")
    note: str | None = optional(
        long_text, "multi-line text; sealed with the member's key, like commitment texts, and erased with them"
    )


@dataclass(frozen=True, kw_only=True)
class RememberAlias(Command, type="remember_alias"):
    group: str = required(external_id, "id of an existing group")
    member: str = required(external_id, "id of a member who is or was in the group")
    alias: str = required(text, "one-line text, as the export shows it; sealed with the member's key")


@dataclass(frozen=True, kw_only=True)
class CorrectAttendance(Command, type="correct_attendance"):
    meeting: str = required(external_id, "id of an existing meeting")
    member: str = required(external_id, "id of a member on the meeting's roster")
    status: str = required(one_of(model.ATTENDANCE_STATUSES), "`present`, `late`, `absent` or `excused`")


@dataclass(frozen=True, kw_only=True)
class CorrectAirtime(Command, type="correct_airtime"):
    meeting: str = required(external_id, "id of an existing meeting that recorded `speaking_seconds`")
    member: str = required(external_id, "id of a member who attended it (after any attendance corrections)")
    seconds: float = required(seconds, "the seconds they really spoke, a number from 0 to 86400")


@dataclass(frozen=True, kw_only=True)
class SetMessagePreference(Command, type="set_message_preference"):
    """Turn one kind of message on or off for one person: a registered `member`, or by `email` someone who
    is not registered (a programme lead). The email only finds the person; it is never stored."""

    kind: str = required(
        one_of(model.MESSAGE_KINDS),
        "`briefing` (the facilitator's briefing before a meeting), `nudge` (a member's reminder of commitments"
        " falling due) or `digest` (the programme lead's weekly digest)",
    )
    wanted: bool = required(boolean, "`true` to receive it, `false` to stop it")
    member: str | None = optional(external_id, "id of a registered person; give this or `email`")
    email: str | None = optional(
        email,
        "the email of someone who is not registered, such as a programme lead named in `PEERPULSE_LEADS`; give"
        " this or `member`. It only finds the person: what is stored is a keyed digest of it (as for who"
        " recorded an event), never the address. An email registered to a member counts as that member",
    )

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
