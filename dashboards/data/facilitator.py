"""What a facilitator's pages read: only the groups they facilitate, each query for one of them."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.serving import PAGES, facilitator_of_group, figures, groups_facilitated, query
from warehouse.queries import facilitator as shared

RECENT_MEETINGS = 12  # the meetings a facilitator's charts cover


@figures(groups_facilitated)
def group_overviews(publication: str, group_ids: tuple[str, ...]) -> pl.DataFrame:
    """The viewer's groups, soonest expected meeting first: cadence, last meeting and the next one."""
    return shared.group_overviews(PAGES, group_ids)


@figures(facilitator_of_group)
def commitments_due(publication: str, group_id: str, by: date) -> pl.DataFrame:
    """Open commitments of the group's current members that fall due by `by` (overdue ones included)."""
    return shared.commitments_due(PAGES, group_id, by)


@figures(facilitator_of_group)
def drifting_members(publication: str, group_id: str) -> pl.DataFrame:
    """Members at medium or high dropout risk, with the reasons, highest risk first."""
    return shared.drifting_members(PAGES, group_id)


@figures(facilitator_of_group)
def presenting(publication: str, group_id: str) -> pl.DataFrame:
    """Current members by how long it is since they presented, longest first."""
    return shared.presenting(PAGES, group_id)


@figures(facilitator_of_group)
def dominance_alerts(publication: str, group_id: str) -> pl.DataFrame:
    """Every dominance alert of the group, latest first; `recent` marks the last three airtime meetings."""
    return shared.dominance_alerts(PAGES, group_id)


@figures(facilitator_of_group)
def attendance_grid(publication: str, group_id: str, meetings: int = RECENT_MEETINGS) -> pl.DataFrame:
    """Attendance status of each roster member at the group's last `meetings` meetings."""
    return query(
        """
        WITH recent AS (SELECT meeting_id FROM meeting_summary WHERE group_id = ? ORDER BY held_on DESC LIMIT ?)
        SELECT member_id, group_id, meeting_id, held_on, status FROM meeting_attendance
        WHERE group_id = ? AND meeting_id IN (SELECT meeting_id FROM recent)
        ORDER BY held_on, member_id
        """,
        group_id,
        meetings,
        group_id,
    )


@figures(facilitator_of_group)
def meetings(publication: str, group_id: str) -> pl.DataFrame:
    """Every meeting of the group with its attendance and airtime summary, oldest first."""
    return query(
        "SELECT group_id, meeting_id, held_on, roster_size, attended, attendance_rate::DOUBLE AS attendance_rate, "
        "airtime_gini::DOUBLE AS airtime_gini, top_speaker_share::DOUBLE AS top_speaker_share "
        "FROM meeting_summary WHERE group_id = ? ORDER BY held_on",
        group_id,
    )


@figures(facilitator_of_group)
def airtime(publication: str, group_id: str, meetings: int = RECENT_MEETINGS) -> pl.DataFrame:
    """Each participant's share of the airtime at the group's last `meetings` meetings that recorded it."""
    return query(
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
        group_id,
        meetings,
        group_id,
    )


@figures(facilitator_of_group)
def commitments_made_at(publication: str, group_id: str, meeting_id: str) -> pl.DataFrame:
    """The commitments made at one of the group's meetings."""
    return query(
        "SELECT commitment_id, member_id, due_on, status FROM member_commitments "
        "WHERE group_id = ? AND meeting_id = ? ORDER BY commitment_id",
        group_id,
        meeting_id,
    )


@figures(facilitator_of_group)
def check_ins(publication: str, group_id: str) -> pl.DataFrame:
    """The latest check-in of each commitment of the group that has one."""
    return shared.check_ins(PAGES, group_id)
