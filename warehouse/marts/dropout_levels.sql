/*
description: >
  The dropout-risk levels (docs/metrics.md, "Dropout risk") and where each starts: on the calibrated
  probability of dropping out within 90 days, and, while the programme has too little history to fit
  one, on the share of the last 6 meetings missed. dropout_risk and dropout_evaluation read them from
  here, so they exist once; the facilitator's check-in list is the members at medium or high.
grain: one row per level
published: true
readers: {lead: all}
key: [level]
columns:
  level:
    type: VARCHAR
    description: "`high`, `medium` or `low`"
    checks: [not_null, {accepted_values: [high, medium, low]}]
  min_probability:
    type: DOUBLE
    description: the lowest probability of dropping out within 90 days at this level
    checks: [not_null, {range: [0, 1]}]
  min_absence_rate:
    type: DOUBLE
    description: >
      without enough history to fit a probability: the lowest share of the last 6 roster meetings
      missed at this level
    checks: [not_null, {range: [0, 1]}]
  level_order:
    type: BIGINT
    description: 1 for `high`, 2 `medium`, 3 `low`, the order the pages list them in
    checks: [not_null]
notes: |
  Why these cuts, and what they cost in check-ins per facilitator and month: docs/metrics.md,
  "Dropout risk", "Evidence".
*/
SELECT level, min_probability::DOUBLE AS min_probability, min_absence_rate::DOUBLE AS min_absence_rate,
       level_order::BIGINT AS level_order
FROM (VALUES
    ('high',   0.20, 0.80, 1),
    ('medium', 0.08, 0.50, 2),
    ('low',    0.00, 0.00, 3)
) AS level(level, min_probability, min_absence_rate, level_order)
