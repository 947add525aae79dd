-- One row per group and calendar month in which the group held a meeting, on or before the as-of date
-- (METRICS.md, "Group health", with the monthly figures of "Attendance", "Airtime", "Commitments",
-- "Ratings" and "Retention and dropout"). `month` is the first day of the month.
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
scored AS (
    SELECT
        *,
        round(
            (coalesce(0.25 * attendance_component, 0) + coalesce(0.25 * follow_through_component, 0)
             + coalesce(0.20 * airtime_balance_component, 0) + coalesce(0.15 * retention_component, 0)
             + coalesce(0.15 * rating_component, 0))
            / nullif(
                (CASE WHEN attendance_component IS NULL THEN 0 ELSE 0.25 END)
                + (CASE WHEN follow_through_component IS NULL THEN 0 ELSE 0.25 END)
                + (CASE WHEN airtime_balance_component IS NULL THEN 0 ELSE 0.20 END)
                + (CASE WHEN retention_component IS NULL THEN 0 ELSE 0.15 END)
                + (CASE WHEN rating_component IS NULL THEN 0 ELSE 0.15 END), 0),
            6)::DOUBLE AS health_score
    FROM component
)
SELECT
    group_id,
    month,
    meetings,
    attendance_rate,
    airtime_gini,
    follow_through_rate,
    avg_rating,
    retention_12m,
    health_score,
    CASE
        WHEN health_score >= 80 THEN 'healthy'
        WHEN health_score >= 65 THEN 'fit'
        WHEN health_score >= 50 THEN 'at_risk'
        WHEN health_score IS NOT NULL THEN 'high_risk'
    END AS tier,
    commitments_due,
    ratings
FROM scored
