/*
description: >
  Membership spells (docs/metrics.md, "Retention and dropout"): each join paired with the next leave of the
  same member from the same group, as the programme stood on the as-of date. Read by most models;
  published as group_members.
grain: one row per membership spell that began on or before the as-of date
published: false
partition: group_id
key: [group_id, member_id, spell_no]
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
    description: 1 for the member's first spell in the group, 2 after a rejoin, and so on
    checks: [not_null]
  joined_on:
    type: DATE
    description: the day the spell began
    checks: [not_null]
  left_on:
    type: DATE
    description: the day it ended; NULL while active
  leave_reason:
    type: VARCHAR
    description: why it ended; NULL while active
    checks: [{accepted_values: [dropped_out, moved, graduated, removed, group_closed, other]}]
  active:
    type: BOOLEAN
    description: the spell is running on the as-of date
    checks: [not_null]
notes: >
  A leave dated after the as-of date has not happened yet, so that spell is still active.
*/
WITH changes AS (
    SELECT g.group_id, m.member_id, m.change, m.changed_on, m.reason, m.position
    FROM fact_membership m
    JOIN fact_group_formed g USING (stream_id)
    WHERE m.changed_on <= getvariable('as_of')
),
joins AS (
    SELECT *, row_number() OVER (PARTITION BY group_id, member_id ORDER BY position) AS spell_no
    FROM changes WHERE change = 'joined'
),
leaves AS (
    SELECT *, row_number() OVER (PARTITION BY group_id, member_id ORDER BY position) AS spell_no
    FROM changes WHERE change = 'left'
)
SELECT
    j.group_id,
    j.member_id,
    j.spell_no,
    j.changed_on AS joined_on,
    l.changed_on AS left_on,
    l.reason AS leave_reason,
    l.changed_on IS NULL AS active
FROM joins j
LEFT JOIN leaves l USING (group_id, member_id, spell_no)
