/*
description: >
  Every follow-up of a commitment, dated by the held_on of its meeting, on or before the as-of date: the
  staging of commitment_followed_up facts. Read by member_commitments and by the missed_commitments signal
  (docs/metrics.md, "Commitments").
grain: one row per follow-up at a meeting held on or before the as-of date
published: false
partition: group_id
key: [commitment_id, position]
columns:
  commitment_id:
    type: VARCHAR
    description: the commitment followed up
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: its group
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: who made it
    checks: [not_null]
  made_on:
    type: DATE
    description: the day it was made
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting it was followed up at
    checks: [not_null]
  held_on:
    type: DATE
    description: the day of that meeting
    checks: [not_null]
  outcome:
    type: VARCHAR
    description: what the follow-up recorded
    checks: [not_null, {accepted_values: [done, partial, not_done, carried_forward, dropped]}]
  new_due_on:
    type: DATE
    description: for carried_forward, the new due date; NULL otherwise
  position:
    type: BIGINT
    description: the follow-up's position in the event log
    checks: [not_null]
*/
SELECT
    c.commitment_id,
    c.group_id,
    c.member_id,
    c.made_on,
    f.meeting_id,
    f.held_on,
    f.outcome,
    f.new_due_on,
    f.position
FROM fact_commitment_followed_up f
JOIN fact_commitment_made c USING (stream_id)
WHERE f.held_on <= getvariable('as_of')
