/*
description: >
  Each commitment as it stood on the as-of date (docs/metrics.md, "Commitments"): open until a follow-up with
  outcome done, partial, not_done or dropped closes it; carried_forward keeps it open, moves due_on to
  new_due_on and adds 1 to times_carried_forward.
grain: one row per commitment made at a meeting held on or before the as-of date
published: true
contract: true
readers: {facilitator: group_id, member: member_id}
partition: group_id
key: [commitment_id]
columns:
  member_id:
    type: VARCHAR
    description: who committed
    checks: [not_null, {references: fact_member_registered.member_id}]
  group_id:
    type: VARCHAR
    description: in which group
    checks: [not_null, {references: fact_group_formed.group_id}]
  commitment_id:
    type: VARCHAR
    description: the commitment
    checks: [not_null, {references: fact_commitment_made.commitment_id}]
  made_on:
    type: DATE
    description: held_on of the meeting it was made at
    checks: [not_null]
  due_on:
    type: DATE
    description: "the current due date: the `new_due_on` of the last `carried_forward` follow-up, else the original"
    checks: [not_null]
  status:
    type: VARCHAR
    description: "`open` until a follow-up with outcome `done`, `partial`, `not_done` or `dropped` closes it; then that outcome"
    checks: [not_null, {accepted_values: [open, done, partial, not_done, dropped]}]
  outcome_score:
    type: DOUBLE
    description: done 1.0, partial 0.5, not_done 0, dropped 0; NULL while open
    checks: [{range: [0, 1]}]
  closed_on:
    type: DATE
    description: held_on of the meeting of the closing follow-up; NULL while open
  times_carried_forward:
    type: BIGINT
    description: "`carried_forward` follow-ups so far"
    checks: [not_null]
  overdue:
    type: BOOLEAN
    description: open and due_on before the as-of date
    extra: true
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting it was made at
    extra: true
    checks: [not_null]
notes: |
  There is no separate "commitments due" table: the facilitator's list of commitments due for follow-up is
  `member_commitments` filtered on `status = 'open'` (ordered by due_on; `overdue` flags the late ones),
  for the facilitator's groups.
*/
WITH follow_up_history AS (
    SELECT
        commitment_id,
        count(*) FILTER (WHERE outcome = 'carried_forward') AS times_carried_forward,
        arg_max(new_due_on, position) FILTER (WHERE outcome = 'carried_forward') AS carried_to,
        arg_max(outcome, position) FILTER (WHERE outcome <> 'carried_forward') AS closing_outcome,
        arg_max(held_on, position) FILTER (WHERE outcome <> 'carried_forward') AS closed_on
    FROM commitment_follow_ups
    GROUP BY commitment_id
),
current_state AS (
    SELECT
        c.*,
        coalesce(h.carried_to, c.original_due_on) AS current_due_on,
        coalesce(h.closing_outcome, 'open') AS status,
        h.closed_on,
        coalesce(h.times_carried_forward, 0) AS times_carried_forward
    FROM commitments c
    LEFT JOIN follow_up_history h USING (commitment_id)
)
SELECT
    member_id,
    group_id,
    commitment_id,
    made_on,
    current_due_on AS due_on,
    status,
    CASE status WHEN 'done' THEN 1.0 WHEN 'partial' THEN 0.5 WHEN 'not_done' THEN 0.0 WHEN 'dropped' THEN 0.0 END::DOUBLE
        AS outcome_score,
    closed_on,
    times_carried_forward::BIGINT AS times_carried_forward,
    status = 'open' AND current_due_on < getvariable('as_of') AS overdue,
    meeting_id
FROM current_state
