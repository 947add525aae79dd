-- Every commitment made at a meeting held on or before the as-of date, with the due date it was made with.
SELECT commitment_id, member_id, group_id, meeting_id, made_on, due_on AS original_due_on
FROM fact_commitment_made
WHERE made_on <= getvariable('as_of')
