/*
description: >
  How often each active member presented over the last twelve months: of the group's meetings they were
  on the roster of, the share at which they presented. A facilitator balances who gets the floor with it.
grain: one row per active membership
published: true
readers: {facilitator: group_id}
partition: group_id
key: [group_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group of an active membership
    checks: [not_null, {references: fact_group_formed.group_id}]
  member_id:
    type: VARCHAR
    description: the member
    checks: [not_null, {references: fact_member_registered.member_id}]
  roster_meetings_12m:
    type: BIGINT
    description: the group's meetings held in the twelve months up to the as-of date (after the day twelve months before it) with the member on the roster
    checks: [not_null, {range: [0, null]}]
  presented_12m:
    type: BIGINT
    description: of those, the meetings at which they presented (listed as a presenter and still an attendee after corrections)
    checks: [not_null, {range: [0, null]}]
  presenting_rate:
    type: DOUBLE
    description: presented_12m / roster_meetings_12m; NULL when they were on no roster in the twelve months
    checks: [{range: [0, 1]}]
*/
WITH last_twelve_months AS (
    SELECT
        group_id,
        member_id,
        count(*) AS roster_meetings,
        count(*) FILTER (WHERE presented) AS presented
    FROM meeting_attendance
    WHERE held_on > getvariable('as_of') - INTERVAL 12 MONTH
    GROUP BY group_id, member_id
)
SELECT
    m.group_id,
    m.member_id,
    coalesce(t.roster_meetings, 0)::BIGINT AS roster_meetings_12m,
    coalesce(t.presented, 0)::BIGINT AS presented_12m,
    CASE WHEN t.roster_meetings > 0 THEN t.presented / t.roster_meetings END::DOUBLE AS presenting_rate
FROM memberships m
LEFT JOIN last_twelve_months t USING (group_id, member_id)
WHERE m.active
