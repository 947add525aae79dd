/*
description: >
  The groups formed on or before the as-of date, with how many members are active in each and when it
  last met.
grain: one row per group formed on or before the as-of date
published: true
readers: {lead: all, facilitator: group_id}
key: [group_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null, {references: fact_group_formed.group_id}]
  cadence:
    type: VARCHAR
    description: "`weekly`, `biweekly`, `monthly` or `quarterly`"
    checks: [not_null, {accepted_values: [weekly, biweekly, monthly, quarterly]}]
  formed_on:
    type: DATE
    description: the day it was formed
    checks: [not_null]
  active_members:
    type: BIGINT
    description: memberships active on the as-of date
    checks: [not_null]
  last_held_on:
    type: DATE
    description: its latest meeting on or before the as-of date; NULL if it has not met
*/
WITH active_count AS (
    SELECT group_id, count(*)::BIGINT AS active_members FROM memberships WHERE active GROUP BY group_id
),
last_meeting AS (
    SELECT group_id, max(held_on) AS last_held_on FROM meetings GROUP BY group_id
)
SELECT
    g.group_id,
    g.cadence,
    g.formed_on,
    coalesce(a.active_members, 0)::BIGINT AS active_members,
    l.last_held_on
FROM group_formations g
LEFT JOIN active_count a USING (group_id)
LEFT JOIN last_meeting l USING (group_id)
