/*
description: >
  Kaplan–Meier retention (docs/metrics.md, "Retention and dropout") by scope (the programme, each group) and
  cohort (all, each quarter of joining), at month marks k·30.4375 days for k = 0, 1, 2, ...
grain: one row per scope, cohort and month mark
published: true
contract: true
readers: {lead: all}
key: [scope, cohort, month]
columns:
  scope:
    type: VARCHAR
    description: "`programme`, or a group id"
    checks: [not_null]
  cohort:
    type: VARCHAR
    description: "`all`, or the quarter of joined_on, e.g. `2025Q1` (only quarters with spells in that scope)"
    checks: [not_null]
  month:
    type: BIGINT
    description: the mark k = 0, 1, 2, …; mark k is k·30.4375 days into a spell
    checks: [not_null]
  at_risk:
    type: BIGINT
    description: spells lasting at least the mark
    checks: [not_null]
  dropouts:
    type: BIGINT
    description: >
      dropouts (spells ending `dropped_out` or `removed`) whose duration lies in (mark k−1, mark k]; at
      k = 0, those of 0 days
    checks: [not_null]
  survival:
    type: DOUBLE
    description: >
      Kaplan–Meier Ŝ at the mark: Π over dropout durations t ≤ mark of (1 − d(t)/n(t)), n(t) = spells
      lasting at least t days; the same as lifelines' `KaplanMeierFitter().survival_function_at_times`
    checks: [not_null, {range: [0, 1]}]
  mark_days:
    type: DOUBLE
    description: k · 30.4375
    extra: true
    checks: [not_null]
notes: |
  A spell lasts from joined_on to left_on, or to the as-of date if still active (a spell per join: a member
  who rejoins has two); other leaves and active spells are censored. The marks run up to the first mark
  at or beyond the scope-cohort's longest spell, so every dropout falls in exactly one reported interval
  (the last row may have at_risk 0).
*/
WITH spell AS (
    SELECT
        group_id,
        year(joined_on) || 'Q' || quarter(joined_on) AS joined_quarter,
        (coalesce(left_on, getvariable('as_of')) - joined_on)::BIGINT AS days,
        coalesce(leave_reason IN ('dropped_out', 'removed'), false) AS dropped_out
    FROM memberships
),
scoped_spell AS (
    SELECT 'programme' AS scope, 'all' AS cohort, days, dropped_out FROM spell
    UNION ALL SELECT 'programme', joined_quarter, days, dropped_out FROM spell
    UNION ALL SELECT group_id, 'all', days, dropped_out FROM spell
    UNION ALL SELECT group_id, joined_quarter, days, dropped_out FROM spell
),
by_duration AS (
    SELECT scope, cohort, days, count(*) AS spells, count(*) FILTER (WHERE dropped_out) AS dropouts
    FROM scoped_spell
    GROUP BY ALL
),
km_step AS (
    -- the Kaplan–Meier factor at each duration with dropouts: n(t) = spells lasting at least t days
    SELECT
        scope,
        cohort,
        days,
        dropouts,
        sum(spells) OVER (PARTITION BY scope, cohort ORDER BY days DESC ROWS UNBOUNDED PRECEDING) AS at_risk
    FROM by_duration
),
step_per_mark AS (
    -- dropouts and KM factors gathered at the first mark at or after their duration
    SELECT
        scope,
        cohort,
        ceil(days / 30.4375)::BIGINT AS month,
        sum(dropouts) AS dropouts,
        sum(CASE WHEN dropouts > 0 AND dropouts < at_risk THEN ln(1 - dropouts / at_risk) ELSE 0 END) AS log_survival,
        count(*) FILTER (WHERE dropouts > 0 AND dropouts = at_risk) AS everyone_left
    FROM km_step
    GROUP BY ALL
),
leaving_per_mark AS (
    -- spells whose last mark reached is k: they are at risk at marks 0..k
    SELECT scope, cohort, floor(days / 30.4375)::BIGINT AS month, sum(spells) AS spells
    FROM by_duration
    GROUP BY ALL
),
last_mark AS (
    SELECT scope, cohort, max(ceil(days / 30.4375))::BIGINT AS last_month
    FROM by_duration
    GROUP BY ALL
),
mark AS (
    SELECT scope, cohort, unnest(range(0, last_month + 1)) AS month FROM last_mark
)
SELECT
    mk.scope,
    mk.cohort,
    mk.month,
    sum(coalesce(l.spells, 0)) OVER (PARTITION BY mk.scope, mk.cohort ORDER BY mk.month DESC
                                     ROWS UNBOUNDED PRECEDING)::BIGINT AS at_risk,
    coalesce(s.dropouts, 0)::BIGINT AS dropouts,
    CASE
        WHEN sum(coalesce(s.everyone_left, 0)) OVER cumulative > 0 THEN 0.0
        ELSE exp(sum(coalesce(s.log_survival, 0)) OVER cumulative)
    END::DOUBLE AS survival,
    (mk.month * 30.4375)::DOUBLE AS mark_days
FROM mark mk
LEFT JOIN step_per_mark s USING (scope, cohort, month)
LEFT JOIN leaving_per_mark l USING (scope, cohort, month)
WINDOW cumulative AS (PARTITION BY mk.scope, mk.cohort ORDER BY mk.month ROWS UNBOUNDED PRECEDING)
