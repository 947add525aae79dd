"""Dropout risk (docs/metrics.md, "Dropout risk"): each signal firing and not firing, the 0.55 variant, the
level thresholds and the order of reasons, and the backtest's AUC against an independent computation.
Scores are worked out by hand from the weights 0.35 / 0.55, 0.20, 0.15, 0.20, 0.10, 0.10."""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.programmes import Programme, by, rows

D = date.fromisoformat
MEETINGS = [f"2024-{month:02d}-10" for month in range(1, 13)]  # the 10th of each month of 2024

# Each member's status at the twelve monthly meetings: P present, A absent, E excused, - not a member yet.
ATTENDANCE = {
    "steady": "PPPPPPPPPPPP",
    "absent2": "PPPPPPPPPPAA",
    "absent3": "PPPPPPPPPAEA",  # 3 in a row; attended 3 of the last 6: not *under* half
    "lowatt": "PPPPPPAPAAPA",  # 2 of the last 6
    "newbie": "---------EPP",  # joined 1 Oct, missed the first of their first three
    "newbie_ok": "---------PPP",
    "newbie_gone": "----------AA",  # joined 1 Nov, missed both: only 2 meetings, too few for low_attendance
    "oldnew": "-----APPPPPP",  # joined 9 Jun: 184 days before 10 Dec
    "edge183": "-----APPPPPP",  # joined 10 Jun: 183 days before 10 Dec
    "missed2": "PPPPPPPPPPPP",
    "missed_not": "PPPPPPPPPPPP",
    "overdue2": "PPPPPPPPPPPP",
    "overdue1": "PPPPPPPPPPPP",
    "quiet": "PPPPPPPPPPPP",
    "quiet_not": "PPPPPPPPPPPP",
    "quiet_skip": "PPPPPPPPPPAP",
    "lowrate": "PPPPPPPPPPPP",
    "lowrate_not": "PPPPPPPPPPPP",
    "combo": "PPPPPPPPPPAA",
    "tie": "---------PEP",
    "everything": "PPPPPPAPPAAA",
    "half_high": "PPPPPPAPAPAA",
    "quarter_medium": "PPPPPPAPAAPA",
    "leaver": "PPPPPPPPPPPP",  # leaves on 20 Dec, after the last meeting
    "late_joiner": "------------",  # joins on 15 Dec, after the last meeting
}
JOINED = {
    "newbie": "2024-10-01",
    "newbie_ok": "2024-10-01",
    "tie": "2024-10-01",
    "newbie_gone": "2024-11-01",
    "oldnew": "2024-06-09",
    "edge183": "2024-06-10",
    "late_joiner": "2024-12-15",
}
STATUS = {"P": "present", "A": "absent", "E": "excused"}
# Airtime is recorded from June: everyone who attends speaks 100 s, except these members in these months, 10 s.
QUIET = {"quiet": {10, 11, 12}, "quiet_not": {11, 12}, "quiet_skip": {9, 10, 12}, "everything": {6, 8, 9}}
RATINGS = {
    "lowrate": {6: 9, 7: 9, 8: 9, 9: 9, 10: 5, 11: 5, 12: 5},  # last three: mean 5 <= 5
    "lowrate_not": {7: 1, 8: 1, 9: 1, 10: 4, 11: 6, 12: 6},  # last three: mean 16/3 > 5
    "combo": {8: 3, 9: 4, 10: 2},
    "everything": {6: 3, 8: 4, 9: 5},
    "quarter_medium": {5: 9, 6: 5, 8: 5, 11: 5},
}
# (commitment, member, made in month, due_on, [(followed up in month, outcome)])
COMMITMENTS = [
    ("m2-a", "missed2", 8, "2024-09-05", [(9, "done")]),
    ("m2-b", "missed2", 9, "2024-10-05", [(10, "not_done")]),
    ("m2-c", "missed2", 10, "2024-11-05", [(11, "dropped")]),  # last two closed both scored 0
    ("mn-a", "missed_not", 9, "2024-10-05", [(10, "not_done")]),
    ("mn-b", "missed_not", 10, "2024-11-05", [(11, "done")]),
    ("o2-a", "overdue2", 10, "2024-11-01", []),
    ("o2-b", "overdue2", 11, "2024-12-01", []),  # two overdue on 10 Dec
    ("o1-a", "overdue1", 10, "2024-11-01", []),
    ("o1-b", "overdue1", 11, "2024-12-20", []),  # due after 10 Dec: only one overdue then
    ("cb-a", "combo", 9, "2024-10-01", []),
    ("cb-b", "combo", 10, "2024-11-01", []),
    ("ti-a", "tie", 10, "2024-10-20", []),
    ("ti-b", "tie", 10, "2024-10-25", []),
    ("ev-a", "everything", 8, "2024-08-20", []),
    ("ev-b", "everything", 9, "2024-09-20", []),
]


