"""The dashboards' pages, by the path each is served at: one list for the router (`st.Page(url_path=...)`)
and for the links in emails, so a link can never point at a page that does not exist."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    file: str  # dashboards/views/<file>
    title: str
    icon: str
    path: str  # the URL path it is served at ("" for the root)


PORTFOLIO = Page("programme_portfolio.py", "Portfolio", "📊", "programme_portfolio")
TRENDS = Page("programme_trends.py", "Attendance and follow-through", "📈", "programme_trends")
RETENTION = Page("programme_retention.py", "Retention and dropout risk", "🧭", "programme_retention")
NEXT_MEETING = Page("group_next_meeting.py", "Before the next meeting", "🗓️", "group_next_meeting")
AIRTIME = Page("group_airtime.py", "Airtime", "🎙️", "group_airtime")
RECORD_MEETING = Page("record_meeting.py", "Record a meeting", "📝", "record_meeting")
CORRECT_MEETING = Page("correct_meeting.py", "Correct a meeting", "🛠️", "correct_meeting")
MY_COMMITMENTS = Page("my_commitments.py", "My commitments", "✅", "my_commitments")
MY_ATTENDANCE = Page("my_attendance.py", "My attendance and airtime", "🙋", "my_attendance")
MY_CHECK_IN = Page("my_check_in.py", "Check in and rate", "☑️", "my_check_in")
MY_EMAILS = Page("my_emails.py", "Emails", "✉️", "my_emails")
ADMIN_GROUPS = Page("admin_groups.py", "Groups", "🏛️", "admin_groups")
ADMIN_MEMBERS = Page("admin_members.py", "Members", "🪪", "admin_members")

# The page each kind of message is about (None: the root, a lead's first page, the portfolio), and the
# page where a kind is turned off.
FOR_MESSAGE: dict[str, Page | None] = {"briefing": NEXT_MEETING, "nudge": MY_CHECK_IN, "digest": None}
PREFERENCES = MY_EMAILS


def url(base: str, page: Page | None, **params: str) -> str:
    """The page's address under `base` (the dashboards' public URL; None: the root), with parameters."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}/{page.path if page else ''}" + (f"?{query}" if query else "")
