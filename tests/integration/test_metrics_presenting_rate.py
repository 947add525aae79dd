"""member_presenting_rate on a hand-built group: each active member's presentations over the meetings
they were on the roster of in the twelve months up to the as-of date, worked out by hand."""

from __future__ import annotations

from pytest import approx

from tests.integration.programmes import Programme, rows

AS_OF = "2025-12-31"  # the window is the meetings held after 2024-12-31


def presenting_programme() -> Programme:
    p = Programme().group("east", "2024-06-01")
    for member in ("ana", "ben", "cy"):
        p.join("east", member, "2024-06-01")
    p.meeting("east", "e0", "2024-11-15", {"ana": "present"}, presenters=["ana"])  # older than 12 months
    p.meeting("east", "e1", "2025-01-15", {"ana": "present", "ben": "present"}, presenters=["ana"])
    p.meeting("east", "e2", "2025-03-15", {"ana": "present", "ben": "present"}, presenters=["ben"])
    p.correct("e2", "ben", "absent")  # corrected out: ben did not present at e2 after all
    p.join("east", "dee", "2025-05-01")  # joins mid-window: only her meetings count
    p.meeting("east", "e3", "2025-06-15", {"ana": "present", "dee": "present"}, presenters=["ana", "dee"])
    p.leave("east", "cy", "2025-07-01", "moved")  # left: no row
    p.meeting("east", "e4", "2025-09-15", {"ben": "present", "dee": "late"}, presenters=["ben"])
    return p


def test_presenting_rate_counts_the_last_twelve_months_of_roster_meetings(warehouse):
    con = warehouse(presenting_programme(), AS_OF)
    found = {r["member_id"]: r for r in rows(con, "SELECT * FROM member_presenting_rate WHERE group_id = 'east'")}
    assert sorted(found) == ["ana", "ben", "dee"]
    # ana: on the roster of e1..e4 (e0 is too old), presented at e1 and e3
    assert (found["ana"]["roster_meetings_12m"], found["ana"]["presented_12m"]) == (4, 2)
    assert found["ana"]["presenting_rate"] == approx(2 / 4)
    # ben: e1..e4, presented only at e4 (his e2 presentation was corrected away)
    assert (found["ben"]["roster_meetings_12m"], found["ben"]["presented_12m"]) == (4, 1)
    assert found["ben"]["presenting_rate"] == approx(1 / 4)
    # dee: joined 2025-05-01, so on the roster of e3 and e4 only; presented at e3
    assert (found["dee"]["roster_meetings_12m"], found["dee"]["presented_12m"]) == (2, 1)
    assert found["dee"]["presenting_rate"] == approx(1 / 2)


def test_a_member_on_no_roster_in_twelve_months_has_no_rate(warehouse):
    p = presenting_programme()
    con = warehouse(p, "2027-01-31")  # no meeting in the twelve months before
    found = rows(con, "SELECT * FROM member_presenting_rate WHERE member_id = 'ana'")
    assert found == [
        {"group_id": "east", "member_id": "ana", "roster_meetings_12m": 0, "presented_12m": 0, "presenting_rate": None}
    ]
