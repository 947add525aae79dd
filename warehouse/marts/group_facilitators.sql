/*
description: >
  Facilitator assignments dated on or before the as-of date, with who facilitates each group now.
grain: one row per facilitator assignment dated on or before the as-of date
published: true
readers: {member: member_id, admin: all}
partition: group_id
key: [group_id, member_id, assigned_on]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null, {references: fact_group_formed.group_id}]
  member_id:
    type: VARCHAR
    description: >
      who was assigned to facilitate it (a facilitator need not be a member; one who is not is never in
      the group's figures)
    checks: [not_null, {references: fact_member_registered.member_id}]
  assigned_on:
    type: DATE
    description: the assignment's date
    checks: [not_null]
  current:
    type: BOOLEAN
    description: >
      the group's most recent assignment (latest assigned_on, then the latest recorded): who facilitates
      it now; exactly one per group that has any
    checks: [not_null]
*/
SELECT
    group_id,
    member_id,
    assigned_on,
    row_number() OVER (PARTITION BY group_id ORDER BY assigned_on DESC, position DESC) = 1 AS current
FROM facilitator_assignments
