/*
description: >
  Every check-in on a commitment dated on or before the as-of date, with the commitment it is about:
  the staging of commitment_checked_in facts. The note stays in the event store, sealed with the member's
  key: the warehouse holds the day, the progress and the confidence.
grain: one row per check-in dated on or before the as-of date
published: false
key: [check_in]
columns:
  check_in:
    type: VARCHAR
    description: the check-in's id
    checks: [not_null]
  commitment_id:
    type: VARCHAR
    description: the commitment checked in on
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: the member who made it and checked in
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: the group it was made in
    checks: [not_null]
  checked_in_on:
    type: DATE
    description: the day of the check-in
    checks: [not_null]
  progress:
    type: VARCHAR
    description: on_track, at_risk or blocked
    checks: [not_null, {accepted_values: [on_track, at_risk, blocked]}]
  confidence:
    type: BIGINT
    description: how sure the member was, 0 to 10, to do it by the due date
    checks: [not_null, {range: [0, 10]}]
  position:
    type: BIGINT
    description: the check-in's position in the event log (orders check-ins of one day)
    checks: [not_null]
*/
SELECT k.check_in, c.commitment_id, k.member_id, c.group_id, k.checked_in_on, k.progress, k.confidence, k.position
FROM fact_commitment_checked_in k
JOIN fact_commitment_made c USING (stream_id)
WHERE k.checked_in_on <= getvariable('as_of')
