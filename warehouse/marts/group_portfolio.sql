/*
description: >
  The programme lead's portfolio: each group's latest month of health, its health over the last twelve
  months, how many of its members are at high or medium dropout risk (counted, never named), and the
  order in which groups need attention.
grain: one row per group with a group_health row (a group that has not met has none)
published: true
readers: {lead: all}
key: [group_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null, {references: fact_group_formed.group_id}]
  month:
    type: DATE
    description: the group's latest month in group_health (the latest month in which it held a meeting)
    checks: [not_null]
  tier:
    type: VARCHAR
    description: group_health's tier that month; NULL when no figure is known
    checks: [{references: health_tiers.tier}]
  health_score:
    type: DOUBLE
    description: group_health's health score that month
    checks: [{range: [0, 100]}]
  attendance_rate:
    type: DOUBLE
    description: group_health's attendance_rate that month
    checks: [{range: [0, 1]}]
  follow_through_rate:
    type: DOUBLE
    description: group_health's follow_through_rate that month
    checks: [{range: [0, 1]}]
  airtime_gini:
    type: DOUBLE
    description: group_health's airtime_gini that month
    checks: [{range: [0, 1]}]
  retention_12m:
    type: DOUBLE
    description: group_health's retention_12m that month
    checks: [{range: [0, 1]}]
  avg_rating:
    type: DOUBLE
    description: group_health's avg_rating that month
    checks: [{range: [0, 10]}]
  health_trend:
    type: DOUBLE[]
    description: >
      the group's health scores, rounded to 1 decimal, in month order, over its group_health months in the
      12 months up to the programme's latest month (that month and the 11 before it); a month with no
      score is NULL in the list; NULL if the group has no month in that span
  high_risk_members:
    type: BIGINT
    description: its active members whose dropout_risk level is `high`
    checks: [not_null]
  medium_risk_members:
    type: BIGINT
    description: its active members whose dropout_risk level is `medium`
    checks: [not_null]
  active_members:
    type: BIGINT
    description: memberships active on the as-of date (`groups`)
    checks: [not_null]
  attention_rank:
    type: BIGINT
    description: >
      1 for the group needing attention first: groups with no tier first, then by tier (`health_tiers`'
      tier_order: high_risk, at_risk, fit, healthy), then by health_score (NULL first, lowest first), then
      by group_id
    checks: [not_null]
  previous_month:
    type: DATE
    description: the group's month in group_health before `month` (the one before its latest); NULL if it has none
  previous_tier:
    type: VARCHAR
    description: >
      group_health's tier in previous_month (NULL when there is no such month or no figure was known then):
      the tier changed when it is not the same as tier
    checks: [{references: health_tiers.tier}]
notes: |
  "The programme's latest month" is the latest month of any group in `group_health`, so a group that has
  stopped meeting shows a shorter trend, or none. Closed groups (no active members) are listed too; a
  page can leave them out on `active_members`.
*/
WITH by_recency AS (
    SELECT *, row_number() OVER (PARTITION BY group_id ORDER BY month DESC) AS recency FROM group_health
),
latest AS (
    SELECT * FROM by_recency WHERE recency = 1
),
previous AS (
    SELECT group_id, month AS previous_month, tier AS previous_tier FROM by_recency WHERE recency = 2
),
trend AS (
    SELECT group_id, list(round(health_score, 1) ORDER BY month) AS health_trend
    FROM group_health
    WHERE month > (SELECT max(month) FROM group_health) - INTERVAL 12 MONTH
    GROUP BY group_id
),
risk AS (
    SELECT
        group_id,
        count(*) FILTER (WHERE level = 'high') AS high_risk_members,
        count(*) FILTER (WHERE level = 'medium') AS medium_risk_members
    FROM dropout_risk
    GROUP BY group_id
)
SELECT
    l.group_id,
    l.month,
    l.tier,
    l.health_score,
    l.attendance_rate,
    l.follow_through_rate,
    l.airtime_gini,
    l.retention_12m,
    l.avg_rating,
    t.health_trend,
    coalesce(r.high_risk_members, 0)::BIGINT AS high_risk_members,
    coalesce(r.medium_risk_members, 0)::BIGINT AS medium_risk_members,
    coalesce(g.active_members, 0)::BIGINT AS active_members,
    row_number() OVER (ORDER BY h.tier_order NULLS FIRST, l.health_score NULLS FIRST, l.group_id) AS attention_rank,
    p.previous_month,
    p.previous_tier
FROM latest l
LEFT JOIN trend t USING (group_id)
LEFT JOIN risk r USING (group_id)
LEFT JOIN groups g USING (group_id)
LEFT JOIN health_tiers h ON h.tier = l.tier
LEFT JOIN previous p USING (group_id)
