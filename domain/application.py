"""The use cases of PeerPulse: the only way to change (and to read) the event store.

Commands are applied in batches (a file, a seed batch, a meeting export). A batch is a unit of work:
its aggregates are loaded once, changed in memory command by command (so line 9 sees what line 3
did), and saved together in one transaction. Either every event of the batch is stored or none is.
Two processes writing the same aggregates collide on the store's (aggregate id, version) key; the
loser replays its whole batch against the new state, where what the winner already recorded is
skipped, so nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import singledispatchmethod
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError

from domain import ids, sessions
from domain.commands import (
    AssignFacilitator,
    CheckIn,
    Command,
    CorrectAirtime,
    CorrectAttendance,
    FollowUp,
    FormGroup,
    HoldMeeting,
    JoinGroup,
    LeaveGroup,
    MakeCommitment,
    RateMeeting,
    RegisterMember,
    RememberAlias,
    SetMessagePreference,
    SignConfidentiality,
)
from domain.config import Settings
from domain.errors import CommandError, ConfigurationError, DomainError, PeerPulseError
from domain.model import (
    PERSONAL_FIELDS,
    Commitment,
    EmailClaim,
    FileImport,
    Group,
    Meeting,
    Member,
    Message,
    MessagePreferences,
)
from domain.store import erasure_ledger, keys, library_environment
from domain.store.log import existing_streams
from domain.store.mapper import RECORDED_BY, TOPIC_BY_CLASS
from domain.store.member_keys import MemberKeys
from domain.store.postgres import (
    STORE_FAILURES,
    StoreError,
    connection_failed,
    describe_open_failure,
    lost_store,
)

MAX_ATTEMPTS = 8
A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Actor:
    """Who records something, pseudonymously, and through what: written into every event they cause.

    `who` is `member:<id>` for a registered person signed in, `person:<digest>` for anyone else signed in
    (a keyed digest of their email, never the email), `user:<digest>` for the account running a command;
    `via` is `browser`, `jsonl`, `meeting_export`, `seed`, `cli` or `mail` (a run that sends messages).
    """

    who: str
    via: str

    def as_state(self) -> dict[str, str]:
        return {"who": self.who, "via": self.via}


UNKNOWN = Actor("unknown", "api")
LEDGER = Actor("erasure-ledger", "ledger")  # erasing again, at opening, whoever the erasure ledger lists


class ConcurrencyError(PeerPulseError):
    """Other writers kept changing the same aggregates; nothing from this batch was stored."""


@dataclass(frozen=True)
class Recorded:
    """One event as a history shows it."""

    at: datetime
    what: str  # the event's name, e.g. AttendanceCorrected
    who: str | None  # the pseudonymous actor (Actor.who); None for events recorded before actors were
    via: str | None
    details: dict[str, Any]  # its ids, dates, statuses and figures


class RosterEntry(NamedTuple):
    member: str
    name: str
    email: str


@dataclass
class ImportSummary:
    commands: int = 0
    applied: int = 0
    skipped: int = 0
    events: int = 0
    attempts: int = 1
    already_imported: bool = False

    def add(self, other: ImportSummary) -> None:
        self.commands += other.commands
        self.applied += other.applied
        self.skipped += other.skipped
        self.events += other.events


class UnitOfWork:
    """The aggregates one batch has touched, each loaded at most once."""

    def __init__(self, app: PeerPulse):
        self._app = app
        self._aggregates: dict[UUID, Aggregate | None] = {}

    def get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        if aggregate_id not in self._aggregates:
            try:
                self._aggregates[aggregate_id] = self._app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                self._aggregates[aggregate_id] = None
        found = self._aggregates[aggregate_id]
        if found is not None and not isinstance(found, kind):  # pragma: no cover - ids are namespaced
            raise DomainError(f"id clash between a {kind.__name__} and a {type(found).__name__}")
        return found

    def know_absent(self, aggregate_ids: set[UUID]) -> None:
        """Record that these aggregates have no events yet, so `get` need not ask the store."""
        for aggregate_id in aggregate_ids:
            self._aggregates.setdefault(aggregate_id, None)

    def add(self, aggregate: Aggregate) -> None:
        self._aggregates[aggregate.id] = aggregate

    def changed(self) -> list[Aggregate]:
        return [a for a in self._aggregates.values() if a is not None and a.pending_events]


def members_to_seal(aggregates: Sequence[Aggregate]) -> list[str]:
    """The members whose keys the pending events will be sealed with."""
    return [e.member for a in aggregates for e in a.pending_events if TOPIC_BY_CLASS[type(e)] in PERSONAL_FIELDS]


def members_registered(aggregates: Sequence[Aggregate]) -> list[str]:
    """The members registered by the pending events: the only ones who may be given a new key."""
    return [e.member for a in aggregates for e in a.pending_events if TOPIC_BY_CLASS[type(e)] == "MemberRegistered"]


def created_ids(commands: Sequence[Command]) -> set[UUID]:
    """The aggregates these commands would create (most of a batch's are new)."""
    return {created for c in commands if (created := c.creates()) is not None}


class PeerPulse(Application):
    name = "PeerPulse"
    settings: Settings
    email_key: bytes
    binding_key: bytes
    actor_key: bytes
    member_id_key: bytes
    key_store_bound: bool
    member_keys: MemberKeys
    erased_again: list[str]

    # -- opening the store -----------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings) -> PeerPulse:
        """The application on the configured store; refuses a missing or wrong key."""
        key = keys.read_key(settings)
        new_key = key is None
        env = library_environment(settings, key or keys.new_key())
        app = cls._construct(env, settings)
        app.settings = settings
        try:
            app.member_keys = MemberKeys(settings, env["CIPHER_KEY"])
        except PeerPulseError:
            app.close()
            raise
        app.mapper.member_keys = app.member_keys
        if app.member_keys.is_empty() and app.recorder.select_notifications(
            start=1, limit=1, topics=["MemberRegistered"]
        ):
            app.close()
            raise ConfigurationError(
                "the member key store is missing or empty but the event store holds members' data: restore "
                f"{settings.member_keys_path} (or the peerpulse_member_keys table) from backup"
            )
        if new_key:
            if app.recorder.max_notification_id():
                app.close()
                raise ConfigurationError(
                    f"the event store ({settings.describe_store()}) holds events but its key is missing: "
                    f"restore {settings.key_path} or set PEERPULSE_STORE_KEY (see README, 'Keys')"
                )
            if not settings.store_key:
                keys.write_key(settings, env["CIPHER_KEY"])
        else:
            app._check_key()
        app.email_key = keys.derived_key(env["CIPHER_KEY"], "email-index")
        app.binding_key = keys.derived_key(env["CIPHER_KEY"], "member-key-store")
        app.actor_key = keys.derived_key(env["CIPHER_KEY"], "actor")
        app.member_id_key = keys.derived_key(env["CIPHER_KEY"], "member-id")
        app.key_store_bound = False
        app._bind_key_store()
        try:
            app.erased_again = app._keep_erasures()
        except PeerPulseError:
            app.close()
            raise
        return app

    def _keep_erasures(self) -> list[str]:
        """Erase again, before anything reads the store, everyone in the erasure ledger whose key is still
        in the key store: it was restored from a backup taken before their erasure (by `peerpulse restore`,
        or by copying files back). Returns who was erased again. Members erased before the ledger
        existed (a tombstone it does not list) are added to it first."""
        erasure_ledger.record_all(self.settings, self.member_keys.erased())
        ledger = erasure_ledger.read(self.settings)
        again = self.member_keys.still_held(ledger) if ledger else []
        for ref in again:
            self.member_keys.destroy(ref)
        self.record_erasures(again)
        return again

    def record_erasures(self, refs: Iterable[str]) -> int:
        """Record the erasure of these members (whose keys are destroyed) where it is not recorded yet:
        a backup may predate the MemberErased event. Returns how many were recorded."""
        recorded = 0
        for ref in refs:
            member = self.member(ref)
            if member is not None and member.erase("erasure ledger"):
                try:
                    self.save_as(LEDGER, member)
                    recorded += 1
                except IntegrityError:
                    pass  # another process opening the same store recorded it first
        return recorded

    def _bind_key_store(self) -> None:
        """The member key store is bound to this event store by the identity of its first event, so a
        key store restored from another programme is refused instead of splitting members' data."""
        first = self.recorder.select_notifications(start=1, limit=1)
        if first:
            try:
                self.member_keys.check_bound_to(keys.keyed_digest(self.binding_key, first[0].originator_id.hex))
            except PeerPulseError:
                self.close()
                raise
            self.key_store_bound = True

    def save_as(self, by: Actor, *aggregates: Aggregate) -> None:
        """Save, writing who recorded it into every event."""
        token = RECORDED_BY.set(by.as_state())
        try:
            self.save(*aggregates)
        finally:
            RECORDED_BY.reset(token)

    def actor(
        self, via: str, *, member: str | None = None, email: str | None = None, account: str | None = None
    ) -> Actor:
        """The pseudonymous actor for a signed-in member, a signed-in email, or the account running a command."""
        if member:
            return Actor(f"member:{member}", via)
        if email:
            return Actor(f"person:{keys.keyed_digest(self.actor_key, email.strip().lower())[:16]}", via)
        return Actor(f"user:{keys.keyed_digest(self.actor_key, account or '')[:16]}", via)

    def close(self) -> None:
        """Safe to call more than once (the library's finaliser calls it again)."""
        member_keys, self.member_keys = getattr(self, "member_keys", None), None
        if member_keys is not None:
            member_keys.close()
        super().close()

    @classmethod
    def _construct(cls, env: dict[str, str], settings: Settings) -> PeerPulse:
        """The library's application on the store. Opening creates the store's tables and functions if
        needed; on PostgreSQL, processes starting at the same instant can collide doing so ("tuple
        concurrently updated"), which is transient: try again after a moment."""
        from eventsourcing.persistence import InternalError

        for attempt in range(1, 6):
            try:
                return cls(env=env)
            except InternalError:
                if attempt == 5:
                    raise ConfigurationError(
                        f"cannot open the event store ({settings.describe_store()}): "
                        "other processes kept changing its schema"
                    ) from None
                time.sleep(random.uniform(0.05, 0.2) * attempt)
            except PeerPulseError:
                raise
            except Exception as e:  # the store itself is unreachable: say where and why, not the password
                if connection_failed(e):
                    raise lost_store(e, settings.describe_store()) from e
                raise ConfigurationError(
                    describe_open_failure(
                        e, settings.describe_store(), settings.postgres.schema if settings.database_url else ""
                    )
                ) from None
        raise AssertionError("unreachable")

    def _check_key(self) -> None:
        first = self.recorder.select_notifications(start=1, limit=1)
        if first:
            try:
                self.mapper.to_domain_event(first[0])
            except MapperDeserialisationError:
                self.close()
                raise ConfigurationError(
                    f"the store key does not open the event store ({self.settings.describe_store()}): "
                    "wrong PEERPULSE_STORE_KEY or key file"
                ) from None

    # -- applying commands -----------------------------------------------------------------------
    def apply_commands(
        self,
        commands: Sequence[Command],
        source: str,
        *,
        by: Actor = UNKNOWN,
        file_digest: str | None = None,
        progress: Callable[[int], None] | None = None,
        then: Callable[[UnitOfWork], object] | None = None,
    ) -> ImportSummary:
        """Apply a batch all-or-nothing, as `by`; commands already recorded are skipped, not repeated.
        `then`, when the batch records something, adds to the same transaction (e.g. ending sessions)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            uow = UnitOfWork(self)
            if file_digest and uow.get(ids.file_import_id(file_digest), FileImport) is not None:
                return ImportSummary(commands=len(commands), skipped=len(commands), already_imported=True)
            summary = ImportSummary(commands=len(commands), attempts=attempt)
            created = created_ids(commands)
            uow.know_absent(created - existing_streams(self.recorder, created))
            for done, command in enumerate(commands, start=1):
                try:
                    changed = self._handle(command, uow)
                except DomainError as e:
                    raise CommandError(source, command.line, e.field, str(e)) from None
                if changed:
                    summary.applied += 1
                else:
                    summary.skipped += 1
                if progress and attempt == 1 and done % 1000 == 0:
                    progress(1000)
            if progress and attempt == 1:
                progress(len(commands) % 1000)
            if then is not None and summary.applied:
                then(uow)
            if file_digest and summary.applied:
                uow.add(
                    FileImport(
                        digest=file_digest, commands=len(commands), applied=summary.applied, skipped=summary.skipped
                    )
                )
            changed_aggregates = uow.changed()
            summary.events = sum(len(a.pending_events) for a in changed_aggregates)
            self.member_keys.ensure(
                members_to_seal(changed_aggregates), registering=members_registered(changed_aggregates)
            )
            try:
                if changed_aggregates:
                    self.save_as(by, *changed_aggregates)
                    if not self.key_store_bound:
                        self._bind_key_store()
                return summary
            except StoreError as e:
                raise StoreError(f"{source}: {e}") from None
            except IntegrityError:
                # Another writer stored events for one of our aggregates first: replay on fresh state.
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise ConcurrencyError(
            f"{source}: other writers kept changing the same groups; gave up after {MAX_ATTEMPTS} attempts "
            "and stored nothing. Run the import again."
        )

    # -- handlers: one per command type; each returns True if it recorded something ---------------
    def _group(self, uow: UnitOfWork, ref: str, field: str = "group") -> Group:
        group = uow.get(ids.group_id(ref), Group)
        if group is None:
            raise DomainError(f"group '{ref}' does not exist", field)
        return group

    def _member(self, uow: UnitOfWork, ref: str, field: str = "member") -> Member:
        member = uow.get(ids.person_id(ref), Member)
        if member is None:
            raise DomainError(f"member '{ref}' is not registered", field)
        return member

    def _meeting(self, uow: UnitOfWork, ref: str, field: str = "meeting") -> Meeting:
        meeting = uow.get(ids.meeting_id(ref), Meeting)
        if meeting is None:
            raise DomainError(f"meeting '{ref}' has not been recorded", field)
        return meeting

    @staticmethod
    def _not_erased(member: Member) -> None:
        if member.erased:
            raise DomainError(f"member '{member.ref}' was erased: nothing new can be recorded about them", "member")

    def _commitment(self, uow: UnitOfWork, ref: str) -> Commitment:
        commitment = uow.get(ids.commitment_id(ref), Commitment)
        if commitment is None:
            raise DomainError(f"commitment '{ref}' does not exist", "commitment")
        return commitment

    @singledispatchmethod
    def _handle(self, command: Command, uow: UnitOfWork) -> bool:
        raise TypeError(f"no handler for {type(command).__name__}")  # pragma: no cover - every command has one

    @_handle.register
    def _form_group(self, c: FormGroup, uow: UnitOfWork) -> bool:
        existing = uow.get(ids.group_id(c.group), Group)
        if existing is not None:
            if existing.same_details(c.name, c.cadence, c.formed_on, c.purpose):
                return False
            raise DomainError(f"group '{c.group}' already exists with other details", "group")
        uow.add(Group(group=c.group, name=c.name, cadence=c.cadence, formed_on=c.formed_on, purpose=c.purpose))
        return True

    @_handle.register
    def _register_member(self, c: RegisterMember, uow: UnitOfWork) -> bool:
        existing = uow.get(ids.person_id(c.member), Member)
        if existing is not None:
            if existing.same_details(c.name, c.email, c.company, c.title):
                return False
            raise DomainError(f"member '{c.member}' is already registered with other details", "member")
        digest = keys.keyed_digest(self.email_key, c.email.strip().lower())
        claim = uow.get(ids.email_claim_id(digest), EmailClaim)
        if claim is not None:
            raise DomainError(f"this email is already registered to member '{claim.member}'", "email")
        uow.add(EmailClaim(digest=digest, member=c.member))
        uow.add(Member(member=c.member, name=c.name, email=c.email, company=c.company, title=c.title))
        return True

    @_handle.register
    def _join_group(self, c: JoinGroup, uow: UnitOfWork) -> bool:
        group = self._group(uow, c.group)
        self._member(uow, c.member)
        return group.join(c.member, c.joined_on)

    @_handle.register
    def _leave_group(self, c: LeaveGroup, uow: UnitOfWork) -> bool:
        return self._group(uow, c.group).leave(c.member, c.left_on, c.reason)

    @_handle.register
    def _assign_facilitator(self, c: AssignFacilitator, uow: UnitOfWork) -> bool:
        group = self._group(uow, c.group)
        self._member(uow, c.member)
        return group.assign_facilitator(c.member, c.assigned_on)

    @_handle.register
    def _sign_confidentiality(self, c: SignConfidentiality, uow: UnitOfWork) -> bool:
        return self._group(uow, c.group).sign_confidentiality(c.member, c.signed_on)

    @_handle.register
    def _hold_meeting(self, c: HoldMeeting, uow: UnitOfWork) -> bool:
        group = self._group(uow, c.group)
        meeting = Meeting.hold(
            meeting=c.meeting,
            group=group,
            held_on=c.held_on,
            topic=c.topic,
            format=c.format,
            attendance=c.attendance or {},
            speaking_seconds=c.speaking_seconds,
            presenters=c.presenters or [],
            guest_speaker=c.guest_speaker,
        )
        existing = uow.get(meeting.id, Meeting)
        if existing is not None:
            if existing.same_as(meeting):
                return False
            raise DomainError(f"meeting '{c.meeting}' is already recorded with other details", "meeting")
        uow.add(meeting)
        return True

    @_handle.register
    def _make_commitment(self, c: MakeCommitment, uow: UnitOfWork) -> bool:
        existing = uow.get(ids.commitment_id(c.commitment), Commitment)
        if existing is not None:
            if existing.same_as(c.member, c.meeting, c.due_on, c.text):
                return False
            raise DomainError(f"commitment '{c.commitment}' already exists with other details", "commitment")
        meeting = self._meeting(uow, c.meeting)
        person = uow.get(ids.person_id(c.member), Member)
        if person is not None:
            self._not_erased(person)
        uow.add(
            Commitment.make(commitment=c.commitment, member=c.member, meeting=meeting, due_on=c.due_on, text=c.text)
        )
        return True

    @_handle.register
    def _follow_up(self, c: FollowUp, uow: UnitOfWork) -> bool:
        commitment = self._commitment(uow, c.commitment)
        meeting = self._meeting(uow, c.meeting)
        person = uow.get(ids.person_id(commitment.member), Member)
        recorded = (meeting.ref, c.outcome, c.new_due_on) in commitment.follow_ups
        if c.note is not None and person is not None and person.erased and not recorded:
            raise DomainError(
                f"member '{commitment.member}' was erased: a note about their commitment cannot be "
                "recorded (follow up without a note)",
                "note",
            )
        return commitment.follow_up(meeting, c.outcome, c.new_due_on, c.note)

    @_handle.register
    def _rate_meeting(self, c: RateMeeting, uow: UnitOfWork) -> bool:
        return self._meeting(uow, c.meeting).rate(c.member, c.score, c.rated_on)

    @_handle.register
    def _check_in(self, c: CheckIn, uow: UnitOfWork) -> bool:
        commitment = self._commitment(uow, c.commitment)
        person = uow.get(ids.person_id(c.member), Member)
        if person is not None and c.check_in not in commitment.check_ins:
            self._not_erased(person)
        return commitment.check_in(c.check_in, c.member, c.checked_in_on, c.progress, c.confidence, c.note)

    @_handle.register
    def _remember_alias(self, c: RememberAlias, uow: UnitOfWork) -> bool:
        group = self._group(uow, c.group)
        self._not_erased(self._member(uow, c.member))
        return group.remember_alias(c.alias, c.member)

    @_handle.register
    def _correct_attendance(self, c: CorrectAttendance, uow: UnitOfWork) -> bool:
        return self._meeting(uow, c.meeting).correct_attendance(c.member, c.status)

    @_handle.register
    def _correct_airtime(self, c: CorrectAirtime, uow: UnitOfWork) -> bool:
        return self._meeting(uow, c.meeting).correct_airtime(c.member, c.seconds)

    @_handle.register
    def _set_message_preference(self, c: SetMessagePreference, uow: UnitOfWork) -> bool:
        if c.member is not None:
            self._not_erased(self._member(uow, c.member))
        recipient = self.recipient_for(member=c.member, email=c.email)
        preferences = uow.get(ids.message_preferences_id(recipient), MessagePreferences)
        if preferences is None:
            if c.wanted:
                return False  # every kind is on until turned off
            preferences = MessagePreferences(recipient=recipient)
            uow.add(preferences)
        return preferences.turn_on(c.kind) if c.wanted else preferences.turn_off(c.kind)

    # -- messages: who gets them, what they turned off, and sending each exactly once ----------------
    def recipient_for(self, *, member: str | None = None, email: str | None = None) -> str:
        """The pseudonymous id messages to a person are recorded under: `member:<id>` for a registered
        person (found by their email too), else `person:<keyed digest of the email>`, as `actor` says."""
        if member is None and email is not None:
            person = self.member_by_email(email)
            member = person.ref if person is not None else None
        return self.actor("mail", member=member, email=email).who

    def turned_off(self, recipient: str) -> frozenset[str]:
        """The kinds of message this recipient turned off."""
        preferences = self.find(ids.message_preferences_id(recipient))
        return frozenset(preferences.turned_off) if preferences is not None else frozenset()

    def message(self, recipient: str, kind: str, occasion: str) -> Message | None:
        return self.find(ids.message_id(recipient, kind, occasion))

    def claim_message(
        self, recipient: str, kind: str, occasion: str, *, run: str, now: str, until: str, by: Actor = UNKNOWN
    ) -> bool:
        """Whether this run may send the message now: it is not sent, and no other run holds a live claim
        on it. Exactly one of several runs asking at once gets True (the store refuses the others' write)."""
        found = self.message(recipient, kind, occasion)
        try:
            if found is None:
                self.save_as(
                    by, Message(recipient=recipient, kind=kind, occasion=occasion, run=run, claimed_until=until)
                )
                return True
            if not found.claim_again(run, until, now):
                return False
            self.save_as(by, found)
            return True
        except IntegrityError:
            return False  # another run claimed it first

    def message_sent(self, recipient: str, kind: str, occasion: str, *, run: str, at: str, by: Actor = UNKNOWN) -> None:
        """Record that the mail server accepted the message. Retried on a concurrent change (a claim that
        lapsed while this run was sending): the message was sent, so that is what is recorded."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            found = self.message(recipient, kind, occasion)
            if found is None or not found.record_sent(run, at):
                return
            try:
                self.save_as(by, found)
                return
            except IntegrityError:
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise ConcurrencyError(f"a sent {kind} message could not be recorded: other runs kept changing it")

    def message_not_sent(
        self, recipient: str, kind: str, occasion: str, *, run: str, reason: str, by: Actor = UNKNOWN
    ) -> None:
        """Let go of this run's claim: the mail server refused the message, so the next run may try again."""
        found = self.message(recipient, kind, occasion)
        if found is not None and found.let_go(run, reason):
            try:
                self.save_as(by, found)
            except IntegrityError:
                pass  # another run has claimed it since: it is theirs now

    # -- erasure ---------------------------------------------------------------------------------
    def erase_member(self, ref: str, requested_by: str, by: Actor = UNKNOWN) -> bool:
        """Destroy a member's key (their sealed personal data becomes unreadable everywhere), then record
        the erasure as an event. Safe to repeat: a crash between the two steps is finished by a rerun."""
        member, at = self.member(ref), sessions.instant()
        if member is None:
            raise DomainError(f"member '{ref}' is not registered", "member")
        # The ledger first (a restore of an older backup must erase them again), then the key, then the
        # event: whoever notices the event (a running dashboards server) finds the key already gone.
        erasure_ledger.record(self.settings, ref)
        self.member_keys.destroy(ref)
        recorded = member.erase(requested_by)
        if recorded:  # with every session they have open, in the same transaction
            self.save_as(by, member, *filter(None, [sessions.ended(self, sessions.of_member(ref), "erased", at)]))
        return recorded

    # -- reading ---------------------------------------------------------------------------------
    def find(self, aggregate_id: UUID) -> Any | None:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def group(self, ref: str) -> Group | None:
        return self.find(ids.group_id(ref))

    def member(self, ref: str) -> Member | None:
        return self.find(ids.person_id(ref))

    def meeting(self, ref: str) -> Meeting | None:
        return self.find(ids.meeting_id(ref))

    def commitment(self, ref: str) -> Commitment | None:
        return self.find(ids.commitment_id(ref))

    def member_by_email(self, email: str) -> Member | None:
        """The registered person with this email (case-insensitive), through the keyed email index."""
        claim = self.find(ids.email_claim_id(keys.keyed_digest(self.email_key, email.strip().lower())))
        person = self.member(claim.member) if claim is not None else None
        return None if person is None or person.erased else person  # an erased member is nobody now

    def member_id_for(self, email: str) -> str:
        """The member id registered for this email, or the id a new registration of it gets (`m-` and a keyed
        digest of the address: stable, so registering the same person twice is recognised, and no email
        shows in an id)."""
        address = email.strip().lower()
        claim = self.find(ids.email_claim_id(keys.keyed_digest(self.email_key, address)))
        if claim is not None:
            return claim.member
        return "m-" + keys.keyed_digest(self.member_id_key, address)[:12]

    def roster(self, group: str, held_on: str) -> list[RosterEntry]:
        """Who was on the group's roster that day, with the names and emails a meeting export uses."""
        found = self.group(group)
        if found is None:
            raise DomainError(f"group '{group}' does not exist", "group")
        entries = []
        for ref in found.roster_on(held_on):
            person = self.member(ref)
            entries.append(RosterEntry(ref, person.name if person else "", person.email if person else ""))
        return entries

    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0

    def history(self, aggregate_ids: Iterable[UUID]) -> list[Recorded]:
        """What was recorded about these aggregates, by whom and when, oldest first: read from the events
        themselves (ids, dates, statuses and figures; personal fields are left out)."""
        found = []
        for aggregate_id in aggregate_ids:
            for e in self.repository.event_store.get(aggregate_id):
                topic = TOPIC_BY_CLASS[type(e)]
                state = vars(e)
                recorded_by = state.get("recorded_by") or {}
                hidden = {
                    "originator_id",
                    "originator_version",
                    "originator_topic",
                    "timestamp",
                    "recorded_by",
                    "digest",
                    *PERSONAL_FIELDS.get(topic, ()),
                }
                details = {k: v for k, v in state.items() if k not in hidden and isinstance(v, str | int | float)}
                found.append(Recorded(e.timestamp, topic, recorded_by.get("who"), recorded_by.get("via"), details))
        return sorted(found, key=lambda r: r.at)


@contextmanager
def open_application(settings: Settings | None = None) -> Iterator[PeerPulse]:
    """The only way in: an application on the configured store, closed on the way out. A failure of the store
    itself (a server restarted, a connection lost) comes out as a plain `StoreError`, never the driver's."""
    settings = settings or Settings.from_env()
    try:
        app = PeerPulse.open(settings)
    except IntegrityError:
        raise
    except STORE_FAILURES as e:  # chained, so a full disk beneath it is still told as one (domain/disk.py)
        raise lost_store(e, settings.describe_store()) from e
    try:
        yield app
    except IntegrityError:
        raise
    except STORE_FAILURES as e:
        raise lost_store(e, settings.describe_store()) from e
    finally:
        try:
            app.close()
        except STORE_FAILURES:
            pass  # a connection that is gone has nothing left to close
