"""The domain model: groups, members, meetings and commitments, as event-sourced aggregates.

Each aggregate is a short class whose public methods are the verbs of the domain. A verb checks its
rules and raises `DomainError` with a plain message; only then does it trigger an event (named in the
past tense) whose body changes state. Event bodies hold no rules, so old events always replay.

Dates are ISO strings (`YYYY-MM-DD`): validated at the edge (domain.commands), compared as strings
(ISO dates sort correctly), and stored as plain JSON so the pipeline can read them without a decoder.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import DomainError
from domain.sessions import Sessions

CADENCES = ("weekly", "biweekly", "monthly", "quarterly")
LEAVE_REASONS = ("dropped_out", "moved", "graduated", "removed", "group_closed", "other")
TOPICS = (
    "strategic_planning",
    "conflict_resolution",
    "change_management",
    "people_and_talent",
    "growth",
    "finance",
    "personal",
    "other",
)
FORMATS = ("in_person", "virtual")
ATTENDANCE_STATUSES = ("present", "late", "absent", "excused")
ATTENDED = frozenset({"present", "late"})
OUTCOMES = ("done", "partial", "not_done", "carried_forward", "dropped")
PROGRESS = ("on_track", "at_risk", "blocked")  # a member's check-in on an open commitment
RATING_WINDOW_DAYS = 14  # a meeting is rated within two weeks of it, while it is fresh
CLOSING_OUTCOMES = frozenset({"done", "partial", "not_done", "dropped"})
# The messages PeerPulse sends (notifications/): the facilitator's briefing before a meeting, a member's
# nudge about commitments falling due, the programme lead's weekly digest. Each can be turned off.
MESSAGE_KINDS = ("briefing", "nudge", "digest")

# Fields of events that hold a member's personal data or what they committed to. Each is sealed with
# that member's own key (the event's `member` field names them), so destroying the key erases them.
PERSONAL_FIELDS = {
    "MemberRegistered": ("name", "email", "company", "title"),
    "CommitmentMade": ("text",),
    "CommitmentCarriedForward": ("note",),
    "CommitmentClosed": ("note",),
    "CommitmentCheckedIn": ("note",),
    "AliasRemembered": ("alias",),  # a device or display name ("Eric's iPad") that stands for the member
}
ERASED_MEMBER = "erased member"


def _unused_created(aggregate: str) -> type:
    """The library's generic `Created` event, which an aggregate with an explicit TOPIC must give a topic
    too. Never triggered: each aggregate is created by its own named event (GroupFormed...)."""
    return type("Created", (Aggregate.Created,), {"TOPIC": f"peerpulse:{aggregate}.Created"})


class Group(Aggregate):
    """A peer group: who is in it, over which spells, and who facilitates it."""

    TOPIC = "peerpulse:Group"
    Created = _unused_created("Group")

    @staticmethod
    def create_id(group: str, **_: Any) -> UUID:
        return ids.group_id(group)

    @event("GroupFormed", topic="GroupFormed")
    def __init__(self, group: str, name: str, cadence: str, formed_on: str, purpose: str | None):
        self.ref = group
        self.name = name
        self.cadence = cadence
        self.formed_on = formed_on
        self.purpose = purpose
        # member -> spells, each [joined_on, left_on or None, reason or None], oldest first
        self.spells: dict[str, list[list[str | None]]] = {}
        self.facilitators: list[tuple[str, str]] = []  # (member, assigned_on), in order of assignment
        self.signatures: set[tuple[str, str]] = set()  # (member, signed_on)
        self.aliases: dict[str, str] = {}  # a name in meeting exports -> the member it stands for

    # -- questions -------------------------------------------------------------------------------
    def same_details(self, name: str, cadence: str, formed_on: str, purpose: str | None) -> bool:
        return (self.name, self.cadence, self.formed_on, self.purpose) == (name, cadence, formed_on, purpose)

    def current_spell(self, member: str) -> list[str | None] | None:
        spells = self.spells.get(member)
        if spells and spells[-1][1] is None:
            return spells[-1]
        return None

    def is_active(self, member: str) -> bool:
        return self.current_spell(member) is not None

    def roster_on(self, day: str) -> list[str]:
        """Members whose membership is active on `day`: joined on or before it, not left on or before it."""
        return sorted(
            member
            for member, spells in self.spells.items()
            if any(s[0] <= day and (s[1] is None or s[1] > day) for s in spells)
        )

    def facilitator_on(self, day: str) -> str | None:
        """Who facilitates the group on `day`: the assignment with the latest `assigned_on` on or before
        it, ties broken by the order recorded. One rule for the domain, the warehouse
        (`group_facilitators.current`), write entitlement and the briefing's recipient: a handover
        planned for next month takes effect next month, and a back-filled older assignment never makes a
        former facilitator current again."""
        current = self.current_assignment(day)
        return current[0] if current is not None else None

    def current_assignment(self, day: str) -> tuple[str, str] | None:
        """The assignment ((member, assigned_on)) that decides `facilitator_on(day)`."""
        dated = [(on, order, member) for order, (member, on) in enumerate(self.facilitators) if on <= day]
        if not dated:
            return None
        on, _, member = max(dated)
        return member, on

    def planned_facilitators(self, day: str) -> list[tuple[str, str]]:
        """Assignments dated after `day` ((member, assigned_on), soonest first): handovers still to come."""
        return sorted(((m, on) for m, on in self.facilitators if on > day), key=lambda f: f[1])

    # -- verbs -----------------------------------------------------------------------------------
    def join(self, member: str, joined_on: str) -> bool:
        spells = self.spells.get(member, [])
        if any(s[0] == joined_on for s in spells):
            return False  # already recorded
        if self.is_active(member):
            raise DomainError(f"member '{member}' is already an active member of group '{self.ref}'", "member")
        if joined_on < self.formed_on:
            raise DomainError(
                f"joined_on {joined_on} is before group '{self.ref}' was formed ({self.formed_on})", "joined_on"
            )
        if spells and spells[-1][1] is not None and joined_on < spells[-1][1]:
            raise DomainError(
                f"joined_on {joined_on} is before member '{member}' last left this group ({spells[-1][1]})",
                "joined_on",
            )
        self._member_joined(member=member, joined_on=joined_on)
        return True

    def leave(self, member: str, left_on: str, reason: str) -> bool:
        spells = self.spells.get(member, [])
        if any(s[1] == left_on and s[2] == reason for s in spells):
            return False
        spell = self.current_spell(member)
        if spell is None:
            raise DomainError(f"member '{member}' is not an active member of group '{self.ref}'", "member")
        if left_on < str(spell[0]):
            raise DomainError(f"left_on {left_on} is before the member joined ({spell[0]})", "left_on")
        self._member_left(member=member, left_on=left_on, reason=reason)
        return True

    def assign_facilitator(self, member: str, assigned_on: str) -> bool:
        if any(tuple(f) == (member, assigned_on) for f in self.facilitators):
            return False
        self._facilitator_assigned(member=member, assigned_on=assigned_on)
        return True

    def sign_confidentiality(self, member: str, signed_on: str) -> bool:
        if (member, signed_on) in self.signatures:
            return False
        spell = self.current_spell(member)
        if spell is None:
            raise DomainError(f"member '{member}' is not an active member of group '{self.ref}'", "member")
        if signed_on < str(spell[0]):
            raise DomainError(f"signed_on {signed_on} is before the member joined ({spell[0]})", "signed_on")
        self._confidentiality_signed(member=member, signed_on=signed_on)
        return True

    def remember_alias(self, alias: str, member: str) -> bool:
        """A name a meeting tool showed for a member (a device, a nickname), for the group's next exports."""
        if self.aliases.get(alias) == member:
            return False
        if member not in self.spells:
            raise DomainError(f"member '{member}' has never been a member of group '{self.ref}'", "member")
        self._alias_remembered(alias=alias, member=member)
        return True

    # -- events ----------------------------------------------------------------------------------
    @event("AliasRemembered", topic="AliasRemembered")
    def _alias_remembered(self, alias: str, member: str) -> None:
        self.aliases[alias] = member

    @event("MemberJoined", topic="MemberJoined")
    def _member_joined(self, member: str, joined_on: str) -> None:
        self.spells.setdefault(member, []).append([joined_on, None, None])

    @event("MemberLeft", topic="MemberLeft")
    def _member_left(self, member: str, left_on: str, reason: str) -> None:
        spell = self.spells[member][-1]
        spell[1], spell[2] = left_on, reason

    @event("FacilitatorAssigned", topic="FacilitatorAssigned")
    def _facilitator_assigned(self, member: str, assigned_on: str) -> None:
        self.facilitators.append((member, assigned_on))

    @event("ConfidentialitySigned", topic="ConfidentialitySigned")
    def _confidentiality_signed(self, member: str, signed_on: str) -> None:
        self.signatures.add((member, signed_on))


