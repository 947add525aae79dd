/*
description: >
  Dropout risk of each active member, as of their group's latest meeting on or before the as-of date
  (docs/metrics.md, "Dropout risk"): the probability that they drop out within 90 days, by the score in
  use (dropout_model), its level, and the figures that raise it most, as reasons.
grain: one row per active member of each group
published: true
contract: true
readers: {facilitator: group_id}
partition: group_id
key: [group_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group of an active membership (as of the as-of date)
    checks: [not_null, {references: fact_group_formed.group_id}]
  member_id:
    type: VARCHAR
    description: the member; a member of two groups has two rows
    checks: [not_null, {references: fact_member_registered.member_id}]
  as_of:
    type: DATE
    description: >
      the day the score is for: the group's latest meeting on or before the as-of date; NULL for a group
      that has not met yet
  risk_score:
    type: DOUBLE
    description: >
      the score the level is cut from, rounded to 6 decimals: the probability below when the score in use
      is calibrated; else (too little history to fit) the share of the last 6 meetings missed. 0 when the
      group has not met
    checks: [not_null, {range: [0, 1]}]
  level:
    type: VARCHAR
    description: >
      the level of dropout_levels whose min_probability (or, uncalibrated, min_absence_rate) is the highest
      the score reaches: `high`, `medium`, else `low`; `low` when the group has not met
    checks: [not_null, {accepted_values: [high, medium, low]}]
  reasons:
    type: VARCHAR
    description: >
      the reason codes of the figures that raise the score by at least dropout_model's reason_from (a
      figure's part: coefficient · (value − center) / scale; codes shared by two figures add up), largest
      first, at most three, comma-separated, no spaces; the **empty string** when none does (never NULL)
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting the score is as of
    extra: true
  probability:
    type: DOUBLE
    description: >
      the calibrated probability of dropping out (`dropped_out`) within 90 days: 1 / (1 + exp(−(intercept
      + Σ coefficient · (value − center) / scale))) over dropout_model's terms, a figure not known counting
      at its center; NULL when the score in use is not calibrated, or the group has not met
    extra: true
    checks: [{range: [0, 1]}]
  model:
    type: VARCHAR
    description: the score in use (dropout_model.model)
    extra: true
    checks: [not_null]
notes: |
  Each member is scored on their figures at the group's latest meeting (member_risk_signals), with the
  terms of dropout_model: the logistic regression refitted on the programme's own history once a day,
  or the baseline that beat it on held-out history (dropout_evaluation). Active members who joined after
  the latest meeting are scored on their earlier history in the group, if any; with none, every figure
  counts at its center (an average member's probability) and no reason is named.

  | reason | the figure behind it |
  |---|---|
  | `low_attendance` | `absence_rate_last_6`: the share of their last 6 meetings missed (or `missed_last_2`) |
  | `consecutive_absences` | `missed_in_a_row`: meetings missed in a row (up to 3) |
  | `low_ratings` | `rating_last_3`: the mean of their last 3 ratings |
  | `ratings_falling` | `rating_drop`: their earlier ratings' mean minus the last 3's |
  | `going_quiet` | `airtime_ratio_last_3`: their mean share of the airtime (× participants) lately |
  | `missed_commitments` | `follow_through_last_3` (their last 3 closed commitments) and `overdue_commitments` |
  | `new_member` | `new_member`: joined in the last six months |
*/
WITH active_member AS (
    SELECT group_id, member_id FROM memberships WHERE active
),
latest_meeting AS (
    SELECT group_id, max(meeting_no) AS meeting_no FROM meetings GROUP BY group_id
),
scored AS (
    SELECT am.group_id, am.member_id, r.* EXCLUDE (group_id, member_id)
    FROM active_member am
    LEFT JOIN latest_meeting l USING (group_id)
    LEFT JOIN member_risk_signals r
      ON r.group_id = am.group_id AND r.member_id = am.member_id AND r.meeting_no = l.meeting_no
),
figure AS (
    SELECT group_id, member_id, term, value
    FROM (
        SELECT
            group_id, member_id,
            absence_rate_last_6::DOUBLE AS absence_rate_last_6, missed_in_a_row::DOUBLE AS missed_in_a_row,
            missed_last_2::DOUBLE AS missed_last_2, rating_last_3::DOUBLE AS rating_last_3,
            rating_drop::DOUBLE AS rating_drop, airtime_ratio_last_3::DOUBLE AS airtime_ratio_last_3,
            follow_through_last_3::DOUBLE AS follow_through_last_3,
            overdue_commitments::DOUBLE AS overdue_commitments, new_member::DOUBLE AS new_member
        FROM scored
        WHERE meeting_id IS NOT NULL
    ) UNPIVOT INCLUDE NULLS (value FOR term IN (
        absence_rate_last_6, missed_in_a_row, missed_last_2, rating_last_3, rating_drop, airtime_ratio_last_3,
        follow_through_last_3, overdue_commitments, new_member
    ))
),
part AS (
    -- what each figure of the score in use adds to it; a figure not known counts at its center (adds 0)
    SELECT f.group_id, f.member_id, t.reason, t.reason_from,
           t.coefficient * coalesce((f.value - t.center) / t.scale, 0) AS part
    FROM figure f
    JOIN dropout_model t USING (term)
),
linear AS (
    SELECT
        p.group_id,
        p.member_id,
        i.coefficient + sum(p.part) AS linear,
        any_value(i.calibrated) AS calibrated
    FROM part p
    CROSS JOIN (SELECT coefficient, calibrated FROM dropout_model WHERE term = 'intercept') i
    GROUP BY p.group_id, p.member_id, i.coefficient
),
reason_part AS (
    SELECT group_id, member_id, reason, sum(part) AS part, any_value(reason_from) AS reason_from
    FROM part
    GROUP BY ALL
),
reason_list AS (
    SELECT group_id, member_id, string_agg(reason, ',' ORDER BY part DESC, reason) AS reasons
    FROM (
        SELECT *, row_number() OVER (PARTITION BY group_id, member_id ORDER BY part DESC, reason) AS rank
        FROM reason_part
        WHERE part >= reason_from
    )
    WHERE rank <= 3
    GROUP BY ALL
),
score AS (
    SELECT
        group_id,
        member_id,
        calibrated,
        CASE WHEN calibrated THEN 1 / (1 + exp(-linear)) END AS probability,
        round(CASE WHEN calibrated THEN 1 / (1 + exp(-linear)) ELSE greatest(0, least(1, linear)) END, 6)
            AS risk_score
    FROM linear
),
level AS (
    SELECT
        s.group_id,
        s.member_id,
        arg_max(l.level, CASE WHEN s.calibrated THEN l.min_probability ELSE l.min_absence_rate END) AS level
    FROM score s
    JOIN dropout_levels l
      ON s.risk_score >= CASE WHEN s.calibrated THEN l.min_probability ELSE l.min_absence_rate END
    GROUP BY ALL
)
SELECT
    s.group_id,
    s.member_id,
    s.held_on AS as_of,
    coalesce(sc.risk_score, 0.0)::DOUBLE AS risk_score,
    coalesce(l.level, 'low') AS level,
    coalesce(r.reasons, '') AS reasons,
    s.meeting_id,
    sc.probability::DOUBLE AS probability,
    (SELECT any_value(model) FROM dropout_model) AS model
FROM scored s
LEFT JOIN score sc USING (group_id, member_id)
LEFT JOIN level l USING (group_id, member_id)
LEFT JOIN reason_list r USING (group_id, member_id)
