"""Names and commitment texts, read from the encrypted event store for a viewer entitled to them.

The warehouse holds ids only. A facilitator may see the names of the people in the groups they
facilitate and the texts of those groups' commitments (they follow them up at the meeting); a member
sees their own name and texts; a programme lead sees group names, never a person's name or a text.
Each entitlement is checked against the domain's own record (the group's spells, the commitment's
member and group), not against what a page passes in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from dashboards.process_wide import shared
from dashboards.viewer import NotEntitled, Viewer
from domain import ids, sessions
from domain.application import PeerPulse, Recorded
from domain.clock import today
from domain.config import Settings
from domain.store.postgres import STORE_FAILURES, lost_store

ERASED = "(erased)"
LOOKUPS = {"show_spinner": False, "max_entries": 5000, "ttl": 300}
T = TypeVar("T")


class DomainReader:
    """The application, opened and used on one thread of its own: the event store's and key store's
    connections belong to the thread that opened them, and page scripts run on many threads."""

    def __init__(self, settings: Settings):
        self._where = settings.describe_store()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="peerpulse-domain")
        self._app = self._thread.submit(PeerPulse.open, settings).result()
        self._seen = self.read(lambda app: app.event_count())
        # group id -> name as formed: no event renames a group, so each is read once, from its first event.
        # Here, not in st.cache_resource: no Streamlit message (clear_cache) reaches it, it goes with this
        # store's reader (process_wide.close_all), and an erasure empties it with the other lookups.
        self._group_names: dict[str, str] = {}
        self._group_names_lock = threading.Lock()

    def read(self, question: Callable[[PeerPulse], T]) -> T:
        """`question` asked on the domain's thread. A store that stopped answering (a server restarted, a
        connection lost) is a plain `StoreError`: the next question gets a fresh connection (pre-ping)."""
        try:
            return self._thread.submit(question, self._app).result()
        except IntegrityError:
            raise
        except STORE_FAILURES as e:  # chained: a full disk beneath it is still told as one
            raise lost_store(e, self._where) from e

    def version(self) -> int:
        """How far the event log goes. When it has grown by an erasure, every member key this server holds
        is forgotten (the erased one's is a tombstone in the key store now), and so is every name and text
        cached from before: a running server stops showing an erased member's data on the next page load."""
        count = self.read(lambda app: app.event_count())
        if count != self._seen:
            seen, self._seen = self._seen, count
            if self.read(lambda app: _erased_since(app, seen)):
                self.read(lambda app: app.member_keys.forget())
                for cached in (_person_by_email, _names, _commitments, _name_and_email):
                    cached.clear()
                with self._group_names_lock:
                    self._group_names.clear()
        return count

    def group_names(self, group_ids: tuple[str, ...]) -> dict[str, str]:
        """group id -> name (the id itself for a group not formed, which is not remembered: it may be soon)."""
        with self._group_names_lock:
            known = {g: self._group_names[g] for g in group_ids if g in self._group_names}
        missing = [g for g in group_ids if g not in known]
        if missing:
            found = self.read(lambda app: {g: _name_as_formed(app, g) for g in missing})
            formed = {g: name for g, name in found.items() if name}
            with self._group_names_lock:
                self._group_names.update(formed)
            known |= formed
        return {g: known.get(g) or g for g in group_ids}

    def close(self) -> None:
        def close_here() -> None:
            app, self._app = self._app, None
            app.close()
            del app  # the last reference goes here, so the library's __del__ (a second close) runs here too

        self._thread.submit(close_here).result()
        self._thread.shutdown()


def _erased_since(app: PeerPulse, position: int) -> bool:
    return bool(app.recorder.select_notifications(start=position + 1, limit=1, topics=["MemberErased"]))


@shared(close=lambda reader: reader.close())  # not st.cache_resource: no Streamlit message can close it (process_wide)
def _domain(settings: Settings) -> DomainReader:
    return DomainReader(settings)


def _read(question: Callable[[PeerPulse], T]) -> T:
    return _domain(Settings.from_env()).read(question)


def _store_version() -> str:
    """Which store, and how far its log goes: changes with every new event, so an erasure or a new
    member is seen on the next page load."""
    settings = Settings.from_env()
    count = _domain(settings).version()
    return f"{settings.home}|{settings.describe_store()}#{count}"


@st.cache_data(**LOOKUPS)
def _person_by_email(email: str, version: str) -> tuple[str, str] | None:
    person = _read(lambda app: app.member_by_email(email))
    return (person.ref, person.name or ERASED) if person is not None else None


def person_by_email(email: str) -> tuple[str, str] | None:
    """(member id, name) of the registered person with this email, or None. For dashboards.identity."""
    return _person_by_email(email.strip().lower(), _store_version())


@st.cache_data(**LOOKUPS)
def _sessions_ended_before(email: str, version: str) -> str | None:
    return _read(lambda app: sessions.ended_before(app, sessions.of_email(app, email)))


def sessions_ended_before(email: str) -> str | None:
    """Until when the sessions of whoever signs in with this email have been ended (domain.sessions), as the
    store says now: any new event, from any server, is a new version. For dashboards.identity."""
    return _sessions_ended_before(email.strip().lower(), _store_version())


def _group_names(group_ids: tuple[str, ...]) -> dict[str, str]:
    return _domain(Settings.from_env()).group_names(group_ids)


def _name_as_formed(app: PeerPulse, group_id: str) -> str | None:
    # The group as of its first event (GroupFormed): a fraction of replaying its whole history.
    try:
        return app.repository.get(ids.group_id(group_id), version=1).name
    except AggregateNotFoundError:
        return None


@st.cache_data(**LOOKUPS)
def _group_members(group_id: str, version: str) -> frozenset[str]:
    """Everyone who was ever a member of the group."""
    group = _read(lambda app: app.group(group_id))
    return frozenset(group.spells) if group is not None else frozenset()


@st.cache_data(**LOOKUPS)
def _names(member_ids: tuple[str, ...], version: str) -> dict[str, str]:
    def names(app: PeerPulse) -> dict[str, str]:
        people = ((member_id, app.member(member_id)) for member_id in member_ids)
        return {member_id: (person.name if person is not None else None) or ERASED for member_id, person in people}

    return _read(names)


@st.cache_data(**LOOKUPS)
def _commitments(commitment_ids: tuple[str, ...], version: str) -> dict[str, tuple[str, str, str]]:
    """commitment id -> (member id, group id, text)."""

    def commitments(app: PeerPulse) -> dict[str, tuple[str, str, str]]:
        found = ((commitment_id, app.commitment(commitment_id)) for commitment_id in commitment_ids)
        return {cid: (c.member, c.group, c.text or ERASED) for cid, c in found if c is not None}

    return _read(commitments)


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))


