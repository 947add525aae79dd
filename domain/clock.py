"""One clock. `PEERPULSE_TODAY` (YYYY-MM-DD) pins it, for reproducible demos and tests."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    pinned = os.environ.get("PEERPULSE_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
