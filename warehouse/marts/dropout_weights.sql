/*
description: >
  The dropout-risk signals in use, each with its reason code and weight (docs/metrics.md, "Dropout risk"), in
  the order of the table there. The risk score reads its weights from this table, so the published weights
  are the ones in use.
grain: one row per dropout-risk signal
published: true
readers: {lead: all}
key: [reason]
columns:
  reason:
    type: VARCHAR
    description: the reason code
    checks: [not_null]
  weight:
    type: DOUBLE
    description: its weight
    checks: [not_null, {range: [0, 1]}]
  weight_3_or_more:
    type: DOUBLE
    description: >
      for `consecutive_absences` only: the weight when 3 or more were missed in a row (0.55); NULL for the
      others
    checks: [{range: [0, 1]}]
  table_order:
    type: BIGINT
    description: "its row in the table of docs/metrics.md: the tie-break for ordering reasons"
    checks: [not_null]
notes: |
  docs/metrics.md: weights may change only when a held-out backtest improves (`dropout_backtest`).
*/
SELECT
    reason,
    weight::DOUBLE AS weight,
    weight_3_or_more::DOUBLE AS weight_3_or_more,
    table_order::BIGINT AS table_order
FROM (VALUES
    ('consecutive_absences', 0.35, 0.55, 1),
    ('early_no_show',        0.20, NULL, 2),
    ('low_attendance',       0.15, NULL, 3),
    ('missed_commitments',   0.20, NULL, 4),
    ('going_quiet',          0.10, NULL, 5),
    ('low_ratings',          0.10, NULL, 6)
) AS signal(reason, weight, weight_3_or_more, table_order)
