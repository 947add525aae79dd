"""Loaded by every Python process a test starts with this folder on PYTHONPATH: its runs of
send-reminders read the wall clock PEERPULSE_TEST_CLOCK_AHEAD seconds ahead. The claims a killed run left
then lapse without the test waiting out the shortest claim a configuration may set
(notifications.config.MIN_CLAIM_SECONDS); the time a handover may take is measured apart, unchanged."""

import os
from datetime import timedelta

AHEAD = float(os.environ.get("PEERPULSE_TEST_CLOCK_AHEAD") or 0)

if AHEAD:
    from notifications import sending

    _real = sending.wall_clock
    sending.wall_clock = lambda: _real() + timedelta(seconds=AHEAD)
