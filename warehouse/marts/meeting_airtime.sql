/*
description: >
  Airtime per participant of each meeting that recorded speaking_seconds (docs/metrics.md, "Airtime"):
  share = seconds / S and dominance_ratio = share · n (1.0 = a fair share).
grain: one row per participant of each meeting that recorded speaking_seconds
published: true
contract: true
readers: {facilitator: group_id, member: member_id}
partition: group_id
key: [meeting_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group that met
    checks: [not_null]
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
    description: >
      a participant: an attendee after corrections, silent ones included. A member corrected *into*
      attendance is a participant with 0 seconds (nobody recorded them); a member corrected *out* is not
      a participant, whatever was recorded for them
    checks: [not_null, {references: fact_member_registered.member_id}]
  seconds:
    type: DOUBLE
    description: seconds spoken (0 if not listed); the last correct_airtime for the member, if any
    checks: [not_null, {range: [0, 86400]}]
    remedy: >
      a meeting's recorded seconds are impossible (an export error, a typo): record the right seconds with
      correct_airtime for the meeting and members the sample names (docs/import-format.md), then
      materialize again
  share:
    type: DOUBLE
    description: seconds / S, S = the participants' total; NULL when S = 0
    checks: [{range: [0, 1]}]
    remedy: >
      a meeting's recorded seconds are impossible (an export error, a typo): record the right seconds with
      correct_airtime for the meeting and members the sample names (docs/import-format.md), then
      materialize again
  dominance_ratio:
    type: DOUBLE
    description: >
      share · n, n = participants (1.0 = a fair share); computed as seconds·n/S so an exact 2.0 stays
      exactly 2.0; NULL when S = 0
    checks: [{range: [0, null]}]
    remedy: >
      a meeting's recorded seconds are impossible (an export error, a typo): record the right seconds with
      correct_airtime for the meeting and members the sample names (docs/import-format.md), then
      materialize again
  fair_share:
    type: DOUBLE
    description: 1 / n, n = the meeting's participants (the share each would have if everyone spoke equally)
    extra: true
    checks: [not_null, {range: [0, 1]}]
notes: |
  A meeting without `speaking_seconds` has no rows here.
*/
WITH corrected AS (
    SELECT meeting_id, member_id, arg_max(seconds, position) AS seconds FROM airtime_corrections GROUP BY ALL
),
participant AS (
    SELECT a.group_id, a.meeting_id, a.held_on, a.member_id, coalesce(c.seconds, r.seconds, 0)::DOUBLE AS seconds
    FROM meeting_attendance a
    JOIN meetings m USING (meeting_id)
    JOIN roster_entries r USING (meeting_id, member_id)
    LEFT JOIN corrected c USING (meeting_id, member_id)
    WHERE m.has_airtime AND a.attended
),
with_meeting_totals AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY meeting_id) AS participants,
        sum(seconds) OVER (PARTITION BY meeting_id) AS total_seconds
    FROM participant
)
SELECT
    group_id,
    meeting_id,
    held_on,
    member_id,
    seconds,
    CASE WHEN total_seconds > 0 THEN seconds / total_seconds END AS share,
    -- seconds * n / S rather than share * n: exact whenever the true ratio is, so 2.0 stays 2.0
    CASE WHEN total_seconds > 0 THEN seconds * participants / total_seconds END AS dominance_ratio,
    (1 / participants)::DOUBLE AS fair_share
FROM with_meeting_totals
