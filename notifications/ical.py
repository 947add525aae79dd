"""The facilitator's next meeting as an iCalendar event, attached to the briefing.

A meeting has a day, not a time (docs/import-format.md), so the event is an all-day one on the day the
group's cadence expects it. Its UID is the group and the day, so a calendar that imports a later
briefing for the same meeting updates the event instead of adding a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from notifications.content import Briefing

PRODID = "-//PeerPulse//Briefings//EN"


def meeting_uid(briefing: Briefing, domain: str) -> str:
    return f"{briefing.group_id}-{briefing.meeting_on.isoformat()}@{domain}"


def meeting_event(briefing: Briefing, stamp: datetime, domain: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", meeting_uid(briefing, domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", briefing.meeting_on)
    event.add("dtend", briefing.meeting_on + timedelta(days=1))
    event.add("summary", f"{briefing.group}: next meeting")
    event.add(
        "description",
        f"Expected by the group's {briefing.meeting.cadence} cadence "
        f"(last met {briefing.meeting.last_held_on.isoformat()}). "
        f"Prepare it: {briefing.page_url}",
    )
    event.add("url", briefing.page_url)
    event.add("transp", "TRANSPARENT")  # an all-day marker, not a block of busy time
    calendar.add_component(event)
    return calendar.to_ical()
