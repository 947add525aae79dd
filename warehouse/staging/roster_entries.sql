-- Every member on the roster of a meeting held on or before the as-of date, as hold_meeting recorded them.
SELECT r.meeting_id, r.member_id, r.recorded_status, r.seconds, r.presented AS listed_as_presenter
FROM fact_meeting_roster r
WHERE r.meeting_id IN (SELECT meeting_id FROM fact_meeting_held WHERE held_on <= getvariable('as_of'))
