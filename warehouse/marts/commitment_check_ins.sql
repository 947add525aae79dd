/*
description: >
  Each commitment's latest check-in (its member's word between meetings on how it is going) and how many
  there were: the facilitator sees it beside the commitments to follow up, the member on their own page.
grain: one row per commitment with at least one check-in dated on or before the as-of date
published: true
readers: {facilitator: group_id, member: member_id}
may_be_empty: check-ins are recorded by members in the browser; the synthetic programme makes none
key: [commitment_id]
columns:
  commitment_id:
    type: VARCHAR
    description: the commitment
    checks: [not_null, {references: fact_commitment_made.commitment_id}]
  member_id:
    type: VARCHAR
    description: the member who made it
    checks: [not_null]
  group_id:
    type: VARCHAR
    description: the group it was made in
    checks: [not_null]
  checked_in_on:
    type: DATE
    description: the day of the latest check-in (the last recorded, on the latest day)
    checks: [not_null]
  progress:
    type: VARCHAR
    description: its progress, on_track, at_risk or blocked
    checks: [not_null, {accepted_values: [on_track, at_risk, blocked]}]
  confidence:
    type: BIGINT
    description: its confidence, 0 to 10
    checks: [not_null, {range: [0, 10]}]
  check_ins:
    type: BIGINT
    description: check-ins on the commitment so far
    checks: [not_null, {range: [1, null]}]
*/
SELECT
    commitment_id,
    any_value(member_id) AS member_id,
    any_value(group_id) AS group_id,
    arg_max(checked_in_on, (checked_in_on, position)) AS checked_in_on,
    arg_max(progress, (checked_in_on, position)) AS progress,
    arg_max(confidence, (checked_in_on, position))::BIGINT AS confidence,
    count(*)::BIGINT AS check_ins
FROM check_ins
GROUP BY commitment_id
