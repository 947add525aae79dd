-- How well the dropout-risk score foresees dropouts (METRICS.md, "Dropout risk", backtest): every
-- member on the roster of every meeting held at least 90 days before the as-of date (so each label is
-- known), scored as of that meeting, labelled positive when the spell they were in ended in a dropout
-- (dropped_out or removed) within the next 90 days: left_on in (held_on, held_on + 90].
-- ROC AUC by Mann–Whitney: the chance that a positive outscores a negative, ties counted half:
--   AUC = Σ over scores s of positives(s) · (negatives below s + ½ · negatives at s) / (P · N).
-- One row; auc is NULL without both positives and negatives. The weights in use: dropout_weights.
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
