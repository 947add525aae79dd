-- Every group formed on or before the as-of date, with its cadence.
SELECT group_id, cadence, formed_on
FROM fact_group_formed
WHERE formed_on <= getvariable('as_of')