def risk_programme() -> Programme:
    p = Programme().group("risk", "2024-01-01")
    members_by_join = sorted(ATTENDANCE, key=lambda m: JOINED.get(m, "2024-01-01"))
    joined = set()
    for month, held_on in enumerate(MEETINGS, start=1):
        for member in members_by_join:
            if member not in joined and JOINED.get(member, "2024-01-01") <= held_on:
                p.join("risk", member, JOINED.get(member, "2024-01-01"))
                joined.add(member)
        attendance = {m: STATUS[pattern[month - 1]] for m, pattern in ATTENDANCE.items() if pattern[month - 1] != "-"}
        seconds = None
        if month >= 6:
            seconds = {m: (10 if month in QUIET.get(m, ()) else 100) for m, s in attendance.items() if s == "present"}
        meeting = f"risk-{month:02d}"
        p.meeting("risk", meeting, held_on, attendance, seconds)
        for commitment, member, made, due_on, follow_ups in COMMITMENTS:
            for when, outcome in follow_ups:
                if when == month:
                    p.follow_up(commitment, meeting, outcome)
            if made == month:
                p.commit(commitment, member, meeting, due_on)
        for member, scores in RATINGS.items():
            if month in scores:
                p.rate(meeting, member, scores[month])
    p.join("risk", "late_joiner", "2024-12-15")
    p.leave("risk", "leaver", "2024-12-20", "moved")
    return p


EXPECTED = {  # member: (risk_score, level, reasons)
    "steady": (0.0, "low", ""),
    "absent2": (0.35, "medium", "consecutive_absences"),
    "absent3": (0.55, "high", "consecutive_absences"),
    "lowatt": (0.15, "low", "low_attendance"),
    "newbie": (0.20, "low", "early_no_show"),
    "newbie_ok": (0.0, "low", ""),
    "newbie_gone": (0.35 + 0.20, "high", "consecutive_absences,early_no_show"),
    "oldnew": (0.0, "low", ""),
    "edge183": (0.20, "low", "early_no_show"),
    "missed2": (0.20, "low", "missed_commitments"),
    "missed_not": (0.0, "low", ""),
    "overdue2": (0.20, "low", "missed_commitments"),
    "overdue1": (0.0, "low", ""),
    "quiet": (0.10, "low", "going_quiet"),
    "quiet_not": (0.0, "low", ""),
    "quiet_skip": (0.10, "low", "going_quiet"),
    "lowrate": (0.10, "low", "low_ratings"),
    "lowrate_not": (0.0, "low", ""),
    "combo": (0.35 + 0.20 + 0.10, "high", "consecutive_absences,missed_commitments,low_ratings"),
    "tie": (0.20 + 0.20, "medium", "early_no_show,missed_commitments"),  # a tie: the table's order
    "everything": (
        1.0,
        "high",  # min(1, 0.55 + 0.20 + 0.15 + 0.10 + 0.10)
        "consecutive_absences,missed_commitments,low_attendance,going_quiet,low_ratings",
    ),
    "half_high": (0.35 + 0.15, "high", "consecutive_absences,low_attendance"),  # exactly 0.5
    "quarter_medium": (0.15 + 0.10, "medium", "low_attendance,low_ratings"),  # exactly 0.25
    "late_joiner": (0.0, "low", ""),
}


def test_each_signal_fires_and_does_not_fire_as_defined(warehouse):
    con = warehouse(risk_programme(), "2024-12-31")

    risk = by(con, "SELECT * FROM dropout_risk", "member_id")
    assert sorted(risk) == sorted(EXPECTED)  # every active member; not the leaver
    got = {m: (r["risk_score"], r["level"], r["reasons"]) for m, r in risk.items()}
    assert got == {m: (pytest.approx(score), level, reasons) for m, (score, level, reasons) in EXPECTED.items()}
    # scored as of the group's latest meeting on or before the as-of date, even for who joined since
    assert {r["as_of"] for r in risk.values()} == {D("2024-12-10")}
    assert {r["group_id"] for r in risk.values()} == {"risk"}


def test_signals_use_only_what_was_known_at_the_meeting(warehouse):
    con = warehouse(risk_programme(), "2024-12-31")

    # overdue1's second commitment (due 20 Dec) is overdue by the as-of date, but not at the meeting of 10 Dec
    overdue = {
        r["commitment_id"]: r["overdue"]
        for r in rows(con, "SELECT * FROM member_commitments WHERE member_id = 'overdue1'")
    }
    assert overdue == {"o1-a": True, "o1-b": True}
    assert by(con, "SELECT * FROM dropout_risk", "member_id")["overdue1"]["risk_score"] == 0.0