def group_names(viewer: Viewer, group_ids: Iterable[str]) -> dict[str, str]:
    """Names of groups the viewer may see: any group for a lead, else their own groups."""
    wanted = _unique(group_ids)
    if not viewer.is_lead:
        allowed = set(viewer.facilitates) | set(viewer.member_of)
        if not set(wanted) <= allowed:
            raise NotEntitled("a group's name is for its lead, facilitator and members")
    return _group_names(wanted)


def member_names(viewer: Viewer, group_id: str, member_ids: Iterable[str]) -> dict[str, str]:
    """Names of people who are or were in a group the viewer facilitates."""
    viewer.require_facilitator_of(group_id)
    wanted = _unique(member_ids)
    version = _store_version()
    if not set(wanted) <= _group_members(group_id, version):
        raise NotEntitled("a facilitator sees the names of their own groups' members only")
    return _names(wanted, version)


def commitment_texts(viewer: Viewer, commitment_ids: Iterable[str]) -> dict[str, str]:
    """Texts of the viewer's own commitments, or of commitments made in a group they facilitate."""
    records = _commitments(_unique(commitment_ids), _store_version())
    texts = {}
    for commitment_id, (member_id, group_id, text) in records.items():
        if member_id != viewer.member_id and group_id not in viewer.facilitates:
            raise NotEntitled("a commitment's text is for its member and their group's facilitator")
        texts[commitment_id] = text
    return texts


@st.cache_data(**LOOKUPS)
def _name_and_email(member_id: str, version: str) -> tuple[str, str] | None:
    person = _read(lambda app: app.member(member_id))
    return (person.name, person.email) if person is not None and person.email else None


def demo_persona(member_id: str) -> tuple[str, str] | None:
    """(name, email) of a person the demo sign-in offers as a persona. Only dashboards.identity calls it,
    and only on a loopback demo server."""
    return _name_and_email(member_id, _store_version())


# -- for the recording pages ---------------------------------------------------------------------------
def domain() -> DomainReader:
    """The application this server reads and writes through (dashboards.recording writes with it)."""
    return _domain(Settings.from_env())


