/*
description: >
  The health score's components and their weights (docs/metrics.md, "Group health"). group_health reads
  its weights from this table, so they exist once; health_validation publishes, beside each, how well it
  foretold later losses.
grain: one row per component of the health score
published: true
readers: {lead: all}
key: [component]
columns:
  component:
    type: VARCHAR
    description: the component, a column of group_health without its `_component` suffix
    checks: [not_null, {accepted_values: [attendance, follow_through, airtime_balance, retention, rating]}]
  weight:
    type: DOUBLE
    description: "its weight in the health score (0: shown beside the score, not in it)"
    checks: [not_null, {range: [0, 1]}]
  component_order:
    type: BIGINT
    description: the order the pages list the components in
    checks: [not_null]
notes: |
  The weights were 0.25, 0.25, 0.20, 0.15, 0.15 until issue 12. Validated against "2 or more dropouts
  in the next 6 months" (docs/metrics.md, "Group health", the evidence), attendance and rating carry
  what the components foretell; follow-through and airtime balance add nothing measurable and are
  down-weighted to 0.1; retention adds nothing, is unknown for groups under a year old, and is dropped
  from the score (weight 0) while still shown.
*/
SELECT component, weight::DOUBLE AS weight, component_order::BIGINT AS component_order
FROM (VALUES
    ('attendance',      0.4, 1),
    ('follow_through',  0.1, 2),
    ('airtime_balance', 0.1, 3),
    ('retention',       0.0, 4),
    ('rating',          0.4, 5)
) AS weight(component, weight, component_order)
