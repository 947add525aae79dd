"""Numbers and dates the way people read them: "85%", "3 Mar 2026", "2.4× a fair share".

A figure with no data is NULL in the warehouse (docs/metrics.md); here it reads as a dash, never as 0.
The figures' words live beside the warehouse that defines them, so the dashboards' pages and the emails
(notifications/) say each figure the same way.
"""

from __future__ import annotations

from datetime import date, datetime

NO_DATA = "–"

TIERS = {
    "high_risk": "🔴 High risk",
    "at_risk": "🟠 At risk",
    "fit": "🟢 Fit",
    "healthy": "💚 Healthy",
}

RISK_LEVELS = {"high": "🔴 High", "medium": "🟠 Medium", "low": "⚪ Low"}

# Dropout-risk reason codes (docs/metrics.md, "Dropout risk") as a facilitator would say them.
REASONS = {
    "consecutive_absences": "missed the last 2 or more meetings in a row",
    "early_no_show": "new, and missed one of their first meetings",
    "low_attendance": "attended under half of their last meetings",
    "missed_commitments": "commitments slipping (missed or overdue)",
    "going_quiet": "has gone quiet in recent meetings",
    "low_ratings": "rates the meetings low",
}

FIGURES = {"attendance_rate": "Attendance", "follow_through_rate": "Follow-through"}  # programme_trends codes

COMMITMENT_STATUSES = {
    "open": "Open",
    "done": "Done",
    "partial": "Partly done",
    "not_done": "Not done",
    "dropped": "Dropped",
}

ATTENDANCE_STATUSES = {"present": "Present", "late": "Late", "absent": "Absent", "excused": "Excused"}


def percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return NO_DATA
    return f"{value * 100:.{digits}f}%"


def score(value: float | None) -> str:
    """A 0–100 score, such as a group's health score."""
    return NO_DATA if value is None else f"{value:.0f}"


def rating(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f} / 10"


def gini(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.2f}"


def ratio(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}×"


def times_fair_share(value: float | None) -> str:
    return NO_DATA if value is None else f"{ratio(value)} a fair share"


def day(value: date | datetime | None) -> str:
    if value is None:
        return NO_DATA
    return f"{value.day} {value:%b %Y}"


def weekday(value: date | None) -> str:
    if value is None:
        return NO_DATA
    return f"{value:%a} {value.day} {value:%b %Y}"


def month(value: date | None) -> str:
    return NO_DATA if value is None else f"{value:%b %Y}"


def count(n: int | None, singular: str, plural: str | None = None) -> str:
    n = n or 0
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def tier(code: str | None) -> str:
    return TIERS.get(code or "", NO_DATA)


def risk_level(code: str | None) -> str:
    return RISK_LEVELS.get(code or "", NO_DATA)


def reasons(codes: str | None) -> str:
    """`consecutive_absences,going_quiet` -> "missed the last meetings in a row; has gone quiet ..."."""
    found = [
        REASONS.get(code.strip(), code.strip().replace("_", " ")) for code in (codes or "").split(",") if code.strip()
    ]
    return "; ".join(found) if found else NO_DATA


def commitment_status(code: str | None) -> str:
    return COMMITMENT_STATUSES.get(code or "", NO_DATA)


PROGRESS = {"on_track": "🟢 on track", "at_risk": "🟠 at risk", "blocked": "🔴 blocked"}


def progress(code: str | None) -> str:
    return PROGRESS.get(code or "", NO_DATA)
