"""When each message is due, and the occasion it is for: with the recipient and the kind, the occasion is
the key that a message is sent under at most once (domain.model.Message).

Meetings have a day, not a time (docs/import-format.md), so a briefing counts its hours back from the
start of the meeting's day, in the time zone of the run's clock (the machine's, or `--now`'s offset).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

NUDGE_DAYS_AHEAD = 7  # a commitment due within the next week is nudged about
CHECKED_IN_DAYS = 3  # ... unless its member checked in on it today or on the two days before


def briefing_occasion(group_id: str, meeting_on: date) -> str:
    """A briefing prepares one expected meeting of one group."""
    return f"{group_id}@{meeting_on.isoformat()}"


def briefing_due(meeting_on: date, now: datetime, hours: float) -> bool:
    """From `hours` before the start of the meeting's day until that day ends: a run that missed the
    moment (the server was down) still sends it before the meeting, never after."""
    start = datetime.combine(meeting_on, time(0), tzinfo=now.tzinfo)
    return start - timedelta(hours=hours) <= now < start + timedelta(days=1)


def nudge_occasion(today: date) -> str:
    """At most one nudge per member per day: the day is the occasion."""
    return today.isoformat()


def nudge_window(today: date) -> tuple[date, date]:
    """Commitments due from today to a week from today, both included (an overdue one is the
    facilitator's to follow up, not a reminder's)."""
    return today, today + timedelta(days=NUDGE_DAYS_AHEAD)


def checked_in_recently(checked_in_on: date | None, today: date) -> bool:
    return checked_in_on is not None and checked_in_on > today - timedelta(days=CHECKED_IN_DAYS)


def digest_occasion(today: date) -> str:
    """One digest per ISO week (`2026-W27`)."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_due(today: date, weekday: int) -> bool:
    """From the configured day of the week on (0 Monday ... 6 Sunday): a run later in the week that finds
    this week's digest unsent sends it then."""
    return today.weekday() >= weekday


def week_of(today: date) -> date:
    """The Monday of `today`'s ISO week."""
    return today - timedelta(days=today.weekday())
