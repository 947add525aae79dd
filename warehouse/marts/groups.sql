-- The groups formed on or before the as-of date, with how many members are active in each and when it
-- last met (on or before the as-of date; NULL if it has not met yet).
WITH active_count AS (
    SELECT group_id, count(*)::BIGINT AS active_members FROM memberships WHERE active GROUP BY group_id
),
last_meeting AS (
    SELECT group_id, max(held_on) AS last_held_on FROM meetings GROUP BY group_id
)
SELECT
    g.group_id,
    g.cadence,
    g.formed_on,
    coalesce(a.active_members, 0)::BIGINT AS active_members,
    l.last_held_on
FROM group_formations g
LEFT JOIN active_count a USING (group_id)
LEFT JOIN last_meeting l USING (group_id)
