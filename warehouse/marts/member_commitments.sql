-- One row per commitment made at a meeting held on or before the as-of date, as it stood that day
-- (METRICS.md, "Commitments"). A commitment is open until a follow-up with outcome done, partial,
-- not_done or dropped closes it; carried_forward keeps it open, moves due_on to new_due_on and adds 1
-- to times_carried_forward. Overdue = open and due_on before the as-of date.
WITH follow_up_history AS (
    SELECT
        commitment_id,
        count(*) FILTER (WHERE outcome = 'carried_forward') AS times_carried_forward,
        arg_max(new_due_on, position) FILTER (WHERE outcome = 'carried_forward') AS carried_to,
        arg_max(outcome, position) FILTER (WHERE outcome <> 'carried_forward') AS closing_outcome,
        arg_max(held_on, position) FILTER (WHERE outcome <> 'carried_forward') AS closed_on
    FROM commitment_follow_ups
    GROUP BY commitment_id
),
current_state AS (
    SELECT
        c.*,
        coalesce(h.carried_to, c.original_due_on) AS current_due_on,
        coalesce(h.closing_outcome, 'open') AS status,
        h.closed_on,
        coalesce(h.times_carried_forward, 0) AS times_carried_forward
    FROM commitments c
    LEFT JOIN follow_up_history h USING (commitment_id)
)
SELECT
    member_id,
    group_id,
    commitment_id,
    made_on,
    current_due_on AS due_on,
    status,
    CASE status WHEN 'done' THEN 1.0 WHEN 'partial' THEN 0.5 WHEN 'not_done' THEN 0.0 WHEN 'dropped' THEN 0.0 END::DOUBLE
        AS outcome_score,
    closed_on,
    times_carried_forward::BIGINT AS times_carried_forward,
    status = 'open' AND current_due_on < getvariable('as_of') AS overdue,
    meeting_id
FROM current_state
