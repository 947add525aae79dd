-- Facilitator assignments dated on or before the as-of date. `current` marks each group's most recent
-- assignment (latest assigned_on, then the latest recorded): who facilitates the group now. A
-- facilitator need not be a member; a facilitator who is not a member is never in the group's figures.
SELECT
    group_id,
    member_id,
    assigned_on,
    row_number() OVER (PARTITION BY group_id ORDER BY assigned_on DESC, position DESC) = 1 AS current
FROM facilitator_assignments
