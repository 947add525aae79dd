/*
description: >
  Each meeting's attendance and airtime (docs/metrics.md, "Attendance" and "Airtime"): roster size,
  attendees, attendance_rate = attendees / roster size, and for meetings that recorded airtime the
  population Gini of the participants' seconds and the top speaker's share.
grain: one row per meeting held on or before the as-of date
published: true
contract: true
readers: {facilitator: group_id}
partition: group_id
key: [meeting_id]
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
  roster_size:
    type: BIGINT
    description: >
      members on the roster: every member whose membership was active that day, whatever their status
      (an `excused` member is on the roster). 0 if nobody was
    checks: [not_null]
  attended:
    type: BIGINT
    description: >
      roster members whose final status is `present` or `late` (the last `correct_attendance` for them,
      else what `hold_meeting` recorded)
    checks: [not_null]
  attendance_rate:
    type: DOUBLE
    description: attended / roster_size; NULL when the roster was empty
    checks: [{range: [0, 1]}]
  airtime_gini:
    type: DOUBLE
    description: >
      population Gini of the participants' seconds (see `meeting_airtime` for who participates),
      Σᵢ Σⱼ |sᵢ − sⱼ| / (2·n²·mean), computed in O(n log n) as 2·Σ i·s₍ᵢ₎ / (n·S) − (n+1)/n with s
      ascending; NULL if the meeting recorded no airtime, or n < 2, or S = 0
    checks: [{range: [0, 1]}]
    remedy: >
      a meeting's recorded seconds are impossible (an export error, a typo): record the right seconds with
      correct_airtime for the meeting and members the sample names (docs/import-format.md), then
      materialize again
  top_speaker_share:
    type: DOUBLE
    description: the largest participant's share of the seconds; NULL without airtime or when S = 0; 1.0 for a lone speaker
    checks: [{range: [0, 1]}]
    remedy: >
      a meeting's recorded seconds are impossible (an export error, a typo): record the right seconds with
      correct_airtime for the meeting and members the sample names (docs/import-format.md), then
      materialize again
  has_airtime:
    type: BOOLEAN
    description: the meeting recorded `speaking_seconds`
    extra: true
    checks: [not_null]
*/
WITH roster AS (
    SELECT
        meeting_id,
        count(*)::BIGINT AS roster_size,
        count(*) FILTER (WHERE attended)::BIGINT AS attended
    FROM meeting_attendance
    GROUP BY meeting_id
),
speaker_in_order AS (
    SELECT meeting_id, seconds, share, row_number() OVER (PARTITION BY meeting_id ORDER BY seconds) AS i
    FROM meeting_airtime
),
airtime AS (
    SELECT
        meeting_id,
        count(*)::DOUBLE AS n,
        sum(seconds)::DOUBLE AS total_seconds,
        sum(i * seconds)::DOUBLE AS rank_weighted_seconds,
        max(share) AS top_speaker_share
    FROM speaker_in_order
    GROUP BY meeting_id
)
SELECT
    m.group_id,
    m.meeting_id,
    m.held_on,
    coalesce(r.roster_size, 0)::BIGINT AS roster_size,
    coalesce(r.attended, 0)::BIGINT AS attended,
    CASE WHEN r.roster_size > 0 THEN r.attended / r.roster_size END::DOUBLE AS attendance_rate,
    CASE WHEN a.n >= 2 AND a.total_seconds > 0 THEN
        greatest(0.0, 2 * a.rank_weighted_seconds / (a.n * a.total_seconds) - (a.n + 1) / a.n)
    END AS airtime_gini,
    a.top_speaker_share,
    m.has_airtime
FROM meetings m
LEFT JOIN roster r USING (meeting_id)
LEFT JOIN airtime a USING (meeting_id)
