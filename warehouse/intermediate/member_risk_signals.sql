/*
description: >
  What is known of each member at each meeting that foretells dropping out (docs/metrics.md, "Dropout
  risk"): their recent attendance, ratings, airtime, commitments and tenure, the figures the dropout
  model is fitted on and scores with, and the first score's rule signals, kept as the baseline
  `rules_v1`. dropout_landmarks samples these rows, dropout_risk scores the rows at each group's latest
  meeting.
grain: >
  one row per roster member of every meeting held on or before the as-of date (on_roster), plus one row
  at the group's latest meeting for each active member who is not on its roster (they joined since)
published: false
partition: group_id
key: [group_id, member_id, meeting_id]
columns:
  group_id:
    type: VARCHAR
    description: the group
    checks: [not_null]
  member_id:
    type: VARCHAR
    description: the member scored
    checks: [not_null]
  meeting_id:
    type: VARCHAR
    description: the meeting the member is scored at
    checks: [not_null]
  held_on:
    type: DATE
    description: the day of that meeting
    checks: [not_null]
  meeting_no:
    type: BIGINT
    description: its number among the group's meetings
    checks: [not_null]
  on_roster:
    type: BOOLEAN
    description: the member was on the meeting's roster (false for the extra rows at the latest meeting)
    checks: [not_null]
  rules_score:
    type: DOUBLE
    description: >
      the first score, a baseline now (`rules_v1`): min(1, Σ weights of the rule signals that fire),
      rounded to 6 decimals, with the weights it was first given (0.35 or 0.55, 0.20, 0.15, 0.20, 0.10,
      0.10)
    checks: [not_null, {range: [0, 1]}]
  consecutive_absences:
    type: BOOLEAN
    description: "rule signal: missed their last 2 roster meetings (weighs 0.55 instead of 0.35 for 3 or more)"
    checks: [not_null]
  early_no_show:
    type: BOOLEAN
    description: "rule signal: joined at most 183 days ago and missed one of their first 3 meetings"
    checks: [not_null]
  low_attendance:
    type: BOOLEAN
    description: "rule signal: attended under half of their last 6 roster meetings (at least 3 of them)"
    checks: [not_null]
  missed_commitments:
    type: BOOLEAN
    description: "rule signal: their last 2 closed commitments both scored 0, or 2 or more are overdue"
    checks: [not_null]
  going_quiet:
    type: BOOLEAN
    description: "rule signal: dominance_ratio ≤ 0.25 at each of their last 3 airtime meetings"
    checks: [not_null]
  low_ratings:
    type: BOOLEAN
    description: "rule signal: the mean of their last 3 ratings is ≤ 5"
    checks: [not_null]
  missed_three_in_a_row:
    type: BOOLEAN
    description: the member missed their last 3 or more roster meetings (consecutive_absences weighs more)
    checks: [not_null]
  overdue_commitments:
    type: BIGINT
    description: the member's commitments in this group open with a current due date before the meeting's day
    checks: [not_null, {range: [0, null]}]
  spell_no:
    type: BIGINT
    description: the membership spell the member was in at that meeting (memberships.spell_no)
    checks: [not_null]
  days_in_group:
    type: BIGINT
    description: days from the spell's joined_on to the meeting (0 for a member who joined after it)
    checks: [not_null, {range: [0, null]}]
  new_member:
    type: BOOLEAN
    description: days_in_group ≤ 183 (joined in the last six months, as early_no_show counts them)
    checks: [not_null]
  missed_in_a_row:
    type: BIGINT
    description: >
      the roster meetings in this group the member has missed in a row, up to and including this one,
      counted up to 3 (3 means 3 or more); NULL when they have no roster meeting yet
    checks: [{range: [0, 3]}]
  missed_last_2:
    type: BIGINT
    description: of their last 2 roster meetings (1 if they have had only one), how many they missed
    checks: [{range: [0, 2]}]
  absence_rate_last_6:
    type: DOUBLE
    description: the share of their last 6 roster meetings (all of them, if fewer) they missed
    checks: [{range: [0, 1]}]
  rating_last_3:
    type: DOUBLE
    description: the mean of their last 3 ratings of this group's meetings (fewer if they gave fewer); NULL if none
    checks: [{range: [0, 10]}]
  rating_drop:
    type: DOUBLE
    description: >
      the mean of their ratings before the last 3, minus rating_last_3: how far their ratings have fallen
      (negative: risen); NULL until they have given 4
    checks: [{range: [-10, 10]}]
  airtime_ratio_last_3:
    type: DOUBLE
    description: >
      the mean of their dominance_ratio at the last 3 airtime meetings they attended where it is defined;
      low means they have gone quiet; NULL if none
    checks: [{range: [0, null]}]
  follow_through_last_3:
    type: DOUBLE
    description: >
      the mean outcome_score of their last 3 closed commitments in this group (done 1, partial 0.5, not_done
      and dropped 0); NULL if none closed
    checks: [{range: [0, 1]}]
notes: |
  A figure at meeting t, held on d, uses what was known up to and including d: the member's roster
  meetings up to t, their airtime and ratings at meetings up to t, follow-ups held on or before d and due
  dates before d. History is the member's in this group over all their spells, except for early_no_show,
  days_in_group and new_member, which are about the current spell. The extra rows of members who joined
  after the latest meeting carry their earlier history in the group, if any (usually none: NULLs, and the
  rule signals do not fire).

  Built for millions of rows: each "last N" is a window frame over the member's own meetings in order,
  partitioned by an integer key per (group, member); the commitment states, which change between a
  member's meetings, are brought to each point with an as-of join. No correlated subqueries, no
  quadratic joins.
*/
WITH weight AS (
    -- the first score's hand-set weights, kept as its definition: it is now a baseline ("rules_v1")
    SELECT
        0.35 AS consecutive_absences, 0.55 AS consecutive_absences_3_or_more, 0.20 AS early_no_show,
        0.15 AS low_attendance, 0.20 AS missed_commitments, 0.10 AS going_quiet, 0.10 AS low_ratings
),
group_member AS (
    SELECT group_id, member_id, row_number() OVER () AS member_key
    FROM (SELECT DISTINCT group_id, member_id FROM memberships)
),
spell AS (
    -- each membership spell, with the number of the group's first meeting held on or after joining:
    -- the member's first three meetings of the spell are that one and the next two
    SELECT s.group_id, s.member_id, s.spell_no, s.joined_on, s.left_on, coalesce(m.meeting_no, 0) + 1 AS first_meeting_no
    FROM memberships s
    ASOF LEFT JOIN meetings m ON m.group_id = s.group_id AND s.joined_on > m.held_on
),
roster_meeting AS (
    SELECT
        k.member_key,
        a.group_id,
        a.member_id,
        a.meeting_id,
        a.held_on,
        m.meeting_no,
        a.attended,
        s.spell_no,
        s.joined_on,
        m.meeting_no < s.first_meeting_no + 3 AS in_first_three,
        row_number() OVER (PARTITION BY k.member_key ORDER BY m.meeting_no) AS roster_no
    FROM meeting_attendance a
    JOIN meetings m USING (meeting_id)
    JOIN group_member k ON k.group_id = a.group_id AND k.member_id = a.member_id
    -- the spell joined last by the meeting: the one it fell in, or, for a leave recorded late and dated
    -- before meetings that already counted the member, the spell they were on the roster in
    ASOF LEFT JOIN spell s
      ON s.group_id = a.group_id AND s.member_id = a.member_id AND a.held_on >= s.joined_on
),
first_missed_of_first_three AS (
    SELECT member_key, spell_no, min(meeting_no) AS first_missed_no
    FROM roster_meeting
    WHERE in_first_three AND NOT attended
    GROUP BY ALL
),
airtime_state AS (
    -- at each airtime meeting the member attended (ratio defined): were they quiet at the last three?
    SELECT
        k.member_key,
        m.meeting_no,
        count(*) OVER last_three = 3 AND count(*) FILTER (WHERE a.dominance_ratio <= 0.25) OVER last_three = 3
            AS quiet_at_last_three,
        avg(a.dominance_ratio) OVER last_three AS airtime_ratio_last_3
    FROM meeting_airtime a
    JOIN meetings m USING (meeting_id)
    JOIN group_member k ON k.group_id = a.group_id AND k.member_id = a.member_id
    WHERE a.dominance_ratio IS NOT NULL
    WINDOW last_three AS (PARTITION BY k.member_key ORDER BY m.meeting_no ROWS 2 PRECEDING)
),
rating_state AS (
    -- at each meeting the member rated: is the mean of their last three ratings 5 or less?
    SELECT
        k.member_key,
        m.meeting_no,
        count(*) OVER last_three = 3 AND avg(r.score) OVER last_three <= 5 AS low_last_three,
        avg(r.score) OVER last_three AS rating_last_3,
        -- the mean of their ratings before the last three: what they usually gave
        CASE WHEN count(*) OVER so_far > 3
            THEN (sum(r.score) OVER so_far - sum(r.score) OVER last_three) / (count(*) OVER so_far - 3) END
            AS rating_before
    FROM meeting_ratings r
    JOIN meetings m USING (meeting_id)
    JOIN group_member k ON k.group_id = r.group_id AND k.member_id = r.member_id
    WINDOW
        last_three AS (PARTITION BY k.member_key ORDER BY m.meeting_no ROWS 2 PRECEDING),
        so_far AS (PARTITION BY k.member_key ORDER BY m.meeting_no ROWS UNBOUNDED PRECEDING)
),
roster_history AS (
    -- the member's state at each of their roster meetings, from their meetings up to it
    SELECT
        r.*,
        f.first_missed_no <= r.meeting_no AS missed_one_of_first_three,
        NOT r.attended AND NOT lag(r.attended, 1, true) OVER so_far AS missed_last_two,
        NOT r.attended AND NOT lag(r.attended, 1, true) OVER so_far AND NOT lag(r.attended, 2, true) OVER so_far
            AS missed_last_three,
        least(r.roster_no, 6) AS last_six_meetings,
        count(*) FILTER (WHERE r.attended) OVER last_six AS last_six_attended,
        count(*) FILTER (WHERE NOT r.attended) OVER last_two AS missed_last_2,
        r.roster_no - coalesce(max(r.roster_no) FILTER (WHERE r.attended) OVER so_far, 0) AS missed_in_a_row,
        last_value(q.quiet_at_last_three IGNORE NULLS) OVER so_far AS quiet_at_last_three,
        last_value(q.airtime_ratio_last_3 IGNORE NULLS) OVER so_far AS airtime_ratio_last_3,
        last_value(t.low_last_three IGNORE NULLS) OVER so_far AS low_last_three_ratings,
        last_value(t.rating_last_3 IGNORE NULLS) OVER so_far AS rating_last_3,
        last_value(t.rating_before IGNORE NULLS) OVER so_far AS rating_before,
        lead(r.meeting_no) OVER so_far IS NULL AS latest_roster_meeting
    FROM roster_meeting r
    LEFT JOIN first_missed_of_first_three f USING (member_key, spell_no)
    LEFT JOIN airtime_state q USING (member_key, meeting_no)
    LEFT JOIN rating_state t USING (member_key, meeting_no)
    WINDOW
        so_far AS (PARTITION BY r.member_key ORDER BY r.meeting_no ROWS UNBOUNDED PRECEDING),
        last_two AS (PARTITION BY r.member_key ORDER BY r.meeting_no ROWS 1 PRECEDING),
        last_six AS (PARTITION BY r.member_key ORDER BY r.meeting_no ROWS 5 PRECEDING)
),
latest_meeting AS (
    SELECT group_id, meeting_id, held_on, meeting_no
    FROM (SELECT *, row_number() OVER (PARTITION BY group_id ORDER BY meeting_no DESC) AS from_last FROM meetings)
    WHERE from_last = 1
),
point AS (
    SELECT
        member_key, group_id, member_id, meeting_id, held_on, meeting_no, true AS on_roster, spell_no, joined_on,
        missed_last_two, missed_last_three, last_six_meetings, last_six_attended,
        held_on - joined_on <= 183 AND coalesce(missed_one_of_first_three, false) AS early_no_show,
        quiet_at_last_three, low_last_three_ratings,
        missed_last_2, missed_in_a_row, airtime_ratio_last_3, rating_last_3, rating_before
    FROM roster_history
    UNION ALL
    -- active members not on the roster of their group's latest meeting (joined since): scored there,
    -- from their history in the group (an earlier spell's), if any
    SELECT
        k.member_key, s.group_id, s.member_id, l.meeting_id, l.held_on, l.meeting_no, false, s.spell_no, s.joined_on,
        h.missed_last_two, h.missed_last_three, h.last_six_meetings, h.last_six_attended,
        false,
        h.quiet_at_last_three, h.low_last_three_ratings,
        h.missed_last_2, h.missed_in_a_row, h.airtime_ratio_last_3, h.rating_last_3, h.rating_before
    FROM memberships s
    JOIN group_member k USING (group_id, member_id)
    JOIN latest_meeting l USING (group_id)
    LEFT JOIN roster_history h ON h.member_key = k.member_key AND h.latest_roster_meeting
    WHERE s.active AND (h.meeting_no IS NULL OR h.meeting_no < l.meeting_no)
),
closing AS (
    -- each closing follow-up, and whether it and the member's previous one both scored 0; closes at
    -- one meeting are taken in the order the commitments were made
    SELECT
        k.member_key,
        m.meeting_no,
        row_number() OVER in_order AS close_no,
        f.outcome IN ('not_done', 'dropped') AND lag(f.outcome IN ('not_done', 'dropped')) OVER in_order
            AS last_two_scored_zero,
        avg(CASE f.outcome WHEN 'done' THEN 1.0 WHEN 'partial' THEN 0.5 ELSE 0.0 END)
            OVER (in_order ROWS 2 PRECEDING) AS follow_through_last_3
    FROM commitment_follow_ups f
    JOIN meetings m USING (meeting_id)
    JOIN group_member k ON k.group_id = f.group_id AND k.member_id = f.member_id
    WHERE f.outcome <> 'carried_forward'
    WINDOW in_order AS (PARTITION BY k.member_key ORDER BY m.meeting_no, f.made_on, f.commitment_id)
),
closing_history AS (
    -- as it stood after each meeting at which the member's commitments were closed
    SELECT
        member_key,
        meeting_no,
        coalesce(arg_max(last_two_scored_zero, close_no), false) AS last_two_scored_zero,
        arg_max(follow_through_last_3, close_no) AS follow_through_last_3
    FROM closing
    GROUP BY member_key, meeting_no
),
due_date_change AS (
    -- each due date a commitment has had and the day it took effect, then the day a carry or close ended it
    SELECT commitment_id, group_id, member_id, made_on AS since, original_due_on AS due_on, 0 AS position, false AS closes
    FROM commitments
    UNION ALL
    SELECT commitment_id, group_id, member_id, held_on, new_due_on, position, outcome <> 'carried_forward'
    FROM commitment_follow_ups
),
overdue_period AS (
    -- overdue from the day after the due date until the day it was carried forward or closed
    SELECT
        group_id,
        member_id,
        greatest(since, due_on + 1) AS overdue_from,
        lead(since) OVER (PARTITION BY commitment_id ORDER BY position) AS overdue_until,
        closes
    FROM due_date_change
),
overdue_change AS (
    SELECT group_id, member_id, overdue_from AS changed_on, 1 AS delta
    FROM overdue_period
    WHERE NOT closes AND (overdue_until IS NULL OR overdue_until > overdue_from)
    UNION ALL
    SELECT group_id, member_id, overdue_until, -1
    FROM overdue_period
    WHERE NOT closes AND overdue_until > overdue_from
),
overdue_history AS (
    SELECT
        k.member_key,
        c.changed_on,
        sum(sum(c.delta)) OVER (PARTITION BY k.member_key ORDER BY c.changed_on ROWS UNBOUNDED PRECEDING) AS overdue
    FROM overdue_change c
    JOIN group_member k USING (group_id, member_id)
    GROUP BY k.member_key, c.changed_on
),
signal AS (
    SELECT
        p.*,
        coalesce(p.missed_last_two, false) AS consecutive_absences,
        coalesce(p.last_six_meetings >= 3 AND 2 * p.last_six_attended < p.last_six_meetings, false) AS low_attendance,
        coalesce(c.last_two_scored_zero, false) OR coalesce(o.overdue >= 2, false) AS missed_commitments,
        coalesce(p.quiet_at_last_three, false) AS going_quiet,
        coalesce(p.low_last_three_ratings, false) AS low_ratings,
        coalesce(o.overdue, 0) AS overdue_commitments,
        c.follow_through_last_3
    FROM point p
    ASOF LEFT JOIN closing_history c ON c.member_key = p.member_key AND p.meeting_no >= c.meeting_no
    ASOF LEFT JOIN overdue_history o ON o.member_key = p.member_key AND p.held_on >= o.changed_on
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
            CASE WHEN s.missed_last_three THEN w.consecutive_absences_3_or_more ELSE w.consecutive_absences END
        ELSE 0 END
        + CASE WHEN s.early_no_show THEN w.early_no_show ELSE 0 END
        + CASE WHEN s.low_attendance THEN w.low_attendance ELSE 0 END
        + CASE WHEN s.missed_commitments THEN w.missed_commitments ELSE 0 END
        + CASE WHEN s.going_quiet THEN w.going_quiet ELSE 0 END
        + CASE WHEN s.low_ratings THEN w.low_ratings ELSE 0 END
    ), 6)::DOUBLE AS rules_score,
    s.consecutive_absences,
    s.early_no_show,
    s.low_attendance,
    s.missed_commitments,
    s.going_quiet,
    s.low_ratings,
    coalesce(s.missed_last_three, false) AS missed_three_in_a_row,
    s.overdue_commitments::BIGINT AS overdue_commitments,
    s.spell_no,
    greatest(0, s.held_on - s.joined_on)::BIGINT AS days_in_group,
    s.held_on - s.joined_on <= 183 AS new_member,
    -- least() would skip a NULL and make it 3
    CASE WHEN s.missed_in_a_row > 3 THEN 3 ELSE s.missed_in_a_row END::BIGINT AS missed_in_a_row,
    s.missed_last_2::BIGINT AS missed_last_2,
    (1 - s.last_six_attended / s.last_six_meetings)::DOUBLE AS absence_rate_last_6,
    s.rating_last_3::DOUBLE AS rating_last_3,
    (s.rating_before - s.rating_last_3)::DOUBLE AS rating_drop,
    s.airtime_ratio_last_3::DOUBLE AS airtime_ratio_last_3,
    s.follow_through_last_3::DOUBLE AS follow_through_last_3
FROM signal s
CROSS JOIN weight w
