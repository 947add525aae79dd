"""What a facilitator's pages read, each query for one of their groups; and `next_meeting`, the one read
model of "Before the next meeting" that the briefing renders too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from warehouse.queries import Reader, Role, Scope, reads

RECENT_MEETINGS = 12  # the meetings a facilitator's charts cover
PRESENT_NEXT = 5  # members "Invite to present" lists


@reads(Role.FACILITATOR, "groups", "meeting_summary", scope=Scope.GROUPS)
def group_overviews(reader: Reader, group_ids: Sequence[str]) -> pl.DataFrame:
    """These groups, soonest expected meeting first: cadence, last meeting and the next one."""
    return reader.query(
        """
        SELECT g.group_id, g.cadence, g.formed_on, g.active_members, g.last_held_on, g.next_meeting_on,
               s.roster_size AS last_roster_size, s.attended AS last_attended
        FROM groups g
        LEFT JOIN meeting_summary s ON s.group_id = g.group_id AND s.held_on = g.last_held_on
        WHERE g.group_id IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY g.group_id ORDER BY s.meeting_id DESC) = 1
        ORDER BY g.next_meeting_on NULLS LAST, g.group_id
        """,
        [list(group_ids)],
    )


@reads(Role.FACILITATOR, "member_commitments", "group_members", scope=Scope.GROUP)
def commitments_due(reader: Reader, group_id: str, by: date) -> pl.DataFrame:
    """Open commitments of the group's current members that fall due by `by` (overdue ones included)."""
    return reader.query(
        """
        SELECT c.member_id, c.group_id, c.commitment_id, c.made_on, c.due_on, c.times_carried_forward, c.overdue
        FROM member_commitments c
        WHERE c.group_id = ? AND c.status = 'open' AND c.due_on <= ?
          AND EXISTS (SELECT 1 FROM group_members m
                      WHERE m.group_id = c.group_id AND m.member_id = c.member_id AND m.active)
        ORDER BY c.due_on, c.made_on, c.commitment_id
        """,
        [group_id, by],
    )


@reads(Role.FACILITATOR, "dropout_risk", scope=Scope.GROUP)
def drifting_members(reader: Reader, group_id: str) -> pl.DataFrame:
    """Members at medium or high dropout risk, with the reasons, highest risk first."""
    return reader.query(
        "SELECT member_id, group_id, as_of, risk_score::DOUBLE AS risk_score, level, reasons, "
        "probability::DOUBLE AS probability FROM dropout_risk "
        "WHERE group_id = ? AND level IN ('high', 'medium') ORDER BY risk_score DESC, member_id",
        [group_id],
    )


@reads(Role.FACILITATOR, "member_presenting", "member_presenting_rate", scope=Scope.GROUP)
def presenting(reader: Reader, group_id: str) -> pl.DataFrame:
    """Current members by how long it is since they presented, longest first, with how often they
    presented at the meetings they were on the roster of in the last twelve months."""
    return reader.query(
        "SELECT p.member_id, p.group_id, p.meetings_since_presented, p.last_presented_on, "
        "r.presenting_rate::DOUBLE AS presenting_rate "
        "FROM member_presenting p LEFT JOIN member_presenting_rate r USING (group_id, member_id) "
        "WHERE p.group_id = ? "
        "ORDER BY p.meetings_since_presented DESC, p.last_presented_on NULLS FIRST, p.member_id",
        [group_id],
    )


@reads(Role.FACILITATOR, "dominance_alerts", scope=Scope.GROUP)
def dominance_alerts(reader: Reader, group_id: str) -> pl.DataFrame:
    """Every dominance alert of the group, latest first; `recent` marks the last three airtime meetings."""
    return reader.query(
        "SELECT member_id, group_id, meeting_id, held_on, dominance_ratio::DOUBLE AS dominance_ratio, recent "
        "FROM dominance_alerts WHERE group_id = ? ORDER BY held_on DESC, dominance_ratio DESC",
        [group_id],
    )


