/*
description: >
  The group-health tiers (docs/metrics.md, "Group health") and the score each starts at. group_health reads
  its thresholds from this table, so they exist once; a dashboard draws its tier lines and orders its
  tiers from it.
grain: one row per health tier
published: true
readers: {lead: all}
key: [tier]
columns:
  tier:
    type: VARCHAR
    description: the tier's code
    checks: [not_null]
  min_score:
    type: DOUBLE
    description: >
      the lowest health score in the tier; a score is in the tier with the highest min_score it reaches
      (`high_risk` starts at 0: every score is 0–100)
    checks: [not_null, {range: [0, 100]}]
  tier_order:
    type: BIGINT
    description: "1 for `high_risk`, then `at_risk`, `fit`, 4 for `healthy`: the order the dashboards list tiers in, those needing attention first"
    checks: [not_null]
*/
SELECT tier, min_score::DOUBLE AS min_score, tier_order::BIGINT AS tier_order
FROM (VALUES
    ('high_risk',  0, 1),
    ('at_risk',   50, 2),
    ('fit',       65, 3),
    ('healthy',   80, 4)
) AS tier(tier, min_score, tier_order)
