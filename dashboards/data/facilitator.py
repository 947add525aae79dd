"""What a facilitator's pages read: only the groups they facilitate, each query for one of them."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.serving import facilitator_of_group, figures, groups_facilitated, query

RECENT_MEETINGS = 12  # the meetings a facilitator's charts cover


@figures(groups_facilitated)
def group_overviews(publication: str, group_ids: tuple[str, ...]) -> pl.DataFrame:
    """The viewer's groups, soonest expected meeting first: cadence, last meeting and the next one."""
    return query(
        """
        SELECT g.group_id, g.cadence, g.formed_on, g.active_members, g.last_held_on, g.next_meeting_on,
               s.roster_size AS last_roster_size, s.attended AS last_attended
        FROM groups g
        LEFT JOIN meeting_summary s ON s.group_id = g.group_id AND s.held_on = g.last_held_on
        WHERE g.group_id IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY g.group_id ORDER BY s.meeting_id DESC) = 1
        ORDER BY g.next_meeting_on NULLS LAST, g.group_id
        """,
        list(group_ids),
    )


@figures(facilitator_of_group)
def commitments_due(publication: str, group_id: str, by: date) -> pl.DataFrame:
    """Open commitments of the group's current members that fall due by `by` (overdue ones included)."""
    return query(
        """
        SELECT c.member_id, c.group_id, c.commitment_id, c.made_on, c.due_on, c.times_carried_forward, c.overdue
        FROM member_commitments c
        WHERE c.group_id = ? AND c.status = 'open' AND c.due_on <= ?
          AND EXISTS (SELECT 1 FROM group_members m
                      WHERE m.group_id = c.group_id AND m.member_id = c.member_id AND m.active)
        ORDER BY c.due_on, c.made_on, c.commitment_id
        """,
        group_id,
        by,
    )


@figures(facilitator_of_group)
def drifting_members(publication: str, group_id: str) -> pl.DataFrame:
    """Members at medium or high dropout risk, with the reasons, highest risk first."""
    return query(
        "SELECT member_id, group_id, as_of, risk_score::DOUBLE AS risk_score, level, reasons, "
        "probability::DOUBLE AS probability FROM dropout_risk "
        "WHERE group_id = ? AND level IN ('high', 'medium') ORDER BY risk_score DESC, member_id",
        group_id,
    )


@figures(facilitator_of_group)
def presenting(publication: str, group_id: str) -> pl.DataFrame:
    """Current members by how long it is since they presented, longest first."""
    return query(
        "SELECT member_id, group_id, meetings_since_presented, last_presented_on FROM member_presenting "
        "WHERE group_id = ? ORDER BY meetings_since_presented DESC, last_presented_on NULLS FIRST, member_id",
        group_id,
    )


@figures(facilitator_of_group)
def dominance_alerts(publication: str, group_id: str) -> pl.DataFrame:
    """Every dominance alert of the group, latest first; `recent` marks the last three airtime meetings."""
    return query(
        "SELECT member_id, group_id, meeting_id, held_on, dominance_ratio::DOUBLE AS dominance_ratio, recent "
        "FROM dominance_alerts WHERE group_id = ? ORDER BY held_on DESC, dominance_ratio DESC",
        group_id,
    )


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
