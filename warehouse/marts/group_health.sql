/*
description: >
  Each group's monthly figures and health score (docs/metrics.md, "Group health", with the monthly figures of
  "Attendance", "Airtime", "Commitments", "Ratings" and "Retention and dropout").
grain: one row per group and calendar month in which the group held a meeting, on or before the as-of date
published: true
contract: true
readers: {lead: all}
partition: group_id
key: [group_id, month]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null, {references: fact_group_formed.group_id}]
  month:
    type: DATE
    description: the first day of the month
    checks: [not_null]
  meetings:
    type: BIGINT
    description: meetings the group held that month
    checks: [not_null]
  attendance_rate:
    type: DOUBLE
    description: Σ attended / Σ roster_size over the month's meetings; NULL if no roster places
    checks: [{range: [0, 1]}]
  airtime_gini:
    type: DOUBLE
    description: mean of the month's meeting Ginis that are known; NULL if none is
    checks: [{range: [0, 1]}]
    remedy: >
      a meeting's recorded seconds are impossible (an export error, a typo): record the right seconds with
      correct_airtime for the meeting and members the sample names (docs/import-format.md), then
      materialize again
  follow_through_rate:
    type: DOUBLE
    description: >
      over the group's commitments whose **current** due_on falls in this month and is not after the
      as-of date: the mean outcome_score, an open one counting 0. NULL when none fell due. A commitment
      due exactly on the as-of date and still open counts 0 (it is "not after" it)
    checks: [{range: [0, 1]}]
  avg_rating:
    type: DOUBLE
    description: >
      mean of every `rate_meeting` score for the month's meetings (all of them, including a rating by a
      member later corrected out of attendance); NULL if nobody rated
    checks: [{range: [0, 10]}]
  retention_12m:
    type: DOUBLE
    description: see below; NULL when nobody counts
    checks: [{range: [0, 1]}]
  health_score:
    type: DOUBLE
    description: >
      weighted mean of the components below with the weights of `health_weights` (attendance 0.4,
      follow_through 0.1, airtime_balance 0.1, retention 0, rating 0.4); NULL components are left out and
      the remaining weights rescaled to sum to 1; NULL if no component with a weight is known. Rounded to 6
      decimals, so a score that is 80 by hand is exactly 80
    checks: [{range: [0, 100]}]
  tier:
    type: VARCHAR
    description: >
      the tier of `health_tiers` with the highest min_score the health score reaches: `healthy` ≥ 86,
      `fit` ≥ 79, `at_risk` ≥ 73, `high_risk` below; NULL when health_score is
    checks: [{references: health_tiers.tier}]
  commitments_due:
    type: BIGINT
    description: the commitments follow_through_rate is taken over
    extra: true
    checks: [not_null]
  ratings:
    type: BIGINT
    description: the ratings avg_rating is taken over
    extra: true
    checks: [not_null]
  attendance_component:
    type: DOUBLE
    description: 100 · attendance_rate, as the health score weighs it; NULL when attendance_rate is
    extra: true
    checks: [{range: [0, 100]}]
  follow_through_component:
    type: DOUBLE
    description: 100 · follow_through_rate; NULL when follow_through_rate is
    extra: true
    checks: [{range: [0, 100]}]
  airtime_balance_component:
    type: DOUBLE
    description: 100 · (1 − airtime_gini); NULL when airtime_gini is
    extra: true
    checks: [{range: [0, 100]}]
  retention_component:
    type: DOUBLE
    description: 100 · retention_12m; NULL when retention_12m is
    extra: true
    checks: [{range: [0, 100]}]
  rating_component:
    type: DOUBLE
    description: 10 · avg_rating; NULL when avg_rating is
    extra: true
    checks: [{range: [0, 100]}]
notes: |
  `retention_12m`: the membership spells of the group active on the last day of the month twelve months
  earlier (active on day d: joined_on ≤ d and not left on or before d) are *retained* if the same spell is
  still running on the last day of this month, *lost* if it ended in between with a dropout
  (`dropped_out`, `removed`), and left out of both counts if it ended for any other (censored) reason;
  retention_12m = retained / (retained + lost). Spell-based: a member who left and rejoined in between
  started a new spell, so their old one counts as ended. A leave dated on the last day of the month counts
  as a leave within it.

  Commitments falling due in a month without a meeting have no row to appear in; they are in
  `member_commitments`.

  The weights and tiers were chosen on evidence (issue 12): health_validation publishes, for this
  programme, how well each component and the score foretold "2 or more dropouts in the next 6 months",
  and how often each tier's groups lost that many.
*/
WITH meeting_month AS (
    SELECT
        group_id,
        date_trunc('month', held_on)::DATE AS month,
        count(*)::BIGINT AS meetings,
        sum(attended)::DOUBLE AS attendees,
        sum(roster_size)::DOUBLE AS roster_places,
        avg(airtime_gini) AS airtime_gini
    FROM meeting_summary
    GROUP BY ALL
),
follow_through AS (
    -- commitments whose current due date falls in the month and is not after the as-of date;
    -- one still open (so overdue, or due on the as-of date itself) scores 0
    SELECT
        group_id,
        date_trunc('month', due_on)::DATE AS month,
        avg(coalesce(outcome_score, 0.0)) AS follow_through_rate,
        count(*)::BIGINT AS commitments_due
    FROM member_commitments
    WHERE due_on <= getvariable('as_of')
    GROUP BY ALL
),
rating AS (
    SELECT group_id, date_trunc('month', held_on)::DATE AS month, avg(score)::DOUBLE AS avg_rating,
           count(*)::BIGINT AS ratings
    FROM meeting_ratings
    GROUP BY ALL
),
month_bounds AS (
    SELECT
        group_id,
        month,
        last_day(month) AS month_end,
        last_day((month - INTERVAL 12 MONTH)::DATE) AS year_earlier_end
    FROM meeting_month
),
retention AS (
    -- spells active on the last day of the month twelve months earlier: still running at the end of
    -- this month (retained), ended by a dropout in between (lost), or ended for a censored reason (left out)
    SELECT
        b.group_id,
        b.month,
        count(*) FILTER (WHERE s.left_on IS NULL OR s.left_on > b.month_end) AS retained,
        count(*) FILTER (WHERE s.left_on <= b.month_end AND s.leave_reason IN ('dropped_out', 'removed')) AS lost
    FROM month_bounds b
    JOIN memberships s
      ON s.group_id = b.group_id
     AND s.joined_on <= b.year_earlier_end
     AND (s.left_on IS NULL OR s.left_on > b.year_earlier_end)
    GROUP BY ALL
),
monthly_figures AS (
    SELECT
        mm.group_id,
        mm.month,
        mm.meetings,
        CASE WHEN mm.roster_places > 0 THEN mm.attendees / mm.roster_places END AS attendance_rate,
        mm.airtime_gini,
        ft.follow_through_rate,
        r.avg_rating,
        CASE WHEN rt.retained + rt.lost > 0 THEN rt.retained / (rt.retained + rt.lost) END::DOUBLE AS retention_12m,
        coalesce(ft.commitments_due, 0)::BIGINT AS commitments_due,
        coalesce(r.ratings, 0)::BIGINT AS ratings
    FROM meeting_month mm
    LEFT JOIN follow_through ft USING (group_id, month)
    LEFT JOIN rating r USING (group_id, month)
    LEFT JOIN retention rt USING (group_id, month)
),
component AS (
    -- each 0-100, with its weight; a NULL component is left out and the other weights rescaled
    SELECT
        *,
        100 * attendance_rate AS attendance_component,
        100 * follow_through_rate AS follow_through_component,
        100 * (1 - airtime_gini) AS airtime_balance_component,
        100 * retention_12m AS retention_component,
        10 * avg_rating AS rating_component
    FROM monthly_figures
),
weight AS (
    SELECT
        max(weight) FILTER (WHERE component = 'attendance') AS attendance,
        max(weight) FILTER (WHERE component = 'follow_through') AS follow_through,
        max(weight) FILTER (WHERE component = 'airtime_balance') AS airtime_balance,
        max(weight) FILTER (WHERE component = 'retention') AS retention,
        max(weight) FILTER (WHERE component = 'rating') AS rating
    FROM health_weights
),
scored AS (
    SELECT
        c.*,
        round(
            (coalesce(w.attendance * c.attendance_component, 0)
             + coalesce(w.follow_through * c.follow_through_component, 0)
             + coalesce(w.airtime_balance * c.airtime_balance_component, 0)
             + coalesce(w.retention * c.retention_component, 0)
             + coalesce(w.rating * c.rating_component, 0))
            / nullif(
                (CASE WHEN c.attendance_component IS NULL THEN 0 ELSE w.attendance END)
                + (CASE WHEN c.follow_through_component IS NULL THEN 0 ELSE w.follow_through END)
                + (CASE WHEN c.airtime_balance_component IS NULL THEN 0 ELSE w.airtime_balance END)
                + (CASE WHEN c.retention_component IS NULL THEN 0 ELSE w.retention END)
                + (CASE WHEN c.rating_component IS NULL THEN 0 ELSE w.rating END), 0),
            6)::DOUBLE AS health_score
    FROM component c
    CROSS JOIN weight w
)
SELECT
    s.group_id,
    s.month,
    s.meetings,
    s.attendance_rate,
    s.airtime_gini,
    s.follow_through_rate,
    s.avg_rating,
    s.retention_12m,
    s.health_score,
    t.tier,
    s.commitments_due,
    s.ratings,
    s.attendance_component,
    s.follow_through_component,
    s.airtime_balance_component,
    s.retention_component,
    s.rating_component
FROM scored s
-- the tier whose min_score is the highest the score reaches; a NULL score reaches none
ASOF LEFT JOIN health_tiers t ON s.health_score >= t.min_score
