"""Sign-in sessions that end on the server: signing out, a role taken away, an erasure.

A browser's proof of who it is (Streamlit's signed `_streamlit_user` cookie, a demo persona, a proxy's
header) cannot be taken back from the browser, and a copy of a cookie works anywhere until it expires. So
the store keeps, per person, the instant before which every session of theirs has ended: a session that
began at or before it is refused, on every page load and rerun and by the server before every Save, in
every `peerpulse serve` process on the store. Signing in again begins a new session, after it.

The person is named pseudonymously, as messages and actors are: `person:<keyed digest of the email>` for
the email someone signs in with (what signing out ends), `member:<id>` for a registered member (what an
admin's change of their roles or their erasure ends). A session is checked against both.

Instants are ISO 8601 in UTC with microseconds, one fixed width, so they compare as strings. They are
the servers' wall clock (never the pinned day of `PEERPULSE_TODAY`): the servers of one store must keep
their clocks in step (NTP), as the reminders' claims already need.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from domain import ids
from domain.errors import PeerPulseError

# The application (domain.application) is passed in, never imported: it sits above the model, which
# registers this module's aggregate.
PeerPulse = UnitOfWork = Actor = Any
REASONS = ("signed_out", "roles_changed", "erased")
MAX_ATTEMPTS = 8


def instant(seconds: float | None = None) -> str:
    """A moment (now, or `seconds` since the epoch) as the store compares them."""
    moment = datetime.fromtimestamp(time.time() if seconds is None else seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_instant(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 27 or not value.endswith("Z"):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return False
    return True


class Sessions(Aggregate):
    """One person's sign-in sessions: those that began at or before `ended_before` are over.

    Its topics are explicit, through the library (`TOPIC`, `@event(..., topic=...)`): stored events are
    named `SessionsEnded` and `SessionsEndedAgain` (domain names, as every event is stored), and the
    created event names the aggregate `peerpulse:Sessions`, never this module's path, so moving the
    class leaves stored sessions readable. The library's generic `Created` is never triggered (the
    aggregate is created by `SessionsEnded`), but an aggregate with a TOPIC must name it too."""

    TOPIC = "peerpulse:Sessions"

    class Created(Aggregate.Created):
        TOPIC = "peerpulse:Sessions.Created"

    @staticmethod
    def create_id(person: str, **_: Any) -> UUID:
        return ids.sessions_id(person)

    @event("SessionsEnded", topic="SessionsEnded")
    def __init__(self, person: str, ended_before: str, reason: str):
        self.person = person
        self.ended_before = ended_before
        self.reason = reason

    def end(self, ended_before: str, reason: str) -> bool:
        """End every session begun up to `ended_before`; one already covered records nothing."""
        if ended_before <= self.ended_before:
            return False
        self._ended_again(ended_before=ended_before, reason=reason)
        return True

    @event("SessionsEndedAgain", topic="SessionsEndedAgain")
    def _ended_again(self, ended_before: str, reason: str) -> None:
        self.ended_before = ended_before
        self.reason = reason


def of_email(app: PeerPulse, email: str) -> list[str]:
    """The people whose ended sessions a session signed in with this email is checked against: the email
    itself and the member registered with it (even erased: the email index still names them)."""
    return [app.actor("browser", email=email).who, f"member:{app.member_id_for(email)}"]


def of_member(member: str) -> str:
    return f"member:{member}"


def ended_before(app: PeerPulse, people: Iterable[str]) -> str | None:
    """The latest instant at or before which these people's sessions have ended, or None."""
    found = [sessions.ended_before for person in people if (sessions := app.find(ids.sessions_id(person)))]
    return max(found, default=None)


def has_ended(began: str | None, ended: str | None) -> bool:
    """Whether a session that began at `began` is over, given `ended_before`. A session whose beginning is
    not known is over as soon as anything has been ended for its person."""
    return ended is not None and (began is None or began <= ended)


def session_has_ended(app: PeerPulse, email: str, began: str | None) -> bool:
    return has_ended(began, ended_before(app, of_email(app, email)))


def end_in(uow: UnitOfWork, person: str, reason: str, at: str | None = None) -> bool:
    """As part of a batch (the same transaction as the change that calls for it): end `person`'s sessions."""
    at = at or instant()
    sessions = uow.get(ids.sessions_id(person), Sessions)
    if sessions is None:
        uow.add(Sessions(person=person, ended_before=at, reason=reason))
        return True
    return sessions.end(at, reason)


def ended(app: PeerPulse, person: str, reason: str, at: str) -> Sessions | None:
    """The person's Sessions with their sessions ended at `at`, to be saved by the caller; None if already."""
    sessions = app.find(ids.sessions_id(person))
    if sessions is None:
        return Sessions(person=person, ended_before=at, reason=reason)
    return sessions if sessions.end(at, reason) else None


def end(app: PeerPulse, person: str, reason: str, by: Actor) -> bool:
    """End every session of `person` begun until now (signing out). Two servers doing it at once both
    succeed: the one that loses the race reads the other's and ends again, if its own instant is later."""
    at = instant()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        found = ended(app, person, reason, at)
        if found is None:
            return False
        try:
            app.save_as(by, found)
            return True
        except IntegrityError:
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise PeerPulseError("the sessions could not be ended: other servers kept changing them; try again")
