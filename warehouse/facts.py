"""The warehouse's base: the fact tables, and how each kind of event lands in them.

One declaration per event type says which fact table its rows land in and how a row is built from the
event; each table declares its columns with their DuckDB types once, and the DDL is derived from that.
Every row carries the event's `position` in the log, so the facts always hold exactly the events up to
`projection_state.last_position` (see pipelines/projection.py).

A row is built in SQL, by DuckDB, from the event's JSON: each declaration names the fields it reads and
the type each is read as, and DuckDB parses them once per event (`json_transform`), many events at a
time, beside the Python that reads and decrypts the next page. Most declarations are one row per event,
a column per field (`one_row`); a meeting's roster is one row per member on it (`MEETING_ROSTER`).

An event type that nobody declared lands in a table made from the event itself (`fact_<event name>`,
its scalar fields, personal ones never), so recording a new kind of event needs no change here; declare
one only to reshape its rows. Pseudonymous by construction: ids, dates, statuses and figures.

`event_log` holds every event's position, type and stream: the checks count it, and the incremental
refresh finds from it which groups new events touched (pipelines/refresh.py).
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.model import PERSONAL_FIELDS, event_classes

POSITION, ID, TEXT, DAY, FLAG, SECONDS, SCORE = "BIGINT", "VARCHAR", "VARCHAR", "DATE", "BOOLEAN", "DOUBLE", "INTEGER"


def _json_type(kind: str) -> object:
    """A DuckDB type as json_transform's structure spells it (a list type is a one-element list)."""
    return [_json_type(kind[:-2])] if kind.endswith("[]") else kind


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class FactTable:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, DuckDB type), in order

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def type_of(self, column: str) -> str:
        return dict(self.columns)[column]

    def ddl(self) -> str:
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(f'{n} {t}' for n, t in self.columns)})"


def table(name: str, **columns: str) -> FactTable:
    return FactTable(name, tuple(columns.items()))


@dataclass(frozen=True)
class Lands:
    """Events of type `event` land in `table`, as the rows `select` makes from `events`: one row per
    event of that type with its `position`, `stream_id`, and `e`, a struct of the event's `fields`
    (name -> the DuckDB type it is read as; a field the event lacks, or holds null, is NULL)."""

    event: str
    table: FactTable
    fields: tuple[tuple[str, str], ...]
    select: str  # a SELECT ... FROM events that makes the table's columns, in order

    def insert_sql(self, page: str = "page") -> str:
        """The INSERT that lands this event type's events of `page` (position, stream_id, topic, and
        payload: the event's JSON as UTF-8 bytes)."""
        spec = json.dumps({name: _json_type(kind) for name, kind in self.fields})
        columns = ", ".join(self.table.column_names)
        return (
            f"INSERT INTO {self.table.name} ({columns}) "
            f"WITH events AS (SELECT position, stream_id, json_transform(decode(payload), {_quote(spec)}) AS e "
            f"FROM {page} WHERE topic = {_quote(self.event)}) {self.select}"
        )


@dataclass(frozen=True)
class Expr:
    """A column computed in SQL from the event's fields (`e."field"`), which it names with their types."""

    sql: str
    fields: Mapping[str, str]


def literal(value: str | None) -> Expr:
    return Expr("NULL" if value is None else _quote(value), {})


def one_row(event: str, fact: FactTable, **columns: str | Expr) -> Lands:
    """One row per event: `position` and `stream_id` as stored, every other column either the event
    field it names (read as the column's type) or an `Expr`."""
    fields: dict[str, str] = {}
    select = []
    for column in fact.column_names:
        if column in ("position", "stream_id") and column not in columns:
            select.append(column)
            continue
        source = columns[column]
        if isinstance(source, Expr):
            fields.update(source.fields)
            select.append(source.sql)
        else:
            fields[source] = fact.type_of(column)
            select.append(f'e."{source}"')
    if set(columns) - set(fact.column_names):
        raise ValueError(
            f"{event}: {fact.name} has no column {', '.join(sorted(set(columns) - set(fact.column_names)))}"
        )
    return Lands(event, fact, tuple(fields.items()), f"SELECT {', '.join(select)} FROM events")


# -- the fact tables -------------------------------------------------------------------------------
EVENT_LOG = table("event_log", position=POSITION, topic=TEXT, stream_id=ID)  # every event: the checks, the refresh
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

