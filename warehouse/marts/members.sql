/*
description: >
  Every registered person, with the groups they are in now: the directory a programme admin runs the
  rosters from (ids only here; names and emails come from the encrypted store, for admins only).
grain: one row per registered person
published: true
readers: {admin: all}
key: [member_id]
columns:
  member_id:
    type: VARCHAR
    description: the person's id
    checks: [not_null, {references: fact_member_registered.member_id}]
  active_groups:
    type: BIGINT
    description: the groups they are an active member of on the as-of date
    checks: [not_null, {range: [0, null]}]
  facilitated_groups:
    type: BIGINT
    description: the groups they facilitate now
    checks: [not_null, {range: [0, null]}]
*/
WITH active AS (
    SELECT member_id, count(*) AS groups FROM memberships WHERE active GROUP BY member_id
),
facilitating AS (
    SELECT member_id, count(*) AS groups FROM group_facilitators WHERE current GROUP BY member_id
)
SELECT
    r.member_id,
    coalesce(a.groups, 0)::BIGINT AS active_groups,
    coalesce(f.groups, 0)::BIGINT AS facilitated_groups
FROM registrations r
LEFT JOIN active a USING (member_id)
LEFT JOIN facilitating f USING (member_id)
