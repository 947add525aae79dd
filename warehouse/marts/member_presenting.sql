/*
description: >
  When each active member last presented (docs/metrics.md, "Airtime", the facilitator figure
  meetings_since_presented).
grain: one row per active membership
published: true
readers: {facilitator: group_id}
partition: group_id
key: [group_id, member_id]
columns:
  group_id:
    type: VARCHAR
    description: the group of an active membership
    checks: [not_null, {references: fact_group_formed.group_id}]
  member_id:
    type: VARCHAR
    description: the member
    checks: [not_null, {references: fact_member_registered.member_id}]
  meetings_since_presented:
    type: BIGINT
    description: >
      the group's meetings held after the meeting the member last presented at in this group; if they
      never did, the group's meetings held on or after the current spell's joined_on (the meeting on the
      day they joined counts). 0 = presented at the latest meeting
    checks: [not_null]
  last_presented_on:
    type: DATE
    description: the day of that presentation; NULL if never
notes: |
  A presentation counts when the member was listed as a presenter and still attended after corrections.
*/
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
