/*
description: >
  Every facilitator assignment dated on or before the as-of date, of a group formed by then: the staging
  of facilitator_assigned facts.
grain: one row per facilitator assignment dated on or before the as-of date
published: false
partition: group_id
key: [group_id, member_id, assigned_on]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: who was assigned to facilitate it
    checks: [not_null]
  assigned_on:
    type: DATE
    description: the assignment's date
    checks: [not_null]
  position:
    type: BIGINT
    description: the assignment's position in the event log (the order assignments were recorded)
    checks: [not_null]
*/
SELECT g.group_id, f.member_id, f.assigned_on, f.position
FROM fact_facilitator_assigned f
JOIN fact_group_formed g USING (stream_id)
WHERE f.assigned_on <= getvariable('as_of') AND g.formed_on <= getvariable('as_of')
