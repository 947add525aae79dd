/*
description: >
  Every person registered, with the position of their registration in the event log: the staging of
  member_registered facts. Registrations carry no date of their own and are never undone (an erasure
  destroys the person's key, not their id).
grain: one row per registered person
published: false
key: [member_id]
columns:
  member_id:
    type: VARCHAR
    description: the person's id
    checks: [not_null]
  position:
    type: BIGINT
    description: the registration's position in the event log
    checks: [not_null]
*/
SELECT member_id, min(position) AS position
FROM fact_member_registered
GROUP BY member_id
