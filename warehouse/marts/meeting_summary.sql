-- One row per meeting held on or before the as-of date (METRICS.md, "Attendance" and "Airtime"):
-- roster size, attendees, attendance_rate = attendees / roster size, and for meetings that recorded
-- airtime the population Gini of the participants' seconds and the top speaker's share.
-- The Gini uses the sorted form G = 2·Σ i·s(i) / (n·S) − (n+1)/n (s ascending, i = 1..n), which equals
-- Σᵢ Σⱼ |sᵢ − sⱼ| / (2·n²·mean) in O(n log n); NULL when n < 2 or S = 0.
WITH roster AS (
    SELECT
        meeting_id,
        count(*)::BIGINT AS roster_size,
        count(*) FILTER (WHERE attended)::BIGINT AS attended
    FROM meeting_attendance
    GROUP BY meeting_id
),
speaker_in_order AS (
    SELECT meeting_id, seconds, share, row_number() OVER (PARTITION BY meeting_id ORDER BY seconds) AS i
    FROM meeting_airtime
),
airtime AS (
    SELECT
        meeting_id,
        count(*)::DOUBLE AS n,
        sum(seconds)::DOUBLE AS total_seconds,
        sum(i * seconds)::DOUBLE AS rank_weighted_seconds,
        max(share) AS top_speaker_share
    FROM speaker_in_order
    GROUP BY meeting_id
)
SELECT
    m.group_id,
    m.meeting_id,
    m.held_on,
    coalesce(r.roster_size, 0)::BIGINT AS roster_size,
    coalesce(r.attended, 0)::BIGINT AS attended,
    CASE WHEN r.roster_size > 0 THEN r.attended / r.roster_size END::DOUBLE AS attendance_rate,
    CASE WHEN a.n >= 2 AND a.total_seconds > 0 THEN
        greatest(0.0, 2 * a.rank_weighted_seconds / (a.n * a.total_seconds) - (a.n + 1) / a.n)
    END AS airtime_gini,
    a.top_speaker_share,
    m.has_airtime
FROM meetings m
LEFT JOIN roster r USING (meeting_id)
LEFT JOIN airtime a USING (meeting_id)
