/*
description: >
  Every commitment made at a meeting held on or before the as-of date, with the due date it was made
  with: the staging of commitment_made facts (docs/metrics.md, "Commitments").
grain: one row per commitment made on or before the as-of date
published: false
partition: group_id
key: [commitment_id]
columns:
  commitment_id:
    type: VARCHAR
    description: the commitment
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: who committed
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: in which group
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting it was made at
    checks: [not_null]
  made_on:
    type: DATE
    description: held_on of that meeting
    checks: [not_null]
  original_due_on:
    type: DATE
    description: the due date it was made with (carrying it forward moves it; see member_commitments)
    checks: [not_null]
*/
SELECT commitment_id, member_id, group_id, meeting_id, made_on, due_on AS original_due_on
FROM fact_commitment_made
WHERE made_on <= getvariable('as_of')
