/*
description: >
  How many members each group lost in the six months after each month of group_health (docs/metrics.md,
  "Group health", the evidence): the outcome the health score and its components are validated against.
grain: one row per group_health row whose six months after it end on or before the as-of date
published: false
refresh: daily
key: [group_id, month]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  month:
    type: DATE
    description: the month of the group_health row
    checks: [not_null]
  losses_6m:
    type: BIGINT
    description: >
      spells of the group that ended `dropped_out` or `removed` after the month's last day and on or before
      the last day of the sixth month after it
    checks: [not_null, {range: [0, null]}]
notes: |
  A month is validated only once its six months have passed (the last day of month + 6 months on or
  before the as-of date), so every outcome is known. A loss is a dropout in the house's sense (retention,
  retention_12m): `dropped_out` or `removed`; both cost the group a member.
*/
WITH window_end AS (
    SELECT group_id, month, last_day(month) AS month_end, last_day((month + INTERVAL 6 MONTH)::DATE) AS until
    FROM group_health
    WHERE last_day((month + INTERVAL 6 MONTH)::DATE) <= getvariable('as_of')
)
SELECT
    w.group_id,
    w.month,
    count(s.member_id)::BIGINT AS losses_6m
FROM window_end w
LEFT JOIN memberships s
  ON s.group_id = w.group_id
 AND s.leave_reason IN ('dropped_out', 'removed')
 AND s.left_on > w.month_end
 AND s.left_on <= w.until
GROUP BY w.group_id, w.month
