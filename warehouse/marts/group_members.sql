-- Membership spells as published for the dashboards (METRICS.md, "Retention and dropout"): one row
-- per spell (a member who left and rejoined has two), as the programme stood on the as-of date.
SELECT group_id, member_id, joined_on, left_on, leave_reason, active, spell_no::BIGINT AS spell_no
FROM memberships
