-- The warehouse's base: one append-only fact table per kind of event, each row stamped with the
-- event's position in the log. The catch-up writes a page of rows and the new position in one
-- transaction, so the facts always hold exactly the events up to `projection_state.last_position`.
-- Pseudonymous by construction: ids, dates, statuses and figures; no names, emails or texts.

CREATE TABLE IF NOT EXISTS projection_state (
    id INTEGER PRIMARY KEY,
    last_position BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS event_log (position BIGINT NOT NULL, topic VARCHAR NOT NULL);

CREATE TABLE IF NOT EXISTS fact_group_formed (
    position BIGINT, stream_id VARCHAR, group_id VARCHAR, cadence VARCHAR, formed_on DATE
);
CREATE TABLE IF NOT EXISTS fact_membership (
    position BIGINT, stream_id VARCHAR, member_id VARCHAR, change VARCHAR, changed_on DATE, reason VARCHAR
);
CREATE TABLE IF NOT EXISTS fact_facilitator_assigned (
    position BIGINT, stream_id VARCHAR, member_id VARCHAR, assigned_on DATE
);
CREATE TABLE IF NOT EXISTS fact_confidentiality_signed (
    position BIGINT, stream_id VARCHAR, member_id VARCHAR, signed_on DATE
);
CREATE TABLE IF NOT EXISTS fact_member_registered (position BIGINT, stream_id VARCHAR, member_id VARCHAR);
CREATE TABLE IF NOT EXISTS fact_meeting_held (
    position BIGINT, stream_id VARCHAR, meeting_id VARCHAR, group_id VARCHAR, held_on DATE,
    topic VARCHAR, format VARCHAR, has_airtime BOOLEAN, has_guest_speaker BOOLEAN
);
CREATE TABLE IF NOT EXISTS fact_meeting_roster (
    position BIGINT, meeting_id VARCHAR, member_id VARCHAR, recorded_status VARCHAR, seconds DOUBLE, presented BOOLEAN
);
CREATE TABLE IF NOT EXISTS fact_attendance_corrected (
    position BIGINT, stream_id VARCHAR, member_id VARCHAR, status VARCHAR
);
CREATE TABLE IF NOT EXISTS fact_meeting_rated (position BIGINT, stream_id VARCHAR, member_id VARCHAR, score INTEGER);
CREATE TABLE IF NOT EXISTS fact_commitment_made (
    position BIGINT, stream_id VARCHAR, commitment_id VARCHAR, member_id VARCHAR, group_id VARCHAR,
    meeting_id VARCHAR, made_on DATE, due_on DATE
);
CREATE TABLE IF NOT EXISTS fact_commitment_followed_up (
    position BIGINT, stream_id VARCHAR, meeting_id VARCHAR, held_on DATE, outcome VARCHAR, new_due_on DATE
);
