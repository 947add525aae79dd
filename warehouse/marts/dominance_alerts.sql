/*
description: >
  Dominance alerts (docs/metrics.md, "Airtime"): raised for (group, member, meeting m) when the member's
  dominance_ratio is ≥ 2.0 at m and also at one or more of the group's previous two meetings that
  recorded airtime.
grain: one row per (group, member, meeting) alert
published: true
contract: true
readers: {facilitator: group_id}
partition: group_id
key: [meeting_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: the member who dominated
    checks: [not_null, {references: fact_member_registered.member_id}]
  meeting_id:
    type: VARCHAR
    description: the meeting m the alert is raised at
    checks: [not_null, {references: fact_meeting_held.meeting_id}]
  held_on:
    type: DATE
    description: the day of m
    checks: [not_null]
  dominance_ratio:
    type: DOUBLE
    description: the member's dominance_ratio at m
    checks: [not_null, {range: [2, null]}]
  recent:
    type: BOOLEAN
    description: m is one of the group's last 3 meetings that recorded airtime (on or before the as-of date)
    extra: true
    checks: [not_null]
notes: |
  "The group's previous two airtime meetings" are counted on the group's meetings with
  `speaking_seconds`, whether or not the member attended them: a meeting the member missed is still one
  of the two, and does not satisfy the rule. Meetings without airtime are skipped over. `recent` counts
  the group's airtime meetings the same way.
*/
WITH dominant_turn AS (
    SELECT a.group_id, a.member_id, a.meeting_id, a.held_on, a.dominance_ratio, m.airtime_no
    FROM meeting_airtime a
    JOIN meetings m USING (meeting_id)
    WHERE a.dominance_ratio >= 2.0
),
with_previous_dominant_turn AS (
    SELECT
        *,
        lag(airtime_no) OVER (PARTITION BY group_id, member_id ORDER BY airtime_no) AS previous_airtime_no
    FROM dominant_turn
),
latest_airtime_meeting AS (
    SELECT group_id, max(airtime_no) AS airtime_no FROM meetings GROUP BY group_id
)
SELECT t.group_id, t.member_id, t.meeting_id, t.held_on, t.dominance_ratio, t.airtime_no > l.airtime_no - 3 AS recent
FROM with_previous_dominant_turn t
JOIN latest_airtime_meeting l USING (group_id)
WHERE t.airtime_no - t.previous_airtime_no <= 2
