-- One row per roster member of each meeting held on or before the as-of date, with the meeting's
-- status for that member: the last correct_attendance for it, else what hold_meeting said
-- (METRICS.md, "Attendance"). `attended` = present or late; `presented` = listed as a presenter and
-- still an attendee after corrections.
WITH latest_correction AS (
    SELECT meeting_id, member_id, arg_max(status, position) AS status
    FROM attendance_corrections
    GROUP BY ALL
),
final_status AS (
    SELECT
        m.group_id,
        m.meeting_id,
        m.held_on,
        r.member_id,
        coalesce(c.status, r.recorded_status) AS status,
        r.listed_as_presenter
    FROM meetings m
    JOIN roster_entries r USING (meeting_id)
    LEFT JOIN latest_correction c ON c.meeting_id = m.meeting_id AND c.member_id = r.member_id
)
SELECT
    group_id,
    meeting_id,
    held_on,
    member_id,
    status,
    status IN ('present', 'late') AS attended,
    listed_as_presenter AND status IN ('present', 'late') AS presented
FROM final_status