def test_a_group_that_has_not_met_has_nothing_to_score_and_the_weights_are_published(warehouse):
    con = warehouse(Programme().group("g", "2024-01-01").join("g", "solo", "2024-01-01"), "2024-12-31")

    [risk] = rows(con, "SELECT * FROM dropout_risk")
    assert {k: risk[k] for k in ("group_id", "member_id", "as_of", "risk_score", "level", "reasons")} == {
        "group_id": "g",
        "member_id": "solo",
        "as_of": None,
        "risk_score": 0.0,
        "level": "low",
        "reasons": "",
    }
    [presenting] = rows(con, "SELECT * FROM member_presenting")
    assert (presenting["meetings_since_presented"], presenting["last_presented_on"]) == (0, None)
    [backtest] = rows(con, "SELECT * FROM dropout_backtest")  # nothing to score: no AUC
    assert (backtest["auc"], backtest["scored_points"], backtest["positives"]) == (None, 0, 0)

    weights = rows(con, "SELECT * FROM dropout_weights ORDER BY table_order")
    assert [(w["reason"], w["weight"], w["weight_3_or_more"]) for w in weights] == [
        ("consecutive_absences", 0.35, 0.55),
        ("early_no_show", 0.20, None),
        ("low_attendance", 0.15, None),
        ("missed_commitments", 0.20, None),
        ("going_quiet", 0.10, None),
        ("low_ratings", 0.10, None),
    ]


# -- the backtest ----------------------------------------------------------------------------------------

BACKTEST_ATTENDANCE = {  # Jan..Jun 2024, on the 10th
    "x": "PPPPPP",  # rates Jan-Mar 3, 3, 3: low_ratings from March
    "y": "PPAEA-",  # drops out on 20 May
    "z": "PAPPPP",  # moves away on 1 Aug (censored)
    "w": "PPPAPA",  # removed on 15 Jul
}
# (score, label) at each of their meetings, worked out by hand:
#   x: 0, 0, then 0.1 (low_ratings) x4, never drops out
#   y: Jan 0, Feb 0, Mar 0.2 (early_no_show: missed one of the first three, joined 69 days before),
#      Apr 0.35 + 0.2 (two in a row), May 0.55 + 0.2 + 0.15 (three in a row; 2 of 5 attended);
#      dropped out 20 May: within 90 days of 10 Mar, Apr, May, not of 10 Feb (90 days -> 10 May)
#   z: Jan 0, then 0.2 (early_no_show, missed Feb; 10 Jun is 161 days after joining) x5; moved: never positive
#   w: 0 at all six (never two in a row, never under half); removed 15 Jul: within 90 days of 10 May and 10 Jun
POINTS = {
    "x": [(0, 0), (0, 0), (0.1, 0), (0.1, 0), (0.1, 0), (0.1, 0)],
    "y": [(0, 0), (0, 0), (0.2, 1), (0.55, 1), (0.9, 1)],
    "z": [(0, 0)] + [(0.2, 0)] * 5,
    "w": [(0, 0)] * 4 + [(0, 1), (0, 1)],
}


def backtest_programme() -> Programme:
    p = Programme().group("bt", "2024-01-01")
    for member in BACKTEST_ATTENDANCE:
        p.join("bt", member, "2024-01-01")
    for month in range(1, 7):
        attendance = {m: STATUS[s[month - 1]] for m, s in BACKTEST_ATTENDANCE.items() if s[month - 1] != "-"}
        p.meeting("bt", f"bt-{month}", f"2024-{month:02d}-10", attendance)
        if month <= 3:
            p.rate(f"bt-{month}", "x", 3)
        if month == 5:
            p.leave("bt", "y", "2024-05-20", "dropped_out")
    p.leave("bt", "w", "2024-07-15", "removed")
    p.leave("bt", "z", "2024-08-01", "moved")
    # less than 90 days before the as-of date: its label is not known yet, so it is not scored
    p.meeting("bt", "bt-11", "2024-11-10", {"x": "absent"})
    return p


def mann_whitney_auc(points: list[tuple[float, int]]) -> float:
    """P(a positive outscores a negative), ties counting half: the plain double loop."""
    positives = [s for s, label in points if label]
    negatives = [s for s, label in points if not label]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def test_backtest_auc_over_every_member_at_every_past_meeting(warehouse):
    con = warehouse(backtest_programme(), "2024-12-31")

    points = [point for member_points in POINTS.values() for point in member_points]
    [backtest] = rows(con, "SELECT * FROM dropout_backtest")
    assert (backtest["scored_points"], backtest["positives"], backtest["negatives"]) == (23, 5, 18)
    # by hand: negatives are nine 0s, four 0.1s, five 0.2s; positives 0.2 -> 13 + 5/2, 0.55 -> 18, 0.9 -> 18,
    # and two 0s -> 9/2 each
    assert backtest["auc"] == pytest.approx((15.5 + 18 + 18 + 2 * 4.5) / (5 * 18))
    assert backtest["auc"] == pytest.approx(mann_whitney_auc(points))
    assert (backtest["first_scored_on"], backtest["last_scored_on"]) == (D("2024-01-10"), D("2024-06-10"))

    # the model's own points agree with the hand-worked scores, member by member
    scored = rows(
        con,
        "SELECT member_id, risk_score FROM member_risk_signals WHERE on_roster AND held_on <= '2024-06-30' "
        "ORDER BY member_id, held_on",
    )
    for member, expected in POINTS.items():
        assert [r["risk_score"] for r in scored if r["member_id"] == member] == [
            pytest.approx(score) for score, _ in expected
        ]
