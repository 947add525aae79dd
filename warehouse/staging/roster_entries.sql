/*
description: >
  Every member on the roster of a meeting held on or before the as-of date, as hold_meeting recorded
  them (before any correction): the staging of meeting_roster facts.
grain: one row per roster member of each meeting held on or before the as-of date
published: false
partition: group_id
key: [meeting_id, member_id]
columns:
  meeting_id:
    type: VARCHAR
    description: the meeting
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: a member on its roster
    checks: [not_null]
  recorded_status:
    type: VARCHAR
    description: what hold_meeting recorded (roster members it did not list are absent)
    checks: [not_null, {accepted_values: [present, late, absent, excused]}]
  seconds:
    type: DOUBLE
    description: the speaking_seconds recorded for the member; NULL if none were
  listed_as_presenter:
    type: BOOLEAN
    description: hold_meeting listed the member among the presenters
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: the meeting's group (what a refresh rebuilds it by)
    checks: [not_null]
*/
SELECT r.meeting_id, r.member_id, r.recorded_status, r.seconds, r.presented AS listed_as_presenter, m.group_id
FROM fact_meeting_roster r
JOIN fact_meeting_held m USING (meeting_id)
WHERE m.held_on <= getvariable('as_of')
