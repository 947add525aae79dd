/*
description: >
  Dropout risk of each active member, as of their group's latest meeting on or before the as-of date
  (docs/metrics.md, "Dropout risk"): the signals that fire, their summed weight and its level.
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
      min(1, Σ weights of the signals that fire), rounded to 6 decimals (so equal scores tie exactly); 0 if
      none fires or the group has not met
    checks: [not_null, {range: [0, 1]}]
  level:
    type: VARCHAR
    description: "`high` ≥ 0.5, `medium` ≥ 0.25, else `low`"
    checks: [not_null, {accepted_values: [high, medium, low]}]
  reasons:
    type: VARCHAR
    description: >
      the codes of the signals that fire, heaviest weight first (ties in the order of the docs/metrics.md
      table), comma-separated, no spaces; the **empty string** when none fires (never NULL)
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting the score is as of
    extra: true
notes: |
  The signals, with the weights in `dropout_weights`. A signal at a meeting held on d uses what was known up
  to and including d: the member's roster meetings up to it, airtime and ratings at meetings up to it,
  follow-ups held on or before d, due dates before d. History is the member's in this group, over all
  their spells, except `early_no_show`, which is about the current spell.

  | reason | fires when (as computed) |
  |---|---|
  | `consecutive_absences` | the member missed (status `absent` or `excused`) their last 2 roster meetings in this group, up to and including the scoring meeting; weighs `weight_3_or_more` (0.55) instead of 0.35 when they missed their last 3 or more |
  | `early_no_show` | the scoring day is at most 183 days after the current spell's joined_on, and the member missed at least one of their first 3 meetings, which are the group's first 3 meetings held on or after joining (so it can fire at the first or second already) |
  | `low_attendance` | of their last 6 roster meetings (or all of them, if fewer), at least 3 exist and 2·attended < count ("under half": 3 of 6 does not fire) |
  | `missed_commitments` | their last 2 closed commitments in this group both scored 0 (`not_done` or `dropped`), or 2 or more of their commitments in this group are open with a current due date before the scoring day. Closes are ordered by the meeting of the closing follow-up; several closed at one meeting are taken in the order the commitments were made (made_on, then commitment_id), since a batch's position in the event log does not follow its command order |
  | `going_quiet` | dominance_ratio ≤ 0.25 at each of the last 3 airtime meetings they attended where the ratio is defined (S > 0); needs 3 such meetings |
  | `low_ratings` | the mean of their last 3 ratings of this group's meetings (ordered by meeting) is ≤ 5; needs 3 ratings |

  Active members who joined after the group's latest meeting are not on its roster; they are scored as of
  it from their earlier history in the group, if any (usually none: score 0).
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
