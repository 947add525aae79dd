-- Every facilitator assignment dated on or before the as-of date, of a group formed by then, with its
-- position in the event log (the order assignments were recorded).
SELECT g.group_id, f.member_id, f.assigned_on, f.position
FROM fact_facilitator_assigned f
JOIN fact_group_formed g USING (stream_id)
WHERE f.assigned_on <= getvariable('as_of') AND g.formed_on <= getvariable('as_of')
