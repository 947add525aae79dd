/*
description: >
  Every rate_meeting score for a meeting held on or before the as-of date (a rating goes with its
  meeting): the staging of meeting_rated facts. Read by group_health (docs/metrics.md, "Ratings") and the
  low_ratings signal.
grain: one row per rating of a meeting held on or before the as-of date
published: false
partition: group_id
key: [meeting_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group that met
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting rated
    checks: [not_null]
  held_on:
    type: DATE
    description: the day it was held
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: who rated it
    checks: [not_null]
  score:
    type: INTEGER
    description: the score given, 0 to 10
    checks: [not_null, {range: [0, 10]}]
*/
SELECT m.group_id, m.meeting_id, m.held_on, r.member_id, r.score
FROM fact_meeting_rated r
JOIN fact_meeting_held m USING (stream_id)
WHERE m.held_on <= getvariable('as_of')
