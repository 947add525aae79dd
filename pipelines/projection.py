"""The catch-up: events after the last processed position become fact rows, exactly once.

Each page of events is decoded, turned into rows for the fact tables (warehouse/schema.sql), and
written together with the page's last position in a single DuckDB transaction. A crash at any
instant leaves either the whole page or none of it, and the next run starts after the last page that
committed, so the facts always equal a clean rebuild up to `projection_state.last_position`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from pipelines.event_source import PAGE_SIZE, EventSource
from warehouse.db import crash_if_asked, scalar

# table -> its columns, in order, with polars types for building the page's frames
FACT_COLUMNS: dict[str, dict[str, Any]] = {
    "event_log": {"position": pl.Int64, "topic": pl.Utf8},
    "fact_group_formed": {"position": pl.Int64, "stream_id": pl.Utf8, "group_id": pl.Utf8, "cadence": pl.Utf8, "formed_on": pl.Utf8},
    "fact_membership": {"position": pl.Int64, "stream_id": pl.Utf8, "member_id": pl.Utf8, "change": pl.Utf8,
                        "changed_on": pl.Utf8, "reason": pl.Utf8},
    "fact_facilitator_assigned": {"position": pl.Int64, "stream_id": pl.Utf8, "member_id": pl.Utf8, "assigned_on": pl.Utf8},
    "fact_confidentiality_signed": {"position": pl.Int64, "stream_id": pl.Utf8, "member_id": pl.Utf8, "signed_on": pl.Utf8},
    "fact_member_registered": {"position": pl.Int64, "stream_id": pl.Utf8, "member_id": pl.Utf8},
    "fact_meeting_held": {"position": pl.Int64, "stream_id": pl.Utf8, "meeting_id": pl.Utf8, "group_id": pl.Utf8,
                          "held_on": pl.Utf8, "topic": pl.Utf8, "format": pl.Utf8, "has_airtime": pl.Boolean,
                          "has_guest_speaker": pl.Boolean},
    "fact_meeting_roster": {"position": pl.Int64, "meeting_id": pl.Utf8, "member_id": pl.Utf8, "recorded_status": pl.Utf8,
                            "seconds": pl.Float64, "presented": pl.Boolean},
    "fact_attendance_corrected": {"position": pl.Int64, "stream_id": pl.Utf8, "member_id": pl.Utf8, "status": pl.Utf8},
    "fact_meeting_rated": {"position": pl.Int64, "stream_id": pl.Utf8, "member_id": pl.Utf8, "score": pl.Int32},
    "fact_commitment_made": {"position": pl.Int64, "stream_id": pl.Utf8, "commitment_id": pl.Utf8, "member_id": pl.Utf8,
                             "group_id": pl.Utf8, "meeting_id": pl.Utf8, "made_on": pl.Utf8, "due_on": pl.Utf8},
    "fact_commitment_followed_up": {"position": pl.Int64, "stream_id": pl.Utf8, "meeting_id": pl.Utf8, "held_on": pl.Utf8,
                                    "outcome": pl.Utf8, "new_due_on": pl.Utf8},
}


@dataclass
class PageRows:
    """The fact rows of one page, table by table."""

    tables: dict[str, list[tuple]] = field(default_factory=lambda: {name: [] for name in FACT_COLUMNS})

    def add(self, position: int, stream: str, topic: str, e: dict[str, Any]) -> None:
        t = self.tables
        t["event_log"].append((position, topic))
        if topic == "MeetingHeld":
            seconds = e["speaking_seconds"]
            presenters = set(e["presenters"])
            t["fact_meeting_held"].append((position, stream, e["meeting"], e["group"], e["held_on"], e["topic"], e["format"],
                                           seconds is not None, e["guest_speaker"] is not None))
            roster = t["fact_meeting_roster"]
            for member in e["roster"]:
                spoke = None if seconds is None else seconds.get(member)
                roster.append((position, e["meeting"], member, e["attendance"][member],
                               None if spoke is None else float(spoke), member in presenters))
        elif topic == "MeetingRated":
            t["fact_meeting_rated"].append((position, stream, e["member"], e["score"]))
        elif topic == "CommitmentMade":
            t["fact_commitment_made"].append((position, stream, e["commitment"], e["member"], e["group"], e["meeting"],
                                              e["made_on"], e["due_on"]))
        elif topic == "CommitmentClosed":
            t["fact_commitment_followed_up"].append((position, stream, e["meeting"], e["held_on"], e["outcome"], None))
        elif topic == "CommitmentCarriedForward":
            t["fact_commitment_followed_up"].append((position, stream, e["meeting"], e["held_on"], "carried_forward",
                                                     e["new_due_on"]))
        elif topic == "AttendanceCorrected":
            t["fact_attendance_corrected"].append((position, stream, e["member"], e["status"]))
        elif topic == "MemberJoined":
            t["fact_membership"].append((position, stream, e["member"], "joined", e["joined_on"], None))
        elif topic == "MemberLeft":
            t["fact_membership"].append((position, stream, e["member"], "left", e["left_on"], e["reason"]))
        elif topic == "GroupFormed":
            t["fact_group_formed"].append((position, stream, e["group"], e["cadence"], e["formed_on"]))
        elif topic == "MemberRegistered":
            t["fact_member_registered"].append((position, stream, e["member"]))
        elif topic == "FacilitatorAssigned":
            t["fact_facilitator_assigned"].append((position, stream, e["member"], e["assigned_on"]))
        elif topic == "ConfidentialitySigned":
            t["fact_confidentiality_signed"].append((position, stream, e["member"], e["signed_on"]))
        # EmailClaimed and FileImported carry nothing the warehouse measures; event_log counts them.


def frames(rows: PageRows) -> dict[str, pl.DataFrame]:
    return {
        name: pl.DataFrame(data, schema=FACT_COLUMNS[name], orient="row")
        for name, data in rows.tables.items()
        if data
    }


def last_position(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "SELECT last_position FROM projection_state WHERE id = 1") or 0


def write_page(con: duckdb.DuckDBPyConnection, rows: PageRows, position: int) -> None:
    """Append a page's rows and move the position, atomically."""
    con.execute("BEGIN TRANSACTION")
    try:
        for name, frame in frames(rows).items():
            con.register("page_rows", frame)
            columns = ", ".join(FACT_COLUMNS[name])
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM page_rows")
            con.unregister("page_rows")
            crash_if_asked(f"page-{position}-after-{name}")
        con.execute(
            "INSERT OR REPLACE INTO projection_state VALUES (1, ?, now()::TIMESTAMP)", [position]
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@dataclass
class CatchUp:
    start_position: int
    end_position: int
    events: int = 0
    pages: int = 0


def catch_up(
    con: duckdb.DuckDBPyConnection,
    source: EventSource,
    page_size: int | None = None,
    on_page: Callable[[CatchUp], None] | None = None,
) -> CatchUp:
    """Project every event after the last processed position, page by page."""
    page_size = page_size or int(os.environ.get("PEERPULSE_PAGE_SIZE") or PAGE_SIZE)
    start = last_position(con)
    target = source.max_position()
    result = CatchUp(start_position=start, end_position=start)
    for page in source.pages(after=start, up_to=target, limit=page_size):
        rows = PageRows()
        for position, stream, topic, state in source.decode(page):
            rows.add(position, stream, topic, state)
        write_page(con, rows, page[-1].position)
        result.end_position = page[-1].position
        result.events += len(page)
        result.pages += 1
        if on_page:
            on_page(result)
    return result