# One row per roster member of a held meeting: recorded status, seconds (NULL: no airtime data, or none
# recorded for them), presented.
ROSTER = Lands(
    "MeetingHeld",
    MEETING_ROSTER,
    (
        ("meeting", "VARCHAR"),
        ("roster", "VARCHAR[]"),
        ("attendance", "MAP(VARCHAR, VARCHAR)"),
        ("speaking_seconds", "MAP(VARCHAR, DOUBLE)"),
        ("presenters", "VARCHAR[]"),
    ),
    "SELECT position, e.meeting, member, e.attendance[member], e.speaking_seconds[member], "
    "list_contains(e.presenters, member) FROM events, unnest(e.roster) AS roster(member)",
)

# -- each event type, once -------------------------------------------------------------------------
DECLARED = (
    one_row("GroupFormed", GROUP_FORMED, group_id="group", cadence="cadence", formed_on="formed_on"),
    one_row(
        "MemberJoined",
        MEMBERSHIP,
        member_id="member",
        change=literal("joined"),
        changed_on="joined_on",
        reason=literal(None),
    ),
    one_row(
        "MemberLeft", MEMBERSHIP, member_id="member", change=literal("left"), changed_on="left_on", reason="reason"
    ),
    one_row("FacilitatorAssigned", FACILITATOR_ASSIGNED, member_id="member", assigned_on="assigned_on"),
    one_row("ConfidentialitySigned", CONFIDENTIALITY_SIGNED, member_id="member", signed_on="signed_on"),
    one_row("MemberRegistered", MEMBER_REGISTERED, member_id="member"),
    one_row(
        "MeetingHeld",
        MEETING_HELD,
        meeting_id="meeting",
        group_id="group",
        held_on="held_on",
        topic="topic",
        format="format",
        has_airtime=Expr("e.speaking_seconds IS NOT NULL", {"speaking_seconds": "JSON"}),
        has_guest_speaker=Expr("e.guest_speaker IS NOT NULL", {"guest_speaker": "JSON"}),
    ),
    ROSTER,
    one_row("AttendanceCorrected", ATTENDANCE_CORRECTED, member_id="member", status="status"),
    one_row("MeetingRated", MEETING_RATED, member_id="member", score="score"),
    one_row(
        "CommitmentMade",
        COMMITMENT_MADE,
        commitment_id="commitment",
        member_id="member",
        group_id="group",
        meeting_id="meeting",
        made_on="made_on",
        due_on="due_on",
    ),
    one_row(
        "CommitmentClosed",
        COMMITMENT_FOLLOWED_UP,
        meeting_id="meeting",
        held_on="held_on",
        outcome="outcome",
        new_due_on=literal(None),
    ),
    one_row(
        "CommitmentCarriedForward",
        COMMITMENT_FOLLOWED_UP,
        meeting_id="meeting",
        held_on="held_on",
        outcome=literal("carried_forward"),
        new_due_on="new_due_on",
    ),
)
# Events the warehouse counts (in event_log) but measures nothing of: who claimed an email (a keyed
# digest), which file was imported, who asked for an erasure, the names a group's exports use, and the
# bookkeeping of sending a message exactly once (claims that lapse or are let go; `MessageSent` lands), and
# the sign-in sessions that were ended (domain.sessions).
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
        "SessionsEnded",
        "SessionsEndedAgain",
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
    return one_row(event, fact, **{column: name for name, column, _ in fields})


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
# Where each stream's group is recorded: the fact tables that carry both (a group's own stream, and each
# meeting's and commitment's). Events on a stream none of them names (a member's) belong to no group.
STREAM_GROUPS: tuple[FactTable, ...] = tuple(
    fact for fact in TABLES if {"stream_id", "group_id"} <= set(fact.column_names)
)

DDL = "\n".join(
    [
        "CREATE TABLE IF NOT EXISTS projection_state "
        "(id INTEGER PRIMARY KEY, last_position BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL);",
        *(fact.ddl() + ";" for fact in TABLES),
    ]
)
LOG_SQL = (
    f"INSERT INTO {EVENT_LOG.name} ({', '.join(EVENT_LOG.column_names)}) SELECT position, topic, stream_id FROM page"
)
