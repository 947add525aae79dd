-- One row per roster member of each meeting held on or before the as-of date, with the meeting's
-- status for that member: the last correct_attendance for it, else what hold_meeting said
-- (METRICS.md, "Attendance").
WITH latest_correction AS (
    SELECT h.meeting_id, c.member_id, arg_max(c.status, c.position) AS status
    FROM fact_attendance_corrected c
    JOIN fact_meeting_held h USING (stream_id)
    GROUP BY ALL
)
SELECT
    h.group_id,
    h.meeting_id,
    h.held_on,
    r.member_id,
    coalesce(c.status, r.recorded_status) AS status
FROM fact_meeting_held h
JOIN fact_meeting_roster r USING (meeting_id)
LEFT JOIN latest_correction c USING (meeting_id, member_id)
WHERE h.held_on <= getvariable('as_of')
