/*
description: >
  Membership spells as published for the dashboards (docs/metrics.md, "Retention and dropout"), as the
  programme stood on the as-of date.
grain: one row per membership spell (a member who left and rejoined has two)
published: true
readers: {facilitator: group_id, member: member_id, admin: all}
partition: group_id
key: [group_id, member_id, spell_no]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null, {references: fact_group_formed.group_id}]
  member_id:
    type: VARCHAR
    description: the member
    checks: [not_null, {references: fact_member_registered.member_id}]
  joined_on:
    type: DATE
    description: the day the spell began
    checks: [not_null]
  left_on:
    type: DATE
    description: the day it ended; NULL while active (a leave after the as-of date has not happened yet)
  leave_reason:
    type: VARCHAR
    description: "`dropped_out`, `moved`, `graduated`, `removed`, `group_closed` or `other`; NULL while active"
    checks: [{accepted_values: [dropped_out, moved, graduated, removed, group_closed, other]}]
  active:
    type: BOOLEAN
    description: the spell is running on the as-of date
    checks: [not_null]
  spell_no:
    type: BIGINT
    description: 1 for the member's first spell in the group, 2 after a rejoin, …
    checks: [not_null]
*/
SELECT group_id, member_id, joined_on, left_on, leave_reason, active, spell_no::BIGINT AS spell_no
FROM memberships
