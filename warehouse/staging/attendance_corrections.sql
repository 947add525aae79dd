/*
description: >
  Every correct_attendance of a meeting held on or before the as-of date, with its position in the
  event log (the last one recorded wins): the staging of attendance_corrected facts. A correction carries
  no date of its own: it goes with its meeting.
grain: one row per attendance correction of a meeting held on or before the as-of date
published: false
partition: group_id
key: [meeting_id, member_id, position]
columns:
  meeting_id:
    type: VARCHAR
    description: the meeting corrected
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: the member whose status was corrected
    checks: [not_null]
  status:
    type: VARCHAR
    description: the status it was corrected to
    checks: [not_null, {accepted_values: [present, late, absent, excused]}]
  position:
    type: BIGINT
    description: the correction's position in the event log
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: the meeting's group (what a refresh rebuilds it by)
    checks: [not_null]
*/
SELECT m.meeting_id, c.member_id, c.status, c.position, m.group_id
FROM fact_attendance_corrected c
JOIN fact_meeting_held m USING (stream_id)
WHERE m.held_on <= getvariable('as_of')