class Member(Aggregate):
    """A person known to the programme: a group member, a facilitator, or both."""

    TOPIC = "peerpulse:Member"
    Created = _unused_created("Member")

    @staticmethod
    def create_id(member: str, **_: Any) -> UUID:
        return ids.person_id(member)

    @event("MemberRegistered", topic="MemberRegistered")
    def __init__(self, member: str, name: str, email: str, company: str | None, title: str | None):
        self.ref = member
        self.name = name
        self.email = email
        self.company = company
        self.title = title
        self.erased = False

    def same_details(self, name: str, email: str, company: str | None, title: str | None) -> bool:
        return (self.name, self.email, self.company, self.title) == (name, email, company, title)

    def erase(self, requested_by: str) -> bool:
        """Record that this member's personal data was destroyed (who asked and when; never what)."""
        if self.erased:
            return False
        self._erased(requested_by=requested_by)
        return True

    @event("MemberErased", topic="MemberErased")
    def _erased(self, requested_by: str) -> None:
        self.erased = True
        self.name, self.email, self.company, self.title = ERASED_MEMBER, None, None, None


class EmailClaim(Aggregate):
    """Keeps emails unique: one claim per address, keyed by a keyed digest of it (see domain.ids)."""

    TOPIC = "peerpulse:EmailClaim"
    Created = _unused_created("EmailClaim")

    @staticmethod
    def create_id(digest: str, **_: Any) -> UUID:
        return ids.email_claim_id(digest)

    @event("EmailClaimed", topic="EmailClaimed")
    def __init__(self, digest: str, member: str):
        self.member = member


