"""What a member's pages read: their own rows, and nothing about anyone else."""

from __future__ import annotations

import polars as pl

from dashboards.data.serving import figures, oneself, query


@figures(oneself)
def memberships(publication: str, member_id: str) -> pl.DataFrame:
    """The viewer's spells in groups, current ones first."""
    return query(
        "SELECT member_id, group_id, joined_on, left_on, active FROM group_members WHERE member_id = ? "
        "ORDER BY active DESC, joined_on DESC",
        member_id,
    )


@figures(oneself)
def commitments(publication: str, member_id: str) -> pl.DataFrame:
    return query(
        "SELECT member_id, group_id, commitment_id, made_on, due_on, status, outcome_score::DOUBLE AS outcome_score, "
        "closed_on, times_carried_forward, overdue FROM member_commitments WHERE member_id = ? "
        "ORDER BY made_on DESC, commitment_id",
        member_id,
    )


@figures(oneself)
def engagement(publication: str, member_id: str) -> pl.DataFrame:
    """Always one row: the viewer's attendance and follow-through (zero counts and no rates before any)."""
    return query(
        """
        SELECT me.member_id, e.follow_through_rate, coalesce(e.commitments_counted, 0) AS counted,
               coalesce(e.commitments, 0) AS commitments, coalesce(e.open_commitments, 0) AS open,
               coalesce(e.overdue_commitments, 0) AS overdue,
               coalesce(e.carried_forward_commitments, 0) AS carried_forward,
               coalesce(e.roster_meetings, 0) AS meetings, coalesce(e.attended, 0) AS attended,
               e.attendance_rate, coalesce(e.recent_roster_meetings, 0) AS recent_meetings,
               coalesce(e.recent_attended, 0) AS recent_attended
        FROM (SELECT ?::VARCHAR AS member_id) me LEFT JOIN member_engagement e USING (member_id)
        """,
        member_id,
    )


@figures(oneself)
def attendance(publication: str, member_id: str) -> pl.DataFrame:
    """The viewer's status at every meeting they were on the roster of."""
    return query(
        "SELECT member_id, group_id, meeting_id, held_on, status, attended FROM meeting_attendance "
        "WHERE member_id = ? ORDER BY held_on",
        member_id,
    )


@figures(oneself)
def airtime(publication: str, member_id: str) -> pl.DataFrame:
    """The viewer's share of the airtime at each meeting that recorded it, beside a fair share."""
    return query(
        "SELECT member_id, group_id, meeting_id, held_on, seconds::DOUBLE AS seconds, share::DOUBLE AS share, "
        "dominance_ratio::DOUBLE AS dominance_ratio, fair_share::DOUBLE AS fair_share "
        "FROM meeting_airtime WHERE member_id = ? ORDER BY held_on",
        member_id,
    )
