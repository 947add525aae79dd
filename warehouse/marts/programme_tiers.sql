/*
description: >
  How many groups were in each health tier, month by month (docs/metrics.md, "Group health").
grain: one row per month and tier that at least one group was in
published: true
readers: {lead: all}
key: [month, tier]
columns:
  month:
    type: DATE
    description: the first day of the month
    checks: [not_null]
  tier:
    type: VARCHAR
    description: the tier (`health_tiers`; its tier_order orders them)
    checks: [not_null, {references: health_tiers.tier}]
  groups:
    type: BIGINT
    description: the groups whose group_health row for that month is in the tier
    checks: [not_null]
notes: |
  A group without a health score that month (no figure known) is in no tier and is not counted.
*/
SELECT month, tier, count(*) AS groups
FROM group_health
WHERE tier IS NOT NULL
GROUP BY month, tier