def roster_on(viewer: Viewer, group_id: str, held_on: str) -> list[tuple[str, str, str]]:
    """(member id, name, email) of everyone on a facilitated group's roster that day: what a meeting form
    starts from, and what an export's people are matched against."""
    viewer.require_facilitator_of(group_id)
    entries = _read(lambda app: app.roster(group_id, held_on))
    return [(e.member, e.name or ERASED, e.email or "") for e in entries]


def remembered_aliases(viewer: Viewer, group_id: str) -> dict[str, str]:
    """The names a facilitated group's exports showed for its members, as mapped before."""
    viewer.require_facilitator_of(group_id)
    group = _read(lambda app: app.group(group_id))
    return dict(group.aliases) if group is not None else {}


@dataclass(frozen=True)
class MeetingRecord:
    group: str
    held_on: str
    attendance: dict[str, str]
    speaking_seconds: dict[str, float] | None
    presenters: tuple[str, ...]


def meeting_record(viewer: Viewer, meeting: str) -> MeetingRecord | None:
    """A meeting of a facilitated group as the domain holds it now (corrections applied)."""
    found = _read(lambda app: app.meeting(meeting))
    if found is None:
        return None
    viewer.require_facilitator_of(found.group)
    return MeetingRecord(
        found.group,
        found.held_on,
        dict(found.attendance),
        dict(found.speaking_seconds) if found.speaking_seconds is not None else None,
        tuple(found.presenters),
    )


def meeting_history(viewer: Viewer, meeting: str, commitment_ids: Iterable[str] = ()) -> list[Recorded]:
    """Who recorded or corrected what about a meeting of a facilitated group, and when: the meeting's own
    events and those of the commitments made or followed up at it."""
    record = meeting_record(viewer, meeting)
    if record is None:
        return []
    wanted = _unique(commitment_ids)
    owned = _commitments(wanted, _store_version())
    if any(group_id != record.group for _, group_id, _ in owned.values()):
        raise NotEntitled("a facilitator sees the history of their own groups only")
    streams = [ids.meeting_id(meeting), *(ids.commitment_id(c) for c in owned)]
    return _read(lambda app: app.history(streams))


def my_history(viewer: Viewer, commitment_ids: Iterable[str]) -> list[Recorded]:
    """Who recorded what about the viewer: their registration and their commitments."""
    member = viewer.require_member()
    owned = _commitments(_unique(commitment_ids), _store_version())
    if any(member_id != member for member_id, _, _ in owned.values()):
        raise NotEntitled("a member sees the history of their own data only")
    streams = [ids.person_id(member), *(ids.commitment_id(c) for c in owned)]
    return _read(lambda app: app.history(streams))


def member_directory(viewer: Viewer, member_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """member id -> (name, email), for a programme admin (who runs the rosters; never texts or figures)."""
    viewer.require_admin()

    def look(app: PeerPulse) -> dict[str, tuple[str, str]]:
        found = ((m, app.member(m)) for m in _unique(member_ids))
        return {m: ((p.name or ERASED), p.email or "") for m, p in found if p is not None}

    return _read(look)


def admin_group_names(viewer: Viewer, group_ids: Iterable[str]) -> dict[str, str]:
    viewer.require_admin()
    return _group_names(_unique(group_ids))


def rated(viewer: Viewer, meeting_ids: Iterable[str]) -> set[str]:
    """Which of these meetings the viewer has rated already (a meeting is rated once)."""
    member = viewer.require_member()

    def look(app: PeerPulse) -> set[str]:
        found = ((m, app.meeting(m)) for m in _unique(meeting_ids))
        return {m for m, meeting in found if meeting is not None and member in meeting.ratings}

    return _read(look)


def group_member_ids(viewer: Viewer, group_id: str) -> frozenset[str]:
    """Everyone who is or was in a group the viewer facilitates."""
    viewer.require_facilitator_of(group_id)
    return _group_members(group_id, _store_version())


def facilitation(viewer: Viewer, group_id: str) -> list[tuple[str, str, str]]:
    """A group's facilitator assignments as the domain holds them now, for a programme admin:
    (member id, assigned_on, "current" | "planned" | "former"), by date. The current one is the domain's
    rule (`Group.facilitator_on` today); a future-dated one is planned, not current."""
    viewer.require_admin()
    day = today().isoformat()

    def look(app: PeerPulse) -> list[tuple[str, str, str]]:
        group = app.group(group_id)
        if group is None:
            return []
        now = group.current_assignment(day)
        rows = []
        for member, on in sorted({tuple(f) for f in group.facilitators}, key=lambda f: (f[1], f[0])):
            state = "planned" if on > day else ("current" if (member, on) == now else "former")
            rows.append((member, on, state))
        return rows

    return _read(look)