class Meeting(Aggregate):
    """A meeting of a group: its roster as it stood that day, attendance, airtime, presenters, ratings."""

    TOPIC = "peerpulse:Meeting"
    Created = _unused_created("Meeting")

    @staticmethod
    def create_id(meeting: str, **_: Any) -> UUID:
        return ids.meeting_id(meeting)

    @event("MeetingHeld", topic="MeetingHeld")
    def __init__(
        self,
        meeting: str,
        group: str,
        held_on: str,
        topic: str,
        format: str | None,
        roster: list[str],
        attendance: dict[str, str],
        speaking_seconds: dict[str, float] | None,
        presenters: list[str],
        guest_speaker: str | None,
    ):
        self.ref = meeting
        self.group = group
        self.held_on = held_on
        self.topic = topic
        self.format = format
        self.roster = roster
        self.recorded_attendance = dict(attendance)
        self.attendance = dict(attendance)
        self.recorded_speaking_seconds = speaking_seconds
        self.speaking_seconds = speaking_seconds
        self.presenters = presenters
        self.guest_speaker = guest_speaker
        self.ratings: dict[str, int] = {}
        self.rated_on: dict[str, str | None] = {}  # None: not given, or rated before it was recorded

    @classmethod
    def hold(
        cls,
        *,
        meeting: str,
        group: Group,
        held_on: str,
        topic: str,
        format: str | None,
        attendance: dict[str, str],
        speaking_seconds: dict[str, float] | None,
        presenters: list[str],
        guest_speaker: str | None,
    ) -> Meeting:
        if held_on < group.formed_on:
            raise DomainError(
                f"held_on {held_on} is before group '{group.ref}' was formed ({group.formed_on})", "held_on"
            )
        roster = group.roster_on(held_on)
        on_roster = set(roster)
        for member in attendance:
            if member not in on_roster:
                raise DomainError(f"'{member}' is not on the roster of group '{group.ref}' on {held_on}", "attendance")
        full = {member: attendance.get(member, "absent") for member in roster}
        attendees = {m for m, status in full.items() if status in ATTENDED}
        if speaking_seconds is not None:
            for member in speaking_seconds:
                if member not in attendees:
                    raise DomainError(f"'{member}' spoke but did not attend", "speaking_seconds")
            speaking_seconds = {m: speaking_seconds.get(m, 0) for m in roster if m in attendees}
        for member in presenters:
            if member not in attendees:
                raise DomainError(f"presenter '{member}' did not attend", "presenters")
        return cls(
            meeting=meeting,
            group=group.ref,
            held_on=held_on,
            topic=topic,
            format=format,
            roster=roster,
            attendance=full,
            speaking_seconds=speaking_seconds,
            presenters=list(presenters),
            guest_speaker=guest_speaker,
        )

    def same_as(self, other: Meeting) -> bool:
        """True when `other` (a meeting built from a command, never saved) records what this one does."""
        fields = (
            "group",
            "held_on",
            "topic",
            "format",
            "roster",
            "recorded_attendance",
            "recorded_speaking_seconds",
            "presenters",
            "guest_speaker",
        )
        return all(getattr(self, f) == getattr(other, f) for f in fields)

    def attended(self, member: str) -> bool:
        return self.attendance.get(member) in ATTENDED

    def correct_attendance(self, member: str, status: str) -> bool:
        if member not in self.attendance:
            raise DomainError(f"'{member}' was not on the roster of meeting '{self.ref}'", "member")
        if self.attendance[member] == status:
            return False
        self._attendance_corrected(member=member, status=status)
        return True

    def correct_airtime(self, member: str, seconds: float) -> bool:
        """Set a participant's seconds, e.g. when an export was wrong: a new event, never an edit."""
        if self.speaking_seconds is None:
            raise DomainError(f"meeting '{self.ref}' recorded no airtime: there are no seconds to correct", "meeting")
        if not self.attended(member):
            raise DomainError(f"'{member}' did not attend meeting '{self.ref}'", "member")
        if self.speaking_seconds.get(member) == seconds:
            return False
        self._airtime_corrected(member=member, seconds=seconds)
        return True

    def rate(self, member: str, score: int, rated_on: str | None = None) -> bool:
        if member in self.ratings:
            if self.ratings[member] == score:
                return False
            raise DomainError(f"member '{member}' has already rated meeting '{self.ref}'", "member")
        if not self.attended(member):
            raise DomainError(f"member '{member}' did not attend meeting '{self.ref}'", "member")
        if rated_on is not None:
            last_day = (date.fromisoformat(self.held_on) + timedelta(days=RATING_WINDOW_DAYS)).isoformat()
            if not self.held_on <= rated_on <= last_day:
                raise DomainError(
                    f"a meeting is rated within {RATING_WINDOW_DAYS} days of it: meeting '{self.ref}' "
                    f"({self.held_on}) could be rated until {last_day}",
                    "rated_on",
                )
        self._meeting_rated(member=member, score=score, rated_on=rated_on)
        return True

    @event("AttendanceCorrected", topic="AttendanceCorrected")
    def _attendance_corrected(self, member: str, status: str) -> None:
        self.attendance[member] = status

    @event("AirtimeCorrected", topic="AirtimeCorrected")
    def _airtime_corrected(self, member: str, seconds: float) -> None:
        self.speaking_seconds = {**self.speaking_seconds, member: seconds}  # type: ignore[dict-item]

    class MeetingRated(Aggregate.Event):
        """Version 2 records the day the member rated it (version 1 checked it, then dropped it)."""

        TOPIC = "MeetingRated"
        class_version = 2
        member: str
        score: int
        rated_on: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["rated_on"] = None  # not recorded

    @event(MeetingRated)
    def _meeting_rated(self, member: str, score: int, rated_on: str | None) -> None:
        self.ratings[member] = score
        self.rated_on[member] = rated_on


