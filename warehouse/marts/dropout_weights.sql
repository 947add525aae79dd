-- The dropout-risk signals in use, each with its reason code and weight (METRICS.md, "Dropout risk"),
-- in the order of the table there (the tie-break for ordering reasons). consecutive_absences weighs
-- weight_3_or_more instead when the member missed 3 or more roster meetings in a row.
-- Weights may change only when a held-out backtest improves (dropout_backtest).
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
