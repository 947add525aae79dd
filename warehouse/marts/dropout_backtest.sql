/*
description: >
  How well the dropout-risk score foresaw dropouts (docs/metrics.md, "Dropout risk", backtest), as ROC AUC,
  published beside the risk table and the weights in use (dropout_weights).
grain: one row
published: true
readers: {lead: all}
refresh: daily
key: [as_of]
columns:
  auc:
    type: DOUBLE
    description: >
      ROC AUC of risk_score against the label, by Mann–Whitney: Σ over scores s of positives(s) ·
      (negatives scored below s + ½ · negatives scored s) / (P·N), i.e. ties count half; NULL without both
      positives and negatives
    checks: [{range: [0, 1]}]
  scored_points:
    type: BIGINT
    description: >
      points scored: every member on the roster of every meeting held at least 90 days before the as-of
      date, scored as of that meeting exactly as `dropout_risk` scores (the signals at that meeting)
    checks: [not_null]
  positives:
    type: BIGINT
    description: >
      points labelled "dropped out within the next 90 days": the spell the member was in at that meeting
      ended with `dropped_out` or `removed`, left_on in (held_on, held_on + 90]
    checks: [not_null]
  negatives:
    type: BIGINT
    description: the other points (including members who later left for a censored reason)
    checks: [not_null]
  horizon_days:
    type: BIGINT
    description: "90"
    checks: [not_null]
  first_scored_on:
    type: DATE
    description: the first meeting day scored; NULL if none was
  last_scored_on:
    type: DATE
    description: the last meeting day scored; NULL if none was
  as_of:
    type: DATE
    description: the as-of date of the build
    checks: [not_null]
notes: |
  Meetings less than 90 days before the as-of date are not scored, because their label is not known yet.
  Attendance corrections and ratings recorded after a meeting go with it, so the backtest sees them as
  known at that meeting.

  Refreshed daily (`refresh: daily`): it scores the whole programme's history, and events of the last 90
  days (most new ones) cannot move it, so it is rebuilt with each new as-of day and by `peerpulse
  materialize`, not with every recorded meeting.
*/
WITH scored_point AS (
    SELECT
        p.risk_score,
        p.held_on,
        coalesce(s.leave_reason IN ('dropped_out', 'removed') AND s.left_on > p.held_on
                 AND s.left_on <= p.held_on + 90, false) AS dropped_out_within_90_days
    FROM member_risk_signals p
    ASOF LEFT JOIN memberships s
      ON s.group_id = p.group_id AND s.member_id = p.member_id AND p.held_on >= s.joined_on
    WHERE p.on_roster AND p.held_on + 90 <= getvariable('as_of')
),
by_score AS (
    SELECT
        risk_score,
        count(*) FILTER (WHERE dropped_out_within_90_days)::DOUBLE AS positives,
        count(*) FILTER (WHERE NOT dropped_out_within_90_days)::DOUBLE AS negatives
    FROM scored_point
    GROUP BY risk_score
),
with_negatives_below AS (
    SELECT
        *,
        coalesce(sum(negatives) OVER (ORDER BY risk_score ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
            AS negatives_below
    FROM by_score
),
totals AS (
    SELECT
        sum(positives * (negatives_below + 0.5 * negatives)) AS positive_wins,
        sum(positives) AS positives,
        sum(negatives) AS negatives
    FROM with_negatives_below
),
span AS (
    SELECT min(held_on) AS first_scored_on, max(held_on) AS last_scored_on FROM scored_point
)
SELECT
    CASE WHEN t.positives > 0 AND t.negatives > 0 THEN t.positive_wins / (t.positives * t.negatives) END::DOUBLE AS auc,
    coalesce(t.positives + t.negatives, 0)::BIGINT AS scored_points,
    coalesce(t.positives, 0)::BIGINT AS positives,
    coalesce(t.negatives, 0)::BIGINT AS negatives,
    90::BIGINT AS horizon_days,
    s.first_scored_on,
    s.last_scored_on,
    getvariable('as_of') AS as_of
FROM totals t
CROSS JOIN span s
