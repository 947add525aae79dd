-- Airtime per participant of each meeting that recorded speaking_seconds (METRICS.md, "Airtime").
-- Participants are the attendees after corrections, silent ones included: someone corrected into
-- attendance spoke 0 seconds (nobody recorded them), someone corrected out is not a participant.
-- share = seconds / S and dominance_ratio = share * n (1.0 = a fair share); both NULL when S = 0.
WITH participant AS (
    SELECT a.group_id, a.meeting_id, a.held_on, a.member_id, coalesce(r.seconds, 0)::DOUBLE AS seconds
    FROM meeting_attendance a
    JOIN meetings m USING (meeting_id)
    JOIN roster_entries r USING (meeting_id, member_id)
    WHERE m.has_airtime AND a.attended
),
with_meeting_totals AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY meeting_id) AS participants,
        sum(seconds) OVER (PARTITION BY meeting_id) AS total_seconds
    FROM participant
)
SELECT
    group_id,
    meeting_id,
    held_on,
    member_id,
    seconds,
    CASE WHEN total_seconds > 0 THEN seconds / total_seconds END AS share,
    -- seconds * n / S rather than share * n: exact whenever the true ratio is, so 2.0 stays 2.0
    CASE WHEN total_seconds > 0 THEN seconds * participants / total_seconds END AS dominance_ratio
FROM with_meeting_totals
