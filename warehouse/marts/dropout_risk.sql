-- Dropout risk of each active member, as of their group's latest meeting on or before the as-of date
-- (METRICS.md, "Dropout risk"): risk_score = min(1, Σ weights of the signals that fire), level high
-- (>= 0.5), medium (>= 0.25) or low, and reasons = the fired codes, heaviest first (ties in the order
-- of the table in METRICS.md), comma-separated; '' when none fires. Members of a group that has not met
-- yet have nothing to score: risk_score 0, level low, as_of NULL.
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
fired AS (
    SELECT group_id, member_id, reason
    FROM (UNPIVOT scored
          ON consecutive_absences, early_no_show, low_attendance, missed_commitments, going_quiet, low_ratings
          INTO NAME reason VALUE fires)
    WHERE fires
),
reason_list AS (
    SELECT
        f.group_id,
        f.member_id,
        string_agg(f.reason, ',' ORDER BY
            CASE WHEN f.reason = 'consecutive_absences' AND s.missed_three_in_a_row THEN w.weight_3_or_more
                 ELSE w.weight END DESC,
            w.table_order) AS reasons
    FROM fired f
    JOIN dropout_weights w USING (reason)
    JOIN scored s USING (group_id, member_id)
    GROUP BY ALL
)
SELECT
    s.group_id,
    s.member_id,
    s.held_on AS as_of,
    coalesce(s.risk_score, 0.0)::DOUBLE AS risk_score,
    CASE
        WHEN s.risk_score >= 0.5 THEN 'high'
        WHEN s.risk_score >= 0.25 THEN 'medium'
        ELSE 'low'
    END AS level,
    coalesce(r.reasons, '') AS reasons,
    s.meeting_id
FROM scored s
LEFT JOIN reason_list r USING (group_id, member_id)
