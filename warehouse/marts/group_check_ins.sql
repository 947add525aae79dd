/*
description: >
  How each group's open commitments stand by their members' latest check-ins: counts only, for the
  programme lead (who never sees a commitment or a check-in itself).
grain: one row per group with an open commitment
published: true
readers: {lead: all}
key: [group_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null, {references: fact_group_formed.group_id}]
  open_commitments:
    type: BIGINT
    description: commitments open on the as-of date
    checks: [not_null, {range: [1, null]}]
  checked_in:
    type: BIGINT
    description: of those, the ones with a check-in in the 30 days up to the as-of date
    checks: [not_null, {range: [0, null]}]
  at_risk:
    type: BIGINT
    description: of those, the ones whose latest check-in says at_risk
    checks: [not_null, {range: [0, null]}]
  blocked:
    type: BIGINT
    description: of those, the ones whose latest check-in says blocked
    checks: [not_null, {range: [0, null]}]
*/
SELECT
    c.group_id,
    count(*)::BIGINT AS open_commitments,
    count(k.commitment_id)::BIGINT AS checked_in,
    count(*) FILTER (WHERE k.progress = 'at_risk')::BIGINT AS at_risk,
    count(*) FILTER (WHERE k.progress = 'blocked')::BIGINT AS blocked
FROM member_commitments c
LEFT JOIN commitment_check_ins k
       ON k.commitment_id = c.commitment_id AND k.checked_in_on > getvariable('as_of') - INTERVAL 30 DAY
WHERE c.status = 'open'
GROUP BY c.group_id
