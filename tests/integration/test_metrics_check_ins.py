"""Check-ins in the warehouse, worked out by hand: each commitment's latest check-in (latest day, then
latest recorded), the as-of date, and the lead's counts per group (counts only, never a commitment)."""

from __future__ import annotations

from tests.integration.programmes import Programme, rows


def check_in_programme() -> Programme:
    p = Programme().group("north", "2026-01-05")
    for member in ("ana", "bob"):
        p.join("north", member, "2026-01-05")
    p.meeting("north", "n1", "2026-05-04", {"ana": "present", "bob": "present"})
    p.commit("c-ana", "ana", "n1", "2026-07-01").commit("c-bob", "bob", "n1", "2026-07-01")
    p.commit("c-old", "ana", "n1", "2026-05-20")
    p.check_in("k1", "c-ana", "ana", "2026-05-10", "on_track", 8)
    p.check_in("k3", "c-ana", "ana", "2026-06-10", "at_risk", 5)  # the latest day wins...
    p.check_in("k2", "c-ana", "ana", "2026-06-10", "blocked", 2)  # ...and on one day, the last recorded
    p.check_in("k4", "c-bob", "bob", "2026-05-11", "on_track", 9)  # older than 30 days on 2026-06-30
    p.check_in("k5", "c-old", "ana", "2026-05-12", "on_track", 7)
    p.meeting("north", "n2", "2026-06-01", {"ana": "present", "bob": "present"})
    p.follow_up("c-old", "n2", "done")  # closed: not open any more
    p.check_in("k6", "c-bob", "bob", "2026-07-15", "blocked", 1)  # after the as-of date
    return p


def test_each_commitments_latest_check_in_and_the_leads_counts(warehouse):
    con = warehouse(check_in_programme(), "2026-06-30")
    latest = {r["commitment_id"]: r for r in rows(con, "SELECT * FROM commitment_check_ins")}
    assert {
        c: (str(r["checked_in_on"]), r["progress"], r["confidence"], r["check_ins"]) for c, r in latest.items()
    } == {
        "c-ana": ("2026-06-10", "blocked", 2, 3),
        "c-bob": ("2026-05-11", "on_track", 9, 1),  # k6 is after the as-of date
        "c-old": ("2026-05-12", "on_track", 7, 1),
    }
    # open: c-ana, c-bob; checked in within 30 days (after 2026-05-31): c-ana only, whose latest is blocked
    assert rows(con, "SELECT * FROM group_check_ins") == [
        {"group_id": "north", "open_commitments": 2, "checked_in": 1, "at_risk": 0, "blocked": 1}
    ]
