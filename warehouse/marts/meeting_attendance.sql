/*
description: >
  Each meeting's status for each member on its roster: the last correct_attendance for it, else what
  hold_meeting said (docs/metrics.md, "Attendance").
grain: one row per roster member of each meeting held on or before the as-of date
published: true
contract: true
readers: {facilitator: group_id, member: member_id}
partition: group_id
key: [meeting_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group that met
    checks: [not_null, {references: fact_group_formed.group_id}]
  meeting_id:
    type: VARCHAR
    description: the meeting
    checks: [not_null, {references: fact_meeting_held.meeting_id}]
  held_on:
    type: DATE
    description: the day it was held
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: a member on its roster
    checks: [not_null, {references: fact_member_registered.member_id}]
  status:
    type: VARCHAR
    description: >
      `present`, `late`, `absent` or `excused`: the last `correct_attendance` for this member at this
      meeting, else what `hold_meeting` recorded (roster members it did not list are `absent`)
    checks: [not_null, {accepted_values: [present, late, absent, excused]}]
  attended:
    type: BOOLEAN
    description: status is `present` or `late`
    extra: true
    checks: [not_null]
  presented:
    type: BOOLEAN
    description: >
      listed among the meeting's presenters **and** still an attendee after corrections (a presenter
      corrected to absent did not present)
    extra: true
    checks: [not_null]
*/
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
