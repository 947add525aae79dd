/*
description: >
  Dominance alerts (docs/metrics.md, "Airtime"): raised for (group, member, meeting m) when the member,
  not presenting at m, took twice a fair share or more there (dominance_ratio ≥ 2.0), and at 2 or more of
  their last 3 airtime meetings at which they did not present (m included): a habit, not one meeting,
  and never the meeting at which they brought a challenge.
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
  dominant_of_last_3:
    type: BIGINT
    description: >
      of the member's last 3 airtime meetings at which they did not present (m and the 2 before it), how
      many they took twice a fair share or more at: 2 or 3
    extra: true
    checks: [not_null, {range: [2, 3]}]
notes: |
  "Their airtime meetings" are the meetings with `speaking_seconds` the member attended, where their
  ratio is defined (S > 0), in this group; a meeting at which they presented (listed as a presenter and
  still an attendee after corrections) is passed over, neither counting for nor against them: a
  presenter holds the floor while the group works on their challenge. Meetings they missed, or that
  recorded no airtime, are skipped. `recent` counts the group's airtime meetings.

  Until issue 12 the rule was "≥ 2.0 at m and at one of the group's two previous airtime meetings",
  presenting or not: it alerted on a third of the groups with no dominant speaker, mostly at meetings
  where that member presented (docs/metrics.md, "Airtime", the evidence).
*/
WITH turn AS (
    -- the member's airtime meetings at which they did not present, in order
    SELECT a.group_id, a.member_id, a.meeting_id, a.held_on, a.dominance_ratio, m.airtime_no
    FROM meeting_airtime a
    JOIN meetings m USING (meeting_id)
    JOIN meeting_attendance t USING (meeting_id, member_id)
    WHERE a.dominance_ratio IS NOT NULL AND NOT t.presented
),
pattern AS (
    SELECT
        *,
        count(*) FILTER (WHERE dominance_ratio >= 2.0)
            OVER (PARTITION BY group_id, member_id ORDER BY airtime_no ROWS 2 PRECEDING) AS dominant_of_last_3
    FROM turn
),
latest_airtime_meeting AS (
    SELECT group_id, max(airtime_no) AS airtime_no FROM meetings GROUP BY group_id
)
SELECT
    p.group_id,
    p.member_id,
    p.meeting_id,
    p.held_on,
    p.dominance_ratio,
    p.airtime_no > l.airtime_no - 3 AS recent,
    p.dominant_of_last_3::BIGINT AS dominant_of_last_3
FROM pattern p
JOIN latest_airtime_meeting l USING (group_id)
WHERE p.dominance_ratio >= 2.0 AND p.dominant_of_last_3 >= 2
