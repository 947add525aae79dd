/*
description: >
  The groups formed on or before the as-of date, with how many members are active in each, when it last
  met and when its cadence says it meets next.
grain: one row per group formed on or before the as-of date
published: true
readers: {lead: all, facilitator: group_id, admin: all}
partition: group_id
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
  next_meeting_on:
    type: DATE
    description: >
      the meeting its cadence implies next: last_held_on + 7 days (weekly), 14 days (biweekly), 1 month
      (monthly) or 3 months (quarterly), a month on from the 31st being the month's last day; NULL if it
      has not met
notes: |
  `next_meeting_on` is what the cadence implies, not a meeting anyone scheduled: it may lie before the
  as-of date when a group has missed one.
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
    l.last_held_on,
    (l.last_held_on + CASE g.cadence
        WHEN 'weekly' THEN INTERVAL 7 DAY
        WHEN 'biweekly' THEN INTERVAL 14 DAY
        WHEN 'monthly' THEN INTERVAL 1 MONTH
        WHEN 'quarterly' THEN INTERVAL 3 MONTH
    END)::DATE AS next_meeting_on
FROM group_formations g
LEFT JOIN active_count a USING (group_id)
LEFT JOIN last_meeting l USING (group_id)