class Commitment(Aggregate):
    """What a member committed to at a meeting, and how it was followed up."""

    TOPIC = "peerpulse:Commitment"
    Created = _unused_created("Commitment")

    @staticmethod
    def create_id(commitment: str, **_: Any) -> UUID:
        return ids.commitment_id(commitment)

    @event("CommitmentMade", topic="CommitmentMade")
    def __init__(self, commitment: str, member: str, group: str, meeting: str, made_on: str, due_on: str, text: str):
        self.ref = commitment
        self.member = member
        self.group = group
        self.meeting = meeting
        self.made_on = made_on
        self.due_on = due_on
        self.text = text
        self.outcome: str | None = None
        self.times_carried_forward = 0
        self.follow_ups: list[tuple[str, str, str | None]] = []  # (meeting, outcome, new_due_on)
        self.check_ins: dict[str, tuple[str, str, int]] = {}  # check-in id -> (checked_in_on, progress, confidence)

    @classmethod
    def make(cls, *, commitment: str, member: str, meeting: Meeting, due_on: str, text: str) -> Commitment:
        if not meeting.attended(member):
            raise DomainError(f"member '{member}' did not attend meeting '{meeting.ref}'", "member")
        if due_on <= meeting.held_on:
            raise DomainError(f"due_on {due_on} must be after the meeting ({meeting.held_on})", "due_on")
        return cls(
            commitment=commitment,
            member=member,
            group=meeting.group,
            meeting=meeting.ref,
            made_on=meeting.held_on,
            due_on=due_on,
            text=text,
        )

    def same_as(self, member: str, meeting: str, due_on: str, text: str) -> bool:
        # due_on may since have been carried forward; what was made is what the first event says
        return (self.member, self.meeting, self.text) == (member, meeting, text) and (
            due_on == self.due_on or self.times_carried_forward > 0
        )

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    def follow_up(self, meeting: Meeting, outcome: str, new_due_on: str | None, note: str | None) -> bool:
        if (meeting.ref, outcome, new_due_on) in self.follow_ups:
            return False
        if not self.is_open:
            raise DomainError(f"commitment '{self.ref}' is already closed ({self.outcome})", "commitment")
        if meeting.group != self.group:
            raise DomainError(f"meeting '{meeting.ref}' is not a meeting of group '{self.group}'", "meeting")
        if meeting.held_on <= self.made_on:
            raise DomainError(
                f"meeting '{meeting.ref}' ({meeting.held_on}) is not after the commitment was made ({self.made_on})",
                "meeting",
            )
        if outcome == "carried_forward":
            if new_due_on is None:
                raise DomainError("carried_forward needs new_due_on", "new_due_on")
            if new_due_on <= self.due_on:
                raise DomainError(
                    f"new_due_on {new_due_on} must be after the current due date ({self.due_on})", "new_due_on"
                )
            self._carried_forward(
                member=self.member, meeting=meeting.ref, held_on=meeting.held_on, new_due_on=new_due_on, note=note
            )
        else:
            if new_due_on is not None:
                raise DomainError("new_due_on is only for outcome carried_forward", "new_due_on")
            self._closed(member=self.member, meeting=meeting.ref, held_on=meeting.held_on, outcome=outcome, note=note)
        return True

    def check_in(
        self, check_in: str, member: str, checked_in_on: str, progress: str, confidence: int, note: str | None
    ) -> bool:
        """The member says, between meetings, how their commitment is going."""
        if check_in in self.check_ins:
            if self.check_ins[check_in] == (checked_in_on, progress, confidence):
                return False
            raise DomainError(f"check-in '{check_in}' is already recorded with other details", "check_in")
        if member != self.member:
            raise DomainError(f"commitment '{self.ref}' is not member '{member}''s to check in on", "member")
        if not self.is_open:
            raise DomainError(f"commitment '{self.ref}' is already closed ({self.outcome})", "commitment")
        if checked_in_on < self.made_on:
            raise DomainError(
                f"checked_in_on {checked_in_on} is before the commitment was made ({self.made_on})", "checked_in_on"
            )
        self._checked_in(
            check_in=check_in,
            member=member,
            checked_in_on=checked_in_on,
            progress=progress,
            confidence=confidence,
            note=note,
        )
        return True

    @event("CommitmentCheckedIn", topic="CommitmentCheckedIn")
    def _checked_in(
        self, check_in: str, member: str, checked_in_on: str, progress: str, confidence: int, note: str | None
    ) -> None:
        self.check_ins[check_in] = (checked_in_on, progress, confidence)

    @event("CommitmentCarriedForward", topic="CommitmentCarriedForward")
    def _carried_forward(self, member: str, meeting: str, held_on: str, new_due_on: str, note: str | None) -> None:
        self.due_on = new_due_on
        self.times_carried_forward += 1
        self.follow_ups.append((meeting, "carried_forward", new_due_on))

    @event("CommitmentClosed", topic="CommitmentClosed")
    def _closed(self, member: str, meeting: str, held_on: str, outcome: str, note: str | None) -> None:
        self.outcome = outcome
        self.follow_ups.append((meeting, outcome, None))


