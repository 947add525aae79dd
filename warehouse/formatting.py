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
    "consecutive_absences": "missed their last meetings in a row",
    "low_attendance": "has missed many of their recent meetings",
    "low_ratings": "rates the meetings low",
    "ratings_falling": "rates the meetings lower than they used to",
    "going_quiet": "has gone quiet in recent meetings",
    "missed_commitments": "commitments slipping (missed or overdue)",
    "new_member": "joined in the last six months",
}

# The dropout warning and its baselines (dropout_evaluation.model), as a lead would say them.
MODELS = {
    "dropout_model": "The fitted score",
    "absence_rate_last_6": "Share of the last 6 meetings missed",
    "missed_last_2": "Meetings missed of the last 2",
    "rating_last_3": "Mean of the last 3 ratings",
    "rules_v1": "The first score (hand-set rules)",
}

# Where an evaluation's figures come from (dropout_evaluation.source, health_validation.source).
SOURCES = {
    "programme": "this programme's own history",
    "synthetic_strong": "synthetic programmes where most leavers fade for months first",
    "synthetic_weak": "synthetic programmes where some leavers fade a little first",
    "synthetic_late": "synthetic programmes where leavers fade only in their last weeks",
    "synthetic_none": "synthetic programmes where nothing foretells a dropout",
}

CADENCES = {
    "all": "All groups",
    "weekly": "Weekly",
    "biweekly": "Every two weeks",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
}

# The figures the dropout score weighs (dropout_model.term), as a lead would say them.
TERMS = {
    "absence_rate_last_6": "Share of the last 6 meetings missed",
    "missed_in_a_row": "Meetings missed in a row",
    "missed_last_2": "Meetings missed of the last 2",
    "rating_last_3": "Mean of the last 3 ratings",
    "rating_drop": "Fall in their ratings",
    "airtime_ratio_last_3": "Share of the airtime lately",
    "follow_through_last_3": "Follow-through on the last 3 commitments",
    "overdue_commitments": "Commitments overdue",
    "new_member": "Joined in the last six months",
}

HEALTH_FIGURES = {  # health_validation.figure
    "health_score": "Health score",
    "attendance": "Attendance",
    "follow_through": "Follow-through",
    "airtime_balance": "Airtime balance",
    "retention": "Retention",
    "rating": "Rating",
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


def ratio_plain(value: float | None) -> str:
    """A count per something, such as check-ins per facilitator-month: "1.4"."""
    return NO_DATA if value is None else f"{value:.1f}"


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


def risk_figure(probability: float | None, risk_score: float | None) -> str:
    """What a dropout_risk row's score means: the calibrated probability, or (too little history to fit
    on) the share of the last 6 meetings missed that stands in for it (docs/metrics.md, "Dropout risk")."""
    if probability is not None:
        return f"{percent(probability)} chance of dropping out within 90 days"
    return f"missed {percent(risk_score)} of their last 6 meetings"


def auc(value: float | None) -> str:
    """A ROC AUC: 0.50 is guessing, 1.00 perfect."""
    return NO_DATA if value is None else f"{value:.2f}"


def interval(low: float | None, high: float | None, signed: bool = False) -> str:
    """A 95% interval, "0.69–0.78" (signed: "+0.01 to +0.06", as a gain)."""
    if low is None or high is None:
        return NO_DATA
    return f"{low:+.2f} to {high:+.2f}" if signed else f"{low:.2f}–{high:.2f}"


def model(code: str | None) -> str:
    return MODELS.get(code or "", (code or NO_DATA).replace("_", " "))


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
