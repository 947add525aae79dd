/*
description: >
  Each member's own attendance and follow-through, over every group they have been in, for the member's
  own page.
grain: one row per member with a roster meeting or a commitment
published: true
readers: {member: member_id}
partition: member_id
key: [member_id]
columns:
  member_id:
    type: VARCHAR
    description: the member
    checks: [not_null, {references: fact_member_registered.member_id}]
  roster_meetings:
    type: BIGINT
    description: meetings they were on the roster of (held on or before the as-of date)
    checks: [not_null]
  attended:
    type: BIGINT
    description: >
      of those, the ones they attended (present or late, corrections applied) — docs/metrics.md "Attendance"
    checks: [not_null]
  attendance_rate:
    type: DOUBLE
    description: attended / roster_meetings
    checks: [{range: [0, 1]}]
  recent_roster_meetings:
    type: BIGINT
    description: roster_meetings over their last 12 roster meetings
    checks: [not_null]
  recent_attended:
    type: BIGINT
    description: attended over their last 12 roster meetings
    checks: [not_null]
  commitments:
    type: BIGINT
    description: commitments they made at meetings held on or before the as-of date
    checks: [not_null]
  commitments_counted:
    type: BIGINT
    description: those closed, or open and overdue (due before the as-of date)
    checks: [not_null]
  follow_through_rate:
    type: DOUBLE
    description: >
      mean outcome_score over the counted ones, an open overdue one counting 0 (docs/metrics.md "Commitments",
      applied to one member instead of a group-month); NULL when none is counted
    checks: [{range: [0, 1]}]
  open_commitments:
    type: BIGINT
    description: open now
    checks: [not_null]
  overdue_commitments:
    type: BIGINT
    description: open and overdue
    checks: [not_null]
  carried_forward_commitments:
    type: BIGINT
    description: carried forward at least once
    checks: [not_null]
*/
WITH attendance AS (
    SELECT
        member_id,
        status IN ('present', 'late') AS attended,
        row_number() OVER (PARTITION BY member_id ORDER BY held_on DESC, meeting_id DESC) <= 12 AS recent
    FROM meeting_attendance
),
attendance_summary AS (
    SELECT
        member_id,
        count(*) AS roster_meetings,
        count(*) FILTER (WHERE attended) AS attended,
        count(*) FILTER (WHERE recent) AS recent_roster_meetings,
        count(*) FILTER (WHERE recent AND attended) AS recent_attended
    FROM attendance
    GROUP BY member_id
),
commitment_summary AS (
    SELECT
        member_id,
        count(*) AS commitments,
        count(*) FILTER (WHERE status <> 'open' OR overdue) AS commitments_counted,
        avg(coalesce(outcome_score, 0)) FILTER (WHERE status <> 'open' OR overdue) AS follow_through_rate,
        count(*) FILTER (WHERE status = 'open') AS open_commitments,
        count(*) FILTER (WHERE overdue) AS overdue_commitments,
        count(*) FILTER (WHERE times_carried_forward > 0) AS carried_forward_commitments
    FROM member_commitments
    GROUP BY member_id
)
SELECT
    member_id,
    coalesce(a.roster_meetings, 0)::BIGINT AS roster_meetings,
    coalesce(a.attended, 0)::BIGINT AS attended,
    (a.attended / nullif(a.roster_meetings, 0))::DOUBLE AS attendance_rate,
    coalesce(a.recent_roster_meetings, 0)::BIGINT AS recent_roster_meetings,
    coalesce(a.recent_attended, 0)::BIGINT AS recent_attended,
    coalesce(c.commitments, 0)::BIGINT AS commitments,
    coalesce(c.commitments_counted, 0)::BIGINT AS commitments_counted,
    c.follow_through_rate::DOUBLE AS follow_through_rate,
    coalesce(c.open_commitments, 0)::BIGINT AS open_commitments,
    coalesce(c.overdue_commitments, 0)::BIGINT AS overdue_commitments,
    coalesce(c.carried_forward_commitments, 0)::BIGINT AS carried_forward_commitments
FROM attendance_summary a
FULL OUTER JOIN commitment_summary c USING (member_id)
