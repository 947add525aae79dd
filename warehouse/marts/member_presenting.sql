-- Facilitator figure meetings_since_presented (METRICS.md, "Airtime"), for each active member: the
-- group's meetings held since the member last presented, or since joining (their current spell) if
-- they never presented in the group. A presentation is one by an attendee after corrections.
WITH active_member AS (
    SELECT group_id, member_id, joined_on FROM memberships WHERE active
),
latest_meeting AS (
    SELECT group_id, max(meeting_no) AS meeting_no FROM meetings GROUP BY group_id
),
last_presentation AS (
    SELECT a.group_id, a.member_id, max(m.meeting_no) AS meeting_no, max(a.held_on) AS held_on
    FROM meeting_attendance a
    JOIN meetings m USING (meeting_id)
    WHERE a.presented
    GROUP BY ALL
),
meetings_before_joining AS (
    -- the number of the group's last meeting held before the member joined (0 if none)
    SELECT am.group_id, am.member_id, coalesce(m.meeting_no, 0) AS meeting_no
    FROM active_member am
    ASOF LEFT JOIN meetings m ON m.group_id = am.group_id AND am.joined_on > m.held_on
)
SELECT
    am.group_id,
    am.member_id,
    (coalesce(l.meeting_no, 0) - coalesce(p.meeting_no, b.meeting_no))::BIGINT AS meetings_since_presented,
    p.held_on AS last_presented_on
FROM active_member am
JOIN meetings_before_joining b USING (group_id, member_id)
LEFT JOIN latest_meeting l USING (group_id)
LEFT JOIN last_presentation p USING (group_id, member_id)
