"""One clock. `PEERPULSE_TODAY` (YYYY-MM-DD) pins the day, for reproducible demos and tests."""

from __future__ import annotations

import os
from datetime import date, datetime


def today() -> date:
    pinned = os.environ.get("PEERPULSE_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def now() -> datetime:
    """This moment in the machine's time zone, on the day `today` says (a pinned day keeps the time of day)."""
    moment = datetime.now().astimezone()
    return datetime.combine(today(), moment.timetz())
