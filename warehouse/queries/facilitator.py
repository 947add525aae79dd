"""What a facilitator prepares their group's next meeting with ("Before the next meeting", the briefing)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from warehouse.queries import Reader


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


def drifting_members(reader: Reader, group_id: str) -> pl.DataFrame:
    """Members at medium or high dropout risk, with the reasons, highest risk first."""
    return reader.query(
        "SELECT member_id, group_id, as_of, risk_score::DOUBLE AS risk_score, level, reasons, "
        "probability::DOUBLE AS probability FROM dropout_risk "
        "WHERE group_id = ? AND level IN ('high', 'medium') ORDER BY risk_score DESC, member_id",
        [group_id],
    )


def presenting(reader: Reader, group_id: str) -> pl.DataFrame:
    """Current members by how long it is since they presented, longest first."""
    return reader.query(
        "SELECT member_id, group_id, meetings_since_presented, last_presented_on FROM member_presenting "
        "WHERE group_id = ? ORDER BY meetings_since_presented DESC, last_presented_on NULLS FIRST, member_id",
        [group_id],
    )


def dominance_alerts(reader: Reader, group_id: str) -> pl.DataFrame:
    """Every dominance alert of the group, latest first; `recent` marks the last three airtime meetings."""
    return reader.query(
        "SELECT member_id, group_id, meeting_id, held_on, dominance_ratio::DOUBLE AS dominance_ratio, recent "
        "FROM dominance_alerts WHERE group_id = ? ORDER BY held_on DESC, dominance_ratio DESC",
        [group_id],
    )


def check_ins(reader: Reader, group_id: str) -> pl.DataFrame:
    """The latest check-in of each commitment of the group that has one."""
    return reader.query(
        "SELECT commitment_id, member_id, checked_in_on, progress, confidence, check_ins "
        "FROM commitment_check_ins WHERE group_id = ?",
        [group_id],
    )
