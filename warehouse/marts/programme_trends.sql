/*
description: >
  The spread of the groups' monthly figures across the programme: for each month, the median group and
  the middle half of the groups (docs/metrics.md, "Attendance" and "Commitments", month figures of
  group_health).
grain: one row per month and figure that at least one group has a value for
published: true
readers: {lead: all}
key: [month, figure]
columns:
  month:
    type: DATE
    description: the first day of the month
    checks: [not_null]
  figure:
    type: VARCHAR
    description: the group_health column summarised
    checks: [not_null, {accepted_values: [attendance_rate, follow_through_rate]}]
  lower_quartile:
    type: DOUBLE
    description: the 25th percentile of the groups' values that month (interpolated, `quantile_cont`)
    checks: [not_null, {range: [0, 1]}]
  median:
    type: DOUBLE
    description: the median of the groups' values that month
    checks: [not_null, {range: [0, 1]}]
  upper_quartile:
    type: DOUBLE
    description: the 75th percentile of the groups' values that month (interpolated)
    checks: [not_null, {range: [0, 1]}]
  groups:
    type: BIGINT
    description: the groups with a value that month (a group whose figure is NULL, no data, is left out)
    checks: [not_null]
*/
WITH figure_value AS (
    SELECT month, 'attendance_rate' AS figure, attendance_rate AS value FROM group_health
    UNION ALL
    SELECT month, 'follow_through_rate', follow_through_rate FROM group_health
)
SELECT
    month,
    figure,
    quantile_cont(value, 0.25) AS lower_quartile,
    median(value) AS median,
    quantile_cont(value, 0.75) AS upper_quartile,
    count(value) AS groups
FROM figure_value
GROUP BY month, figure
HAVING count(value) > 0
