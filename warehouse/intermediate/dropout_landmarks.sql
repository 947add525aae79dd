/*
description: >
  The moments the dropout warning is fitted and judged at (docs/metrics.md, "Dropout risk"): every 30
  days back from 120 days before the as-of date, each membership spell running that day, with the
  member's latest roster meeting then, and how the spell stood 90 and 120 days later. One row per spell
  and landmark, never per meeting, so a weekly group weighs no more than a quarterly one.
grain: one row per membership spell running on a landmark day at which the member had met with the group
published: false
refresh: daily
key: [group_id, member_id, spell_no, landmark]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: the member
    checks: [not_null]
  spell_no:
    type: BIGINT
    description: the spell (memberships.spell_no), running on the landmark day
    checks: [not_null]
  landmark:
    type: DATE
    description: >
      the day: the as-of date − (120 + 30·k) days, k = 0, 1, 2, … back to the group's first meeting, so
      that every outcome below is known by the as-of date
    checks: [not_null]
  evaluation_landmark:
    type: BOOLEAN
    description: >
      k is a multiple of 3: the landmarks 90 days apart the warning is judged at, whose windows
      (landmark + 30, landmark + 120] follow one another without gap or overlap, so each dropout is
      judged once
    checks: [not_null]
  cadence:
    type: VARCHAR
    description: the group's cadence
    checks: [not_null, {accepted_values: [weekly, biweekly, monthly, quarterly]}]
  meeting_id:
    type: VARCHAR
    description: >
      the member's latest roster meeting in this spell on or before the landmark: the point the model is
      fitted on (member_risk_signals)
    checks: [not_null]
  warning_meeting_id:
    type: VARCHAR
    description: >
      the latest such meeting at which they had not yet missed 3 in a row: the warning a facilitator could
      act on (after 3 missed meetings in a row anyone can see it); NULL if there is none
  left_on:
    type: DATE
    description: the day the spell ended, if it has by the as-of date
  leave_reason:
    type: VARCHAR
    description: why it ended
    checks: [{accepted_values: [dropped_out, moved, graduated, removed, group_closed, other]}]
  outcome_90d:
    type: VARCHAR
    description: >
      how the spell stood 90 days after the landmark: `dropped_out` or `removed` if it ended so in
      (landmark, landmark + 90], `left_otherwise` if it ended for another reason then, else `stayed`: what
      the model's probability is of
    checks: [not_null, {accepted_values: [dropped_out, removed, left_otherwise, stayed]}]
  warning_outcome:
    type: VARCHAR
    description: >
      the outcome a warning at the landmark is judged against: `too_late` if the spell ended in (landmark,
      landmark + 30] (a warning needs 30 days to be of use), else `dropped_out`, `removed` or
      `left_otherwise` if it ended in (landmark + 30, landmark + 120], else `stayed`
    checks: [not_null, {accepted_values: [too_late, dropped_out, removed, left_otherwise, stayed]}]
notes: |
  A spell runs on day d when joined_on ≤ d and it has not ended by d (left_on NULL or after d). A spell
  with no roster meeting yet on the landmark day has no row then: there is nothing to score it on.
  Meetings are ordered as everywhere (held_on, then the order recorded), so two meetings on one day
  cannot be taken in the wrong order.
*/
WITH grid AS (
    SELECT
        (getvariable('as_of') - (120 + 30 * k)::INTEGER)::DATE AS landmark,
        k % 3 = 0 AS evaluation_landmark
    FROM range(0, 100000) AS step(k)
    WHERE getvariable('as_of') - (120 + 30 * k)::INTEGER >= (SELECT min(held_on) FROM meetings)
),
running AS (
    SELECT
        s.group_id, s.member_id, s.spell_no, s.left_on, s.leave_reason, g.landmark, g.evaluation_landmark,
        -- meetings sort by (held_on, meeting_no): a landmark comes after every meeting held that day
        (g.landmark - DATE '2000-01-01') * 1000000 + 999999 AS landmark_order
    FROM memberships s
    JOIN grid g ON s.joined_on <= g.landmark AND (s.left_on IS NULL OR s.left_on > g.landmark)
),
point AS (
    SELECT
        group_id, member_id, spell_no, meeting_id, missed_in_a_row,
        (held_on - DATE '2000-01-01') * 1000000 + meeting_no AS meeting_order
    FROM member_risk_signals
    WHERE on_roster
),
warning_point AS (
    SELECT * FROM point WHERE missed_in_a_row < 3
),
outcome AS (
    SELECT
        r.*,
        p.meeting_id,
        CASE r.leave_reason WHEN 'dropped_out' THEN 'dropped_out' WHEN 'removed' THEN 'removed'
             ELSE 'left_otherwise' END AS left_because
    FROM running r
    ASOF JOIN point p
      ON p.group_id = r.group_id AND p.member_id = r.member_id AND p.spell_no = r.spell_no
     AND r.landmark_order >= p.meeting_order
)
SELECT
    o.group_id,
    o.member_id,
    o.spell_no,
    o.landmark,
    o.evaluation_landmark,
    f.cadence,
    o.meeting_id,
    w.meeting_id AS warning_meeting_id,
    o.left_on,
    o.leave_reason,
    CASE WHEN o.left_on <= o.landmark + 90 THEN o.left_because ELSE 'stayed' END AS outcome_90d,
    CASE
        WHEN o.left_on <= o.landmark + 30 THEN 'too_late'
        WHEN o.left_on <= o.landmark + 120 THEN o.left_because
        ELSE 'stayed'
    END AS warning_outcome
FROM outcome o
JOIN group_formations f USING (group_id)
ASOF LEFT JOIN warning_point w
  ON w.group_id = o.group_id AND w.member_id = o.member_id AND w.spell_no = o.spell_no
 AND o.landmark_order >= w.meeting_order
