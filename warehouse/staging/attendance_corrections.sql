-- Every correct_attendance of a meeting held on or before the as-of date (a correction goes with its
-- meeting), with its position in the event log: the last one recorded wins.
SELECT m.meeting_id, c.member_id, c.status, c.position
FROM fact_attendance_corrected c
JOIN fact_meeting_held m USING (stream_id)
WHERE m.held_on <= getvariable('as_of')
