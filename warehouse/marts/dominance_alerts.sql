-- Dominance alerts (METRICS.md, "Airtime"): raised for (group, member, meeting m) when the member's
-- dominance_ratio is >= 2.0 at m and also at one or more of the group's previous two meetings that
-- recorded airtime. Meetings are counted on the group's airtime meetings (airtime_no), so a meeting the
-- member missed still counts as one of the two, and does not satisfy the rule.
WITH dominant_turn AS (
    SELECT a.group_id, a.member_id, a.meeting_id, a.held_on, a.dominance_ratio, m.airtime_no
    FROM meeting_airtime a
    JOIN meetings m USING (meeting_id)
    WHERE a.dominance_ratio >= 2.0
),
with_previous_dominant_turn AS (
    SELECT
        *,
        lag(airtime_no) OVER (PARTITION BY group_id, member_id ORDER BY airtime_no) AS previous_airtime_no
    FROM dominant_turn
)
SELECT group_id, member_id, meeting_id, held_on, dominance_ratio
FROM with_previous_dominant_turn
WHERE airtime_no - previous_airtime_no <= 2
