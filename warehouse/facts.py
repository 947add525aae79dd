"""The warehouse's base: the fact tables, and how each kind of event lands in them.

One declaration per event type says which fact table its rows land in and how a row is built from the
event; each table declares its columns with their DuckDB types once, and the DDL and the dataframe
schema are derived from that. Every row carries the event's `position` in the log, so the facts always
hold exactly the events up to `projection_state.last_position` (see pipelines/projection.py).

An event type that nobody declared lands in a table made from the event itself (`fact_<event name>`,
its scalar fields, personal ones never), so recording a new kind of event needs no change here; declare
one only to reshape its rows. Pseudonymous by construction: ids, dates, statuses and figures.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from domain.model import PERSONAL_FIELDS, event_classes

# DuckDB type -> the polars type a page's rows are built in (ISO days are cast to DATE on insert)
FRAME_TYPES: dict[str, Any] = {
    "BIGINT": pl.Int64,
    "INTEGER": pl.Int32,
    "DOUBLE": pl.Float64,
    "BOOLEAN": pl.Boolean,
    "VARCHAR": pl.Utf8,
    "DATE": pl.Utf8,
}
POSITION, ID, TEXT, DAY, FLAG, SECONDS, SCORE = "BIGINT", "VARCHAR", "VARCHAR", "DATE", "BOOLEAN", "DOUBLE", "INTEGER"

Event = dict[str, Any]
RowBuilder = Callable[[int, str, Event], Iterable[tuple]]


@dataclass(frozen=True)
class FactTable:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, DuckDB type), in order

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def ddl(self) -> str:
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(f'{n} {t}' for n, t in self.columns)})"

    def frame_schema(self) -> dict[str, Any]:
        return {name: FRAME_TYPES[kind] for name, kind in self.columns}


def table(name: str, **columns: str) -> FactTable:
    return FactTable(name, tuple(columns.items()))


@dataclass(frozen=True)
class Lands:
    """Events of type `event` land in `table`, as the rows `rows(position, stream id, event)` builds."""

    event: str
    table: FactTable
    rows: RowBuilder


# -- the fact tables -------------------------------------------------------------------------------
EVENT_LOG = table("event_log", position=POSITION, topic=TEXT)  # every event, by type: for the checks
GROUP_FORMED = table("fact_group_formed", position=POSITION, stream_id=ID, group_id=ID, cadence=TEXT, formed_on=DAY)
MEMBERSHIP = table(
    "fact_membership", position=POSITION, stream_id=ID, member_id=ID, change=TEXT, changed_on=DAY, reason=TEXT
)
FACILITATOR_ASSIGNED = table(
    "fact_facilitator_assigned", position=POSITION, stream_id=ID, member_id=ID, assigned_on=DAY
)
CONFIDENTIALITY_SIGNED = table(
    "fact_confidentiality_signed", position=POSITION, stream_id=ID, member_id=ID, signed_on=DAY
)
MEMBER_REGISTERED = table("fact_member_registered", position=POSITION, stream_id=ID, member_id=ID)
MEETING_HELD = table(
    "fact_meeting_held",
    position=POSITION,
    stream_id=ID,
    meeting_id=ID,
    group_id=ID,
    held_on=DAY,
    topic=TEXT,
    format=TEXT,
    has_airtime=FLAG,
    has_guest_speaker=FLAG,
)
MEETING_ROSTER = table(
    "fact_meeting_roster",
    position=POSITION,
    meeting_id=ID,
    member_id=ID,
    recorded_status=TEXT,
    seconds=SECONDS,
    presented=FLAG,
)
ATTENDANCE_CORRECTED = table("fact_attendance_corrected", position=POSITION, stream_id=ID, member_id=ID, status=TEXT)
MEETING_RATED = table("fact_meeting_rated", position=POSITION, stream_id=ID, member_id=ID, score=SCORE)
COMMITMENT_MADE = table(
    "fact_commitment_made",
    position=POSITION,
    stream_id=ID,
    commitment_id=ID,
    member_id=ID,
    group_id=ID,
    meeting_id=ID,
    made_on=DAY,
    due_on=DAY,
)
COMMITMENT_FOLLOWED_UP = table(
    "fact_commitment_followed_up",
    position=POSITION,
    stream_id=ID,
    meeting_id=ID,
    held_on=DAY,
    outcome=TEXT,
    new_due_on=DAY,
)


def roster_rows(p: int, s: str, e: Event) -> list[tuple]:
    """One row per roster member of a held meeting: recorded status, seconds (None: no airtime data), presented."""
    seconds, presenters, attendance, meeting = (
        e["speaking_seconds"],
        set(e["presenters"]),
        e["attendance"],
        e["meeting"],
    )
    if seconds is None:
        return [(p, meeting, m, attendance[m], None, m in presenters) for m in e["roster"]]
    return [
        (p, meeting, m, attendance[m], float(seconds[m]) if m in seconds else None, m in presenters)
        for m in e["roster"]
    ]


# -- each event type, once -------------------------------------------------------------------------
DECLARED = (
    Lands("GroupFormed", GROUP_FORMED, lambda p, s, e: [(p, s, e["group"], e["cadence"], e["formed_on"])]),
    Lands("MemberJoined", MEMBERSHIP, lambda p, s, e: [(p, s, e["member"], "joined", e["joined_on"], None)]),
    Lands("MemberLeft", MEMBERSHIP, lambda p, s, e: [(p, s, e["member"], "left", e["left_on"], e["reason"])]),
    Lands("FacilitatorAssigned", FACILITATOR_ASSIGNED, lambda p, s, e: [(p, s, e["member"], e["assigned_on"])]),
    Lands("ConfidentialitySigned", CONFIDENTIALITY_SIGNED, lambda p, s, e: [(p, s, e["member"], e["signed_on"])]),
    Lands("MemberRegistered", MEMBER_REGISTERED, lambda p, s, e: [(p, s, e["member"])]),
    Lands(
        "MeetingHeld",
        MEETING_HELD,
        lambda p, s, e: [
            (
                p,
                s,
                e["meeting"],
                e["group"],
                e["held_on"],
                e["topic"],
                e["format"],
                e["speaking_seconds"] is not None,
                e["guest_speaker"] is not None,
            )
        ],
    ),
    Lands("MeetingHeld", MEETING_ROSTER, roster_rows),
    Lands("AttendanceCorrected", ATTENDANCE_CORRECTED, lambda p, s, e: [(p, s, e["member"], e["status"])]),
    Lands("MeetingRated", MEETING_RATED, lambda p, s, e: [(p, s, e["member"], e["score"])]),
    Lands(
        "CommitmentMade",
        COMMITMENT_MADE,
        lambda p, s, e: [(p, s, e["commitment"], e["member"], e["group"], e["meeting"], e["made_on"], e["due_on"])],
    ),
    Lands(
        "CommitmentClosed",
        COMMITMENT_FOLLOWED_UP,
        lambda p, s, e: [(p, s, e["meeting"], e["held_on"], e["outcome"], None)],
    ),
    Lands(
        "CommitmentCarriedForward",
        COMMITMENT_FOLLOWED_UP,
        lambda p, s, e: [(p, s, e["meeting"], e["held_on"], "carried_forward", e["new_due_on"])],
    ),
)
# Events the warehouse counts (in event_log) but measures nothing of: who claimed an email (a keyed
# digest), which file was imported, who asked for an erasure, the names a group's exports use, and the
# bookkeeping of sending a message exactly once (claims that lapse or are let go; `MessageSent` lands).
NOT_MEASURED = frozenset(
    {
        "EmailClaimed",
        "FileImported",
        "MemberErased",
        "AliasRemembered",
        "MessagePreferencesStarted",
        "MessageClaimed",
        "MessageClaimedAgain",
        "MessageNotSent",
    }
)


# -- an undeclared event type: a table made from the event -----------------------------------------
ID_FIELDS = {"member": "member_id", "group": "group_id", "meeting": "meeting_id", "commitment": "commitment_id"}
SCALARS = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"}


def derived(event: str, cls: type) -> Lands:
    """`fact_<snake_case event>`: position, stream_id, then each scalar field of the event (a field named
    like an aggregate is its id, `member` -> `member_id`; a field ending in `_on` is a DATE), never a
    personal field (those are sealed with the member's key and stay in the event store)."""
    personal = set(PERSONAL_FIELDS.get(event, ()))
    fields: list[tuple[str, str, str]] = []  # (event field, column, type)
    for name, hint in typing.get_type_hints(cls).items():
        if name in personal or name in ("originator_id", "originator_version", "timestamp"):
            continue
        kind = SCALARS.get(_without_none(hint))
        if kind is None:
            continue  # lists and mappings need a declared shape
        fields.append((name, ID_FIELDS.get(name, name), "DATE" if name.endswith("_on") and kind == "VARCHAR" else kind))
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", event).lower()
    fact = FactTable(f"fact_{snake}", (("position", POSITION), ("stream_id", ID), *((c, t) for _, c, t in fields)))
    names = tuple(name for name, _, _ in fields)
    return Lands(event, fact, lambda p, s, e: [(p, s, *(e.get(n) for n in names))])


def _without_none(hint: Any) -> Any:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        return rest[0] if len(rest) == 1 else None
    return hint


def landings() -> tuple[Lands, ...]:
    """Every event type's landing: the declared ones, then one derived for each undeclared type."""
    declared = {lands.event for lands in DECLARED}
    undeclared = [
        derived(name, cls)
        for name, cls in sorted(event_classes().items())
        if name not in declared and name not in NOT_MEASURED
    ]
    return (*DECLARED, *undeclared)


LANDINGS = landings()
TABLES: tuple[FactTable, ...] = (EVENT_LOG, *dict.fromkeys(lands.table for lands in LANDINGS))
BY_EVENT: dict[str, tuple[Lands, ...]] = {}
for _lands in LANDINGS:
    BY_EVENT[_lands.event] = (*BY_EVENT.get(_lands.event, ()), _lands)

DDL = "\n".join(
    [
        "CREATE TABLE IF NOT EXISTS projection_state "
        "(id INTEGER PRIMARY KEY, last_position BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL);",
        *(fact.ddl() + ";" for fact in TABLES),
    ]
)


def page_rows(decoded: Iterable[tuple[int, str, str, Event]]) -> dict[FactTable, list[tuple]]:
    """The fact rows of a page of decoded events (position, stream id, type, event), table by table,
    each table's rows in log order."""
    rows: dict[FactTable, list[tuple]] = {fact: [] for fact in TABLES}
    log = rows[EVENT_LOG]
    for position, stream, topic, event in decoded:
        log.append((position, topic))
        for lands in BY_EVENT.get(topic, ()):
            rows[lands.table].extend(lands.rows(position, stream, event))
    return rows