@reads(Role.FACILITATOR, "commitment_check_ins", scope=Scope.GROUP)
def check_ins(reader: Reader, group_id: str) -> pl.DataFrame:
    """The latest check-in of each commitment of the group that has one."""
    return reader.query(
        "SELECT commitment_id, member_id, checked_in_on, progress, confidence, check_ins "
        "FROM commitment_check_ins WHERE group_id = ?",
        [group_id],
    )


@reads(Role.FACILITATOR, "meeting_summary", "meeting_attendance", scope=Scope.GROUP)
def attendance_grid(reader: Reader, group_id: str, meetings: int = RECENT_MEETINGS) -> pl.DataFrame:
    """Attendance status of each roster member at the group's last `meetings` meetings."""
    return reader.query(
        """
        WITH recent AS (SELECT meeting_id FROM meeting_summary WHERE group_id = ? ORDER BY held_on DESC LIMIT ?)
        SELECT member_id, group_id, meeting_id, held_on, status FROM meeting_attendance
        WHERE group_id = ? AND meeting_id IN (SELECT meeting_id FROM recent)
        ORDER BY held_on, member_id
        """,
        [group_id, meetings, group_id],
    )


@reads(Role.FACILITATOR, "meeting_summary", scope=Scope.GROUP)
def meetings(reader: Reader, group_id: str) -> pl.DataFrame:
    """Every meeting of the group with its attendance and airtime summary, oldest first."""
    return reader.query(
        "SELECT group_id, meeting_id, held_on, roster_size, attended, attendance_rate::DOUBLE AS attendance_rate, "
        "airtime_gini::DOUBLE AS airtime_gini, top_speaker_share::DOUBLE AS top_speaker_share "
        "FROM meeting_summary WHERE group_id = ? ORDER BY held_on",
        [group_id],
    )


@reads(Role.FACILITATOR, "meeting_airtime", scope=Scope.GROUP)
def airtime(reader: Reader, group_id: str, meetings: int = RECENT_MEETINGS) -> pl.DataFrame:
    """Each participant's share of the airtime at the group's last `meetings` meetings that recorded it."""
    return reader.query(
        """
        WITH recent AS (
            SELECT DISTINCT meeting_id, held_on FROM meeting_airtime WHERE group_id = ? ORDER BY held_on DESC LIMIT ?
        )
        SELECT member_id, group_id, meeting_id, held_on, seconds::DOUBLE AS seconds, share::DOUBLE AS share,
               dominance_ratio::DOUBLE AS dominance_ratio
        FROM meeting_airtime
        WHERE group_id = ? AND meeting_id IN (SELECT meeting_id FROM recent)
        ORDER BY held_on, member_id
        """,
        [group_id, meetings, group_id],
    )


@reads(Role.FACILITATOR, "member_commitments", scope=Scope.GROUP)
def commitments_made_at(reader: Reader, group_id: str, meeting_id: str) -> pl.DataFrame:
    """The commitments made at one of the group's meetings."""
    return reader.query(
        "SELECT commitment_id, member_id, due_on, status FROM member_commitments "
        "WHERE group_id = ? AND meeting_id = ? ORDER BY commitment_id",
        [group_id, meeting_id],
    )


# -- "Before the next meeting", the page and the briefing -------------------------------------------
@dataclass(frozen=True)
class CheckedIn:
    on: date
    progress: str
    confidence: int


@dataclass(frozen=True)
class FollowUp:
    member_id: str
    commitment_id: str
    due_on: date
    made_on: date
    overdue: bool
    times_carried_forward: int
    checked_in: CheckedIn | None  # the member's latest word since, between meetings


@dataclass(frozen=True)
class AtRisk:
    member_id: str
    level: str  # high | medium
    risk_score: float | None
    probability: float | None
    reasons: str


@dataclass(frozen=True)
class Presenter:
    member_id: str
    meetings_since_presented: int
    last_presented_on: date | None
    presenting_rate: float | None  # presented at this share of their meetings in the last twelve months


