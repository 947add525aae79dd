/*
description: >
  Which events the published figures include: every event up to `last_position` in the event log, as of
  `as_of`. A page that has just saved events (which the store numbers) can tell its viewer their change
  is in the figures once `last_position` reaches the position of the last of them. Set by the refresh
  that built the figures (pipelines/refresh.py), not read from any table.
grain: one row
published: true
readers: {lead: all, facilitator: all, member: all}
key: [last_position]
columns:
  last_position:
    type: BIGINT
    description: the position in the event log of the last event the published figures include
    checks: [not_null, {range: [0, null]}]
  as_of:
    type: DATE
    description: the day the figures are as of (today, unless `peerpulse materialize --as-of` said otherwise)
    checks: [not_null]
  published_at:
    type: TIMESTAMP
    description: when the refresh that built these figures ran (UTC)
    checks: [not_null]
notes: |
  It holds no ids, so every role may read it. `dashboards.data.serving.published_position()` reads it for a
  page.
*/
SELECT
    getvariable('last_position')::BIGINT AS last_position,
    getvariable('as_of')::DATE AS as_of,
    getvariable('published_at')::TIMESTAMP AS published_at
