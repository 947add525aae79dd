-- One row per member: their own attendance and follow-through, over every group they have been in, for
-- the member's own page. Attendance (METRICS.md, "Attendance"): attendees (present or late) over the
-- meetings they were on the roster of, corrections applied; "recent" is their last 12 roster meetings.
-- Follow-through (METRICS.md, "Commitments"): the mean outcome_score of their commitments that have been
-- closed or are overdue, an open overdue one counting 0; commitments not yet due are left out.
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
