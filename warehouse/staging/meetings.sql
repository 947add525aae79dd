-- The groups' meetings held on or before the as-of date, numbered within each group in the order they
-- were held (held_on, then their position in the event log). Internal: the spine that every per-meeting
-- figure hangs off (METRICS.md, "Attendance" and "Airtime"). `airtime_no` numbers only the meetings that
-- recorded speaking_seconds, for "the group's previous two meetings that recorded airtime".
SELECT
    group_id,
    meeting_id,
    held_on,
    has_airtime,
    row_number() OVER (PARTITION BY group_id ORDER BY held_on, position) AS meeting_no,
    CASE WHEN has_airtime THEN
        sum(has_airtime::INTEGER) OVER (PARTITION BY group_id ORDER BY held_on, position ROWS UNBOUNDED PRECEDING)
    END::BIGINT AS airtime_no
FROM fact_meeting_held
WHERE held_on <= getvariable('as_of')