class FileImport(Aggregate):
    """Remembers that a file with these exact bytes was imported, so importing it again stores nothing."""

    TOPIC = "peerpulse:FileImport"
    Created = _unused_created("FileImport")

    @staticmethod
    def create_id(digest: str, **_: Any) -> UUID:
        return ids.file_import_id(digest)

    @event("FileImported", topic="FileImported")
    def __init__(self, digest: str, commands: int, applied: int, skipped: int):
        self.commands = commands
        self.applied = applied
        self.skipped = skipped


class MessagePreferences(Aggregate):
    """The kinds of message one person has turned off. Everything is on until they turn it off.

    The person is named by a pseudonymous recipient id, never an email: `member:<id>` for a registered
    person, `person:<keyed digest of the email>` for someone who is not (a programme lead named in the
    configuration). See `PeerPulse.recipient_for`.
    """

    TOPIC = "peerpulse:MessagePreferences"
    Created = _unused_created("MessagePreferences")

    @staticmethod
    def create_id(recipient: str, **_: Any) -> UUID:
        return ids.message_preferences_id(recipient)

    @event("MessagePreferencesStarted", topic="MessagePreferencesStarted")
    def __init__(self, recipient: str):
        self.recipient = recipient
        self.turned_off: set[str] = set()

    def wants(self, kind: str) -> bool:
        return kind not in self.turned_off

    def turn_off(self, kind: str) -> bool:
        if kind in self.turned_off:
            return False
        self._turned_off(recipient=self.recipient, kind=kind)
        return True

    def turn_on(self, kind: str) -> bool:
        if kind not in self.turned_off:
            return False
        self._turned_on(recipient=self.recipient, kind=kind)
        return True

    @event("MessagesTurnedOff", topic="MessagesTurnedOff")
    def _turned_off(self, recipient: str, kind: str) -> None:
        self.turned_off.add(kind)

    @event("MessagesTurnedOn", topic="MessagesTurnedOn")
    def _turned_on(self, recipient: str, kind: str) -> None:
        self.turned_off.discard(kind)


