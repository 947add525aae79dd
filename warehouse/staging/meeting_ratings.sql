-- Every rate_meeting score for a meeting held on or before the as-of date (a rating goes with its
-- meeting). Internal: read by group_health (METRICS.md, "Ratings") and the low_ratings signal.
SELECT m.group_id, m.meeting_id, m.held_on, r.member_id, r.score
FROM fact_meeting_rated r
JOIN fact_meeting_held m USING (stream_id)
WHERE m.held_on <= getvariable('as_of')
