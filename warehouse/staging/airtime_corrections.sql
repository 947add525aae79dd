/*
description: >
  Every correct_airtime of a meeting held on or before the as-of date, with its position in the event log
  (the last one recorded wins): the staging of airtime_corrected facts. Like an attendance correction, it
  carries no date of its own: it goes with its meeting.
grain: one row per airtime correction of a meeting held on or before the as-of date
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
    description: the member whose seconds were corrected
    checks: [not_null]
  seconds:
    type: DOUBLE
    description: the seconds they really spoke
    checks: [not_null, {range: [0, 86400]}]
  position:
    type: BIGINT
    description: the correction's position in the event log
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: the meeting's group (what a refresh rebuilds it by)
    checks: [not_null]
*/
SELECT m.meeting_id, c.member_id, c.seconds, c.position, m.group_id
FROM fact_airtime_corrected c
JOIN fact_meeting_held m USING (stream_id)
WHERE m.held_on <= getvariable('as_of')