class Message(Aggregate):
    """One message to one person for one occasion (a group's meeting, a day, a week): sent at most once.

    A sending run first claims it (the store's optimistic concurrency lets exactly one run create or extend
    a claim), then hands it to the mail server, then records that it was sent. A claim lapses at
    `claimed_until`, so a message whose run died before recording it can be claimed again; a claim is let
    go at once when the server refused the message. Times are ISO 8601 in UTC, compared as strings.
    """

    TOPIC = "peerpulse:Message"
    Created = _unused_created("Message")

    @staticmethod
    def create_id(recipient: str, kind: str, occasion: str, **_: Any) -> UUID:
        return ids.message_id(recipient, kind, occasion)

    @event("MessageClaimed", topic="MessageClaimed")
    def __init__(self, recipient: str, kind: str, occasion: str, run: str, claimed_until: str):
        self.recipient = recipient
        self.kind = kind
        self.occasion = occasion
        self.run: str | None = run
        self.claimed_until: str | None = claimed_until
        self.claims = 1
        self.sent = False

    def held_by_another(self, run: str, now: str) -> bool:
        return self.run is not None and self.run != run and self.claimed_until is not None and now < self.claimed_until

    def claim_again(self, run: str, claimed_until: str, now: str) -> bool:
        """Claim a message that is not sent and whose last claim lapsed or was let go."""
        if self.sent or self.held_by_another(run, now):
            return False
        self._claimed_again(run=run, claimed_until=claimed_until)
        return True

    def record_sent(self, run: str, sent_at: str) -> bool:
        if self.sent:
            return False
        self._sent(recipient=self.recipient, kind=self.kind, occasion=self.occasion, run=run, sent_at=sent_at)
        return True

    def let_go(self, run: str, reason: str) -> bool:
        """The mail server refused it (or could not be reached): nothing was sent, the next run tries again."""
        if self.sent or self.run != run:
            return False
        self._not_sent(run=run, reason=reason)
        return True

    @event("MessageClaimedAgain", topic="MessageClaimedAgain")
    def _claimed_again(self, run: str, claimed_until: str) -> None:
        self.run, self.claimed_until = run, claimed_until
        self.claims += 1

    @event("MessageSent", topic="MessageSent")
    def _sent(self, recipient: str, kind: str, occasion: str, run: str, sent_at: str) -> None:
        self.sent = True
        self.run, self.claimed_until = run, None

    @event("MessageNotSent", topic="MessageNotSent")
    def _not_sent(self, run: str, reason: str) -> None:
        self.run, self.claimed_until = None, None


_BASES = {"Event", "Created", "Snapshot"}
AGGREGATES = (Group, Member, EmailClaim, Meeting, Commitment, FileImport, MessagePreferences, Message, Sessions)


def event_classes() -> dict[str, type]:
    """Every event class by its topic: the name it is stored under, forever (docs/events.md)."""
    found: dict[str, type] = {}
    for aggregate in AGGREGATES:
        for value in vars(aggregate).values():
            if isinstance(value, type) and issubclass(value, Aggregate.Event) and value.__name__ not in _BASES:
                found[value.TOPIC] = value
    return found