@dataclass(frozen=True)
class TookTheFloor:
    member_id: str
    dominance_ratio: float
    held_on: date


@dataclass(frozen=True)
class NextMeeting:
    """Everything "Before the next meeting" shows about one group, as ids and figures: the page renders it
    with the names its viewer may see, and the briefing renders the same object with the same names."""

    group_id: str
    cadence: str
    meeting_on: date | None  # the day the next meeting is expected (never before `today`); None: never met
    last_held_on: date | None
    last_attended: int | None
    last_roster_size: int | None
    active_members: int
    follow_ups: tuple[FollowUp, ...]
    check_in_with: tuple[AtRisk, ...]
    present_next: tuple[Presenter, ...]  # the PRESENT_NEXT longest since presenting
    took_the_floor: tuple[TookTheFloor, ...]  # the recent alerts: the last three meetings with airtime

    @property
    def overdue(self) -> int:
        return sum(f.overdue for f in self.follow_ups)

    @property
    def high_risk(self) -> int:
        return sum(r.level == "high" for r in self.check_in_with)

    @property
    def airtime_alerts(self) -> int:
        return len({t.member_id for t in self.took_the_floor})

    @property
    def member_ids(self) -> set[str]:
        """Everyone it names: the names a renderer needs."""
        rows = (*self.follow_ups, *self.check_in_with, *self.present_next, *self.took_the_floor)
        return {row.member_id for row in rows}


@reads(
    Role.FACILITATOR,
    "groups",
    "meeting_summary",
    "member_commitments",
    "group_members",
    "commitment_check_ins",
    "dropout_risk",
    "member_presenting",
    "member_presenting_rate",
    "dominance_alerts",
    scope=Scope.GROUP,
)
def next_meeting(reader: Reader, group_id: str, today: date) -> NextMeeting | None:
    """The group's next meeting as its facilitator prepares it; None for a group not published."""
    overview = group_overviews(reader, [group_id])
    if overview.is_empty():
        return None
    group = overview.row(0, named=True)
    meeting_on = max(group["next_meeting_on"] or today, today) if group["last_held_on"] is not None else None
    latest = {r["commitment_id"]: r for r in check_ins(reader, group_id).iter_rows(named=True)}
    follow_ups = []
    if meeting_on is not None:
        for row in commitments_due(reader, group_id, meeting_on).iter_rows(named=True):
            checked = latest.get(row["commitment_id"])
            follow_ups.append(
                FollowUp(
                    row["member_id"],
                    row["commitment_id"],
                    row["due_on"],
                    row["made_on"],
                    bool(row["overdue"]),
                    row["times_carried_forward"],
                    CheckedIn(checked["checked_in_on"], checked["progress"], checked["confidence"])
                    if checked
                    else None,
                )
            )
    at_risk = tuple(
        AtRisk(r["member_id"], r["level"], r["risk_score"], r["probability"], r["reasons"])
        for r in drifting_members(reader, group_id).iter_rows(named=True)
    )
    presenters = tuple(
        Presenter(r["member_id"], r["meetings_since_presented"], r["last_presented_on"], r["presenting_rate"])
        for r in presenting(reader, group_id).head(PRESENT_NEXT).iter_rows(named=True)
    )
    floor = tuple(
        TookTheFloor(r["member_id"], r["dominance_ratio"], r["held_on"])
        for r in dominance_alerts(reader, group_id).filter(pl.col("recent")).iter_rows(named=True)
    )
    return NextMeeting(
        group_id=group_id,
        cadence=group["cadence"],
        meeting_on=meeting_on,
        last_held_on=group["last_held_on"],
        last_attended=group["last_attended"],
        last_roster_size=group["last_roster_size"],
        active_members=group["active_members"],
        follow_ups=tuple(follow_ups),
        check_in_with=at_risk,
        present_next=presenters,
        took_the_floor=floor,
    )
