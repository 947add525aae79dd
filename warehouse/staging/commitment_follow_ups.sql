-- Every follow-up of a commitment, dated by the held_on of its meeting, on or before the as-of date.
-- Internal: read by member_commitments and by the missed_commitments signal (METRICS.md, "Commitments").
SELECT
    c.commitment_id,
    c.group_id,
    c.member_id,
    c.made_on,
    f.meeting_id,
    f.held_on,
    f.outcome,
    f.new_due_on,
    f.position
FROM fact_commitment_followed_up f
JOIN fact_commitment_made c USING (stream_id)
WHERE f.held_on <= getvariable('as_of')
