-- The dropout-risk signals of each member at each meeting (METRICS.md, "Dropout risk"): one row per
-- roster member of every meeting held on or before the as-of date (on_roster), plus one row at the
-- group's latest meeting for each active member who is not on its roster (joined since). Internal:
-- dropout_risk takes the rows at each group's latest meeting, dropout_backtest scores all roster rows.
--
-- A signal at meeting t of date d uses what was known up to and including d: the member's roster
-- meetings up to t, their airtime and ratings at meetings up to t, follow-ups held on or before d and
-- due dates before d. History is the member's in this group (all spells), except early_no_show, which
-- is about the current spell. Each "last N" is a window frame over the member's own ordered meetings,
-- and each signal is brought to the point with an as-of join on the group's meeting number (or date):
-- no correlated subqueries, no quadratic joins.
WITH weight AS (
    SELECT
        max(weight) FILTER (WHERE reason = 'consecutive_absences') AS consecutive_absences,
        max(weight_3_or_more) FILTER (WHERE reason = 'consecutive_absences') AS consecutive_absences_3_or_more,
        max(weight) FILTER (WHERE reason = 'early_no_show') AS early_no_show,
        max(weight) FILTER (WHERE reason = 'low_attendance') AS low_attendance,
        max(weight) FILTER (WHERE reason = 'missed_commitments') AS missed_commitments,
        max(weight) FILTER (WHERE reason = 'going_quiet') AS going_quiet,
        max(weight) FILTER (WHERE reason = 'low_ratings') AS low_ratings
    FROM dropout_weights
),
roster_meeting AS (
    -- each roster place, with the membership spell it falls in
    SELECT a.group_id, a.member_id, a.meeting_id, a.held_on, m.meeting_no, a.attended, s.spell_no, s.joined_on
    FROM meeting_attendance a
    JOIN meetings m USING (meeting_id)
    ASOF LEFT JOIN memberships s
      ON s.group_id = a.group_id AND s.member_id = a.member_id AND a.held_on >= s.joined_on
),
numbered_roster_meeting AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY group_id, member_id ORDER BY meeting_no) AS roster_no,
        row_number() OVER (PARTITION BY group_id, member_id, spell_no ORDER BY meeting_no) AS spell_roster_no
    FROM roster_meeting
),
attendance_history AS (
    SELECT
        group_id,
        member_id,
        meeting_no,
        spell_no,
        joined_on,
        -- roster meetings missed in a row, up to and including this one
        roster_no - coalesce(max(CASE WHEN attended THEN roster_no END) OVER member_so_far, 0) AS missed_in_a_row,
        count(*) OVER last_six AS last_six_meetings,
        count(*) FILTER (WHERE attended) OVER last_six AS last_six_attended,
        count(*) FILTER (WHERE NOT attended AND spell_roster_no <= 3) OVER spell_so_far AS first_three_missed
    FROM numbered_roster_meeting
    WINDOW
        member_so_far AS (PARTITION BY group_id, member_id ORDER BY roster_no ROWS UNBOUNDED PRECEDING),
        last_six AS (PARTITION BY group_id, member_id ORDER BY roster_no ROWS 5 PRECEDING),
        spell_so_far AS (PARTITION BY group_id, member_id, spell_no ORDER BY roster_no ROWS UNBOUNDED PRECEDING)
),
airtime_history AS (
    -- the last three airtime meetings the member attended (with a defined ratio), as of each of them
    SELECT
        a.group_id,
        a.member_id,
        m.meeting_no,
        count(*) OVER last_three AS airtime_meetings,
        count(*) FILTER (WHERE a.dominance_ratio <= 0.25) OVER last_three AS quiet_meetings
    FROM meeting_airtime a
    JOIN meetings m USING (meeting_id)
    WHERE a.dominance_ratio IS NOT NULL
    WINDOW last_three AS (PARTITION BY a.group_id, a.member_id ORDER BY m.meeting_no ROWS 2 PRECEDING)
),
rating_history AS (
    SELECT
        group_id,
        member_id,
        meeting_no,
        count(*) OVER last_three AS ratings,
        avg(score) OVER last_three AS mean_rating
    FROM meeting_ratings
    WINDOW last_three AS (PARTITION BY group_id, member_id ORDER BY meeting_no ROWS 2 PRECEDING)
),
closing AS (
    -- each commitment's closing follow-up, and whether it and the member's previous one both scored 0
    SELECT
        f.group_id,
        f.member_id,
        m.meeting_no,
        f.position,
        f.outcome IN ('not_done', 'dropped')
            AND lag(f.outcome IN ('not_done', 'dropped'))
                OVER (PARTITION BY f.group_id, f.member_id ORDER BY m.meeting_no, f.position) AS last_two_scored_zero
    FROM commitment_follow_ups f
    JOIN meetings m USING (meeting_id)
    WHERE f.outcome <> 'carried_forward'
),
closing_history AS (
    -- as of the end of each meeting at which the member closed commitments
    SELECT group_id, member_id, meeting_no, coalesce(arg_max(last_two_scored_zero, position), false) AS last_two_scored_zero
    FROM closing
    GROUP BY ALL
),
due_date_change AS (
    -- each due date a commitment has had, from when it held, and the next change (carry or close) that ended it
    SELECT commitment_id, group_id, member_id, made_on AS since, due_on, 0 AS position, false AS closes
    FROM fact_commitment_made
    WHERE made_on <= getvariable('as_of')
    UNION ALL
    SELECT commitment_id, group_id, member_id, held_on, new_due_on, position, outcome <> 'carried_forward'
    FROM commitment_follow_ups
),
due_date_period AS (
    SELECT
        group_id,
        member_id,
        greatest(since, due_on + 1) AS overdue_from,
        lead(since) OVER (PARTITION BY commitment_id ORDER BY position) AS overdue_until,
        closes
    FROM due_date_change
),
overdue_change AS (
    -- +1 the day a commitment becomes overdue, −1 the day it is carried forward or closed
    SELECT group_id, member_id, overdue_from AS changed_on, 1 AS delta
    FROM due_date_period
    WHERE NOT closes AND (overdue_until IS NULL OR overdue_until > overdue_from)
    UNION ALL
    SELECT group_id, member_id, overdue_until, -1
    FROM due_date_period
    WHERE NOT closes AND overdue_until > overdue_from
),
overdue_history AS (
    SELECT
        group_id,
        member_id,
        changed_on,
        sum(sum(delta)) OVER (PARTITION BY group_id, member_id ORDER BY changed_on ROWS UNBOUNDED PRECEDING) AS overdue
    FROM overdue_change
    GROUP BY ALL
),
latest_meeting AS (
    SELECT group_id, meeting_id, held_on, meeting_no
    FROM (SELECT *, row_number() OVER (PARTITION BY group_id ORDER BY meeting_no DESC) AS from_last FROM meetings)
    WHERE from_last = 1
),
point AS (
    SELECT group_id, member_id, meeting_id, held_on, meeting_no, true AS on_roster
    FROM roster_meeting
    UNION ALL
    SELECT s.group_id, s.member_id, l.meeting_id, l.held_on, l.meeting_no, false
    FROM memberships s
    JOIN latest_meeting l USING (group_id)
    ANTI JOIN meeting_attendance a ON a.meeting_id = l.meeting_id AND a.member_id = s.member_id
    WHERE s.active
),
signal AS (
    SELECT
        p.*,
        coalesce(ah.missed_in_a_row, 0) AS missed_in_a_row,
        coalesce(ah.missed_in_a_row >= 2, false) AS consecutive_absences,
        coalesce(p.on_roster AND p.held_on - ah.joined_on <= 183 AND ah.first_three_missed > 0, false) AS early_no_show,
        coalesce(ah.last_six_meetings >= 3 AND 2 * ah.last_six_attended < ah.last_six_meetings, false) AS low_attendance,
        coalesce(ch.last_two_scored_zero, false) OR coalesce(oh.overdue >= 2, false) AS missed_commitments,
        coalesce(th.airtime_meetings = 3 AND th.quiet_meetings = 3, false) AS going_quiet,
        coalesce(rh.ratings = 3 AND rh.mean_rating <= 5, false) AS low_ratings,
        coalesce(oh.overdue, 0)::BIGINT AS overdue_commitments
    FROM point p
    ASOF LEFT JOIN attendance_history ah
      ON ah.group_id = p.group_id AND ah.member_id = p.member_id AND p.meeting_no >= ah.meeting_no
    ASOF LEFT JOIN airtime_history th
      ON th.group_id = p.group_id AND th.member_id = p.member_id AND p.meeting_no >= th.meeting_no
    ASOF LEFT JOIN rating_history rh
      ON rh.group_id = p.group_id AND rh.member_id = p.member_id AND p.meeting_no >= rh.meeting_no
    ASOF LEFT JOIN closing_history ch
      ON ch.group_id = p.group_id AND ch.member_id = p.member_id AND p.meeting_no >= ch.meeting_no
    ASOF LEFT JOIN overdue_history oh
      ON oh.group_id = p.group_id AND oh.member_id = p.member_id AND p.held_on >= oh.changed_on
)
SELECT
    s.group_id,
    s.member_id,
    s.meeting_id,
    s.held_on,
    s.meeting_no,
    s.on_roster,
    round(least(1.0,
        CASE WHEN s.consecutive_absences THEN
            CASE WHEN s.missed_in_a_row >= 3 THEN w.consecutive_absences_3_or_more ELSE w.consecutive_absences END
        ELSE 0 END
        + CASE WHEN s.early_no_show THEN w.early_no_show ELSE 0 END
        + CASE WHEN s.low_attendance THEN w.low_attendance ELSE 0 END
        + CASE WHEN s.missed_commitments THEN w.missed_commitments ELSE 0 END
        + CASE WHEN s.going_quiet THEN w.going_quiet ELSE 0 END
        + CASE WHEN s.low_ratings THEN w.low_ratings ELSE 0 END
    ), 6)::DOUBLE AS risk_score,
    s.consecutive_absences,
    s.early_no_show,
    s.low_attendance,
    s.missed_commitments,
    s.going_quiet,
    s.low_ratings,
    s.missed_in_a_row::BIGINT AS missed_in_a_row,
    s.overdue_commitments
FROM signal s
CROSS JOIN weight w
