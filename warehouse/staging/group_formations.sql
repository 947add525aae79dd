/*
description: >
  Every group formed on or before the as-of date, with its cadence: the staging of group_formed facts.
grain: one row per group formed on or before the as-of date
published: false
partition: group_id
key: [group_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  cadence:
    type: VARCHAR
    description: how often it means to meet
    checks: [not_null, {accepted_values: [weekly, biweekly, monthly, quarterly]}]
  formed_on:
    type: DATE
    description: the day it was formed
    checks: [not_null]
*/
SELECT group_id, cadence, formed_on
FROM fact_group_formed
WHERE formed_on <= getvariable('as_of')
