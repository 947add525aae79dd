"""What a member's pages read: their own rows, and nothing about anyone else; and, for the sender, every
member's commitments falling due, each nudged only to its own member."""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.queries import Reader, Role, Scope, reads


@reads(Role.MEMBER, "group_members", scope=Scope.MEMBER)
def memberships(reader: Reader, member_id: str) -> pl.DataFrame:
    """The member's spells in groups, current ones first."""
    return reader.query(
        "SELECT member_id, group_id, joined_on, left_on, active FROM group_members WHERE member_id = ? "
        "ORDER BY active DESC, joined_on DESC",
        [member_id],
    )


@reads(Role.MEMBER, "member_commitments", scope=Scope.MEMBER)
def commitments(reader: Reader, member_id: str) -> pl.DataFrame:
    return reader.query(
        "SELECT member_id, group_id, commitment_id, made_on, due_on, status, outcome_score::DOUBLE AS outcome_score, "
        "closed_on, times_carried_forward, overdue FROM member_commitments WHERE member_id = ? "
        "ORDER BY made_on DESC, commitment_id",
        [member_id],
    )


@reads(Role.MEMBER, "commitment_check_ins", scope=Scope.MEMBER)
def check_ins(reader: Reader, member_id: str) -> pl.DataFrame:
    """The latest check-in of each of the member's commitments that has one."""
    return reader.query(
        "SELECT commitment_id, member_id, group_id, checked_in_on, progress, confidence, check_ins "
        "FROM commitment_check_ins WHERE member_id = ? ORDER BY commitment_id",
        [member_id],
    )


@reads(Role.MEMBER, "member_engagement", scope=Scope.MEMBER)
def engagement(reader: Reader, member_id: str) -> pl.DataFrame:
    """Always one row: the member's attendance and follow-through (zero counts and no rates before any)."""
    return reader.query(
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
        [member_id],
    )


@reads(Role.MEMBER, "meeting_attendance", scope=Scope.MEMBER)
def attendance(reader: Reader, member_id: str) -> pl.DataFrame:
    """The member's status at every meeting they were on the roster of."""
    return reader.query(
        "SELECT member_id, group_id, meeting_id, held_on, status, attended FROM meeting_attendance "
        "WHERE member_id = ? ORDER BY held_on",
        [member_id],
    )


@reads(Role.MEMBER, "meeting_airtime", scope=Scope.MEMBER)
def airtime(reader: Reader, member_id: str) -> pl.DataFrame:
    """The member's share of the airtime at each meeting that recorded it, beside a fair share."""
    return reader.query(
        "SELECT member_id, group_id, meeting_id, held_on, seconds::DOUBLE AS seconds, share::DOUBLE AS share, "
        "dominance_ratio::DOUBLE AS dominance_ratio, fair_share::DOUBLE AS fair_share "
        "FROM meeting_airtime WHERE member_id = ? ORDER BY held_on",
        [member_id],
    )


@reads(Role.SYSTEM, "member_commitments", "commitment_check_ins", "group_members", scope=Scope.EVERYONE)
def commitments_falling_due(reader: Reader, first: date, last: date) -> pl.DataFrame:
    """Every open commitment of a current member of its group whose due date lies from `first` to `last`
    (both included), with the day of its latest check-in (NULL: none), by member and due date."""
    return reader.query(
        """
        SELECT c.member_id, c.group_id, c.commitment_id, c.made_on, c.due_on, c.times_carried_forward,
               k.checked_in_on AS last_checked_in_on
        FROM member_commitments c
        LEFT JOIN commitment_check_ins k USING (commitment_id)
        WHERE c.status = 'open' AND c.due_on BETWEEN ? AND ?
          AND EXISTS (SELECT 1 FROM group_members m
                      WHERE m.group_id = c.group_id AND m.member_id = c.member_id AND m.active)
        ORDER BY c.member_id, c.due_on, c.commitment_id
        """,
        [first, last],
    )
