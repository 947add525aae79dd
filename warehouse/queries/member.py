"""Members' own commitments, for the reminders that go to each of them (the nudge)."""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.queries import Reader


def commitments_falling_due(reader: Reader, first: date, last: date) -> pl.DataFrame:
    """Every open commitment of a current member of its group whose due date lies from `first` to `last`
    (both included), with the day of its latest check-in (NULL: none), by member and due date."""
    return reader.query(
        """
        SELECT c.member_id, c.group_id, c.commitment_id, c.made_on, c.due_on, c.times_carried_forward,
               k.checked_in_on AS last_checked_in_on
        FROM member_commitments c
        LEFT JOIN commitment_check_ins k USING (commitment_id)
        WHERE c.status = 'open' AND c.due_on BETWEEN ? AND ?
          AND EXISTS (SELECT 1 FROM group_members m
                      WHERE m.group_id = c.group_id AND m.member_id = c.member_id AND m.active)
        ORDER BY c.member_id, c.due_on, c.commitment_id
        """,
        [first, last],
    )
