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
notes: |
  The cuts were 50, 65 and 80 until issue 12. They are now where, on synthetic programmes, the lowest
  tenth of group-months (high_risk), the next fifth (at_risk), the next two fifths (fit) and the top
  three tenths (healthy) of the reweighted score begin; health_validation shows how often each tier's
  groups lost 2 or more members in the next 6 months, on this programme's own history.
*/
SELECT tier, min_score::DOUBLE AS min_score, tier_order::BIGINT AS tier_order
FROM (VALUES
    ('high_risk',  0, 1),
    ('at_risk',   73, 2),
    ('fit',       79, 3),
    ('healthy',   86, 4)
) AS tier(tier, min_score, tier_order)
