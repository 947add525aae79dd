/*
description: >
  The groups' meetings held on or before the as-of date, numbered within each group in the order they
  were held: the spine that every per-meeting figure hangs off (docs/metrics.md, "Attendance" and "Airtime").
grain: one row per meeting held on or before the as-of date
published: false
partition: group_id
key: [meeting_id]
columns:
  group_id:
    type: VARCHAR
    description: the group that met
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting
    checks: [not_null]
  held_on:
    type: DATE
    description: the day it was held
    checks: [not_null]
  has_airtime:
    type: BOOLEAN
    description: the meeting recorded speaking_seconds
    checks: [not_null]
  meeting_no:
    type: BIGINT
    description: its number among the group's meetings (held_on, then position in the event log), from 1
    checks: [not_null]
  airtime_no:
    type: BIGINT
    description: >
      its number among the group's meetings that recorded airtime, for "the group's previous two meetings
      that recorded airtime"; NULL for a meeting without airtime
*/
SELECT
    group_id,
    meeting_id,
    held_on,
    has_airtime,
    row_number() OVER (PARTITION BY group_id ORDER BY held_on, position) AS meeting_no,
    CASE WHEN has_airtime THEN
        sum(has_airtime::INTEGER) OVER (PARTITION BY group_id ORDER BY held_on, position ROWS UNBOUNDED PRECEDING)
    END::BIGINT AS airtime_no
FROM fact_meeting_held
WHERE held_on <= getvariable('as_of')
