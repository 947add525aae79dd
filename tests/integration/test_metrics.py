"""The warehouse's figures (docs/metrics.md) on small hand-built programmes, each checked against a value
worked out by hand in the test: attendance, airtime, dominance alerts, commitments, group health,
facilitator figures, and the programme as it stood on an earlier as-of date.

Each scenario is written as commands of docs/import-format.md, imported through the domain like a real file, and the
warehouse is built from the event store exactly as the pipeline does (tests/conftest.py). `Programme`
and its helpers are in tests/integration/programmes.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.integration.programmes import D, Programme, approx, by, rows

# -- attendance ------------------------------------------------------------------------------------------


def attendance_programme() -> Programme:
    p = Programme().group("north", "2025-01-06")
    for member in ("ana", "bob", "cleo", "dan"):
        p.join("north", member, "2025-01-06")
    p.meeting("north", "n1", "2025-01-13", {"ana": "present", "bob": "late", "cleo": "absent", "dan": "excused"})
    p.correct("n1", "cleo", "present")  # cleo was there after all
    p.correct("n1", "dan", "present")  # corrected twice: the last correction wins
    p.correct("n1", "dan", "excused")
    p.join("north", "eve", "2025-02-01")
    p.leave("north", "dan", "2025-02-10", "moved")  # left on the meeting day: not on its roster
    p.meeting("north", "n2", "2025-02-10", {"ana": "present"})  # the others are absent by default
    p.meeting("north", "n3", "2025-02-24", {"ana": "present", "bob": "present", "cleo": "late", "eve": "present"})
    return p


def test_attendance_applies_the_last_correction_and_counts_present_and_late(warehouse):
    con = warehouse(attendance_programme(), "2025-03-31")

    statuses = {(r["meeting_id"], r["member_id"]): r["status"] for r in rows(con, "SELECT * FROM meeting_attendance")}
    assert statuses == {
        ("n1", "ana"): "present",
        ("n1", "bob"): "late",
        ("n1", "cleo"): "present",
        ("n1", "dan"): "excused",
        ("n2", "ana"): "present",
        ("n2", "bob"): "absent",
        ("n2", "cleo"): "absent",
        ("n2", "eve"): "absent",
        ("n3", "ana"): "present",
        ("n3", "bob"): "present",
        ("n3", "cleo"): "late",
        ("n3", "eve"): "present",
    }
    summary = by(con, "SELECT * FROM meeting_summary", "meeting_id")
    assert (summary["n1"]["roster_size"], summary["n1"]["attended"]) == (4, 3)  # dan excused is on the roster
    assert summary["n1"]["attendance_rate"] == approx(3 / 4)
    assert (summary["n2"]["roster_size"], summary["n2"]["attended"], summary["n2"]["attendance_rate"]) == (4, 1, 1 / 4)
    assert summary["n3"]["attendance_rate"] == 1.0
    assert summary["n1"]["held_on"] == D("2025-01-13") and summary["n1"]["group_id"] == "north"

    health = by(con, "SELECT * FROM group_health", "month")
    assert health[D("2025-01-01")]["attendance_rate"] == approx(3 / 4)
    assert health[D("2025-02-01")]["attendance_rate"] == approx((1 + 4) / (4 + 4))  # Σ attendees / Σ roster
    assert health[D("2025-02-01")]["meetings"] == 2


# -- airtime ---------------------------------------------------------------------------------------------


def airtime_programme() -> Programme:
    p = Programme().group("west", "2025-01-01")
    for member in ("a", "b", "c", "d", "e"):
        p.join("west", member, "2025-01-01")
    # c attends and says nothing (not listed: 0 seconds); d is corrected into attendance (0 seconds);
    # e is corrected out of it, so e's 100 seconds are not airtime of a participant.
    p.meeting(
        "west",
        "w1",
        "2025-01-10",
        {"a": "present", "b": "late", "c": "present", "d": "absent", "e": "present"},
        seconds={"a": 600, "b": 300, "e": 100},
    )
    p.correct("w1", "d", "late").correct("w1", "e", "absent")
    p.meeting("west", "w2", "2025-02-10", {"a": "present", "b": "present"})  # no airtime recorded
    p.meeting("west", "w3", "2025-03-10", {"a": "present"}, seconds={"a": 1200})  # a lone speaker
    p.meeting("west", "w4", "2025-04-10", {"a": "present", "b": "present"}, seconds={})  # recorded, all silent
    p.meeting(
        "west",
        "w5",
        "2025-05-12",
        {m: "present" for m in "abcde"},
        seconds={"a": 100, "b": 100, "c": 100, "d": 100, "e": 100},
    )
    return p


def test_airtime_share_dominance_gini_and_top_share(warehouse):
    con = warehouse(airtime_programme(), "2025-06-30")

    w1 = by(con, "SELECT * FROM meeting_airtime WHERE meeting_id = 'w1'", "member_id")
    # participants a 600, b 300, c 0, d 0: n = 4, S = 900
    assert sorted(w1) == ["a", "b", "c", "d"]
    assert {m: r["seconds"] for m, r in w1.items()} == {"a": 600, "b": 300, "c": 0, "d": 0}
    assert w1["a"]["share"] == approx(600 / 900) and w1["b"]["share"] == approx(300 / 900)
    assert w1["c"]["share"] == 0 and w1["d"]["share"] == 0
    assert w1["a"]["dominance_ratio"] == approx(600 / 900 * 4) and w1["b"]["dominance_ratio"] == approx(300 / 900 * 4)
    assert w1["d"]["dominance_ratio"] == 0
    assert {r["fair_share"] for r in w1.values()} == {1 / 4}  # four participants, silent ones included

    summary = by(con, "SELECT * FROM meeting_summary", "meeting_id")
    # Σ|si - sj| over ordered pairs: 2·(|600-300| + |600-0|·2 + |300-0|·2 + |0-0|) = 2·2100; mean = 900/4
    assert summary["w1"]["airtime_gini"] == approx(2 * 2100 / (2 * 4**2 * (900 / 4)))
    assert summary["w1"]["top_speaker_share"] == approx(600 / 900)
    # no airtime recorded: NULL, never 0; and no airtime rows
    assert summary["w2"]["airtime_gini"] is None and summary["w2"]["top_speaker_share"] is None
    assert rows(con, "SELECT * FROM meeting_airtime WHERE meeting_id = 'w2'") == []
    # one participant: Gini undefined (n < 2), the lone speaker has the whole share
    assert summary["w3"]["airtime_gini"] is None and summary["w3"]["top_speaker_share"] == 1.0
    # recorded but S = 0: both participants are there with 0 seconds, and every ratio is NULL
    w4 = rows(con, "SELECT * FROM meeting_airtime WHERE meeting_id = 'w4' ORDER BY member_id")
    assert [(r["member_id"], r["seconds"], r["share"], r["dominance_ratio"]) for r in w4] == [
        ("a", 0, None, None),
        ("b", 0, None, None),
    ]
    assert [r["fair_share"] for r in w4] == [1 / 2, 1 / 2]  # a fair share is defined even when nobody spoke
    assert rows(con, "SELECT fair_share FROM meeting_airtime WHERE meeting_id = 'w3'") == [{"fair_share": 1.0}]
    assert summary["w4"]["airtime_gini"] is None and summary["w4"]["top_speaker_share"] is None
    # perfectly equal airtime: Gini 0
    assert summary["w5"]["airtime_gini"] == approx(0, abs=1e-12) and summary["w5"]["top_speaker_share"] == approx(1 / 5)

    health = by(con, "SELECT * FROM group_health", "month")
    assert health[D("2025-01-01")]["airtime_gini"] == approx(4200 / 7200)
    assert health[D("2025-02-01")]["airtime_gini"] is None  # the month's only meeting has no Gini


def test_an_airtime_correction_replaces_the_seconds_in_every_airtime_figure(warehouse):
    programme = airtime_programme()
    programme.correct_airtime("w1", "b", 86400)  # an impossible export figure first...
    programme.correct_airtime("w1", "b", 150.25)  # ...then what was really said: the last correction wins
    programme.correct_airtime("w1", "c", 250.75)  # a silent participant did speak
    con = warehouse(programme, "2025-06-30")

    w1 = by(con, "SELECT * FROM meeting_airtime WHERE meeting_id = 'w1'", "member_id")
    # a 600, b 150.25, c 250.75, d 0: n = 4, S = 1001
    assert {m: r["seconds"] for m, r in w1.items()} == {"a": 600, "b": 150.25, "c": 250.75, "d": 0}
    assert w1["b"]["share"] == approx(150.25 / 1001) and w1["a"]["dominance_ratio"] == approx(600 * 4 / 1001)
    summary = by(con, "SELECT * FROM meeting_summary", "meeting_id")
    # ascending 0, 150.25, 250.75, 600: Gini = 2·Σ i·s(i) / (n·S) − (n+1)/n
    gini = 2 * (1 * 0 + 2 * 150.25 + 3 * 250.75 + 4 * 600) / (4 * 1001) - 5 / 4
    assert summary["w1"]["airtime_gini"] == approx(gini) and summary["w1"]["top_speaker_share"] == approx(600 / 1001)
    assert rows(con, "SELECT count(*) AS n FROM meeting_airtime WHERE meeting_id = 'w2'") == [{"n": 0}]


def test_dominance_alert_needs_two_of_the_members_last_three_airtime_meetings_they_did_not_present_at(warehouse):
    p = Programme().group("east", "2025-02-01", cadence="weekly")
    for member in ("a", "b", "c"):
        p.join("east", member, "2025-02-01")
    everyone = {"a": "present", "b": "present", "c": "present"}
    fair = {"a": 100, "b": 100, "c": 100}
    # ratio = seconds·n / S: a's 400 of 600 -> 2.0 exactly (>= 2.0 counts); 500 -> 2.5; 440 -> 2.2; 398 -> 1.99.
    # a's airtime meetings without presenting, and their ratios, as the weeks go by: the rule looks at the
    # last three of them and alerts at one of 2.0 or more when two of those three are.
    weeks = [
        ("k01", everyone, {"a": 400, "b": 100, "c": 100}, []),  # a 2.0; alone so far: no alert
        ("k02", everyone, fair, []),
        ("k03", everyone, {"a": 400, "b": 100, "c": 100}, []),  # a 2.0; k01 2.0, k02 1.0: alert (2 of 3)
        ("k04", everyone, None, []),  # no airtime recorded: skipped
        ("k05", everyone, fair, []),
        ("k06", everyone, {"a": 500, "b": 50, "c": 50}, []),  # a 2.5; k03 2.0, k05 1.0: alert
        ("k07", everyone, {"a": 500, "b": 50, "c": 50}, ["a"]),  # a presents: passed over, no alert
        ("k08", everyone, {"a": 440, "b": 80, "c": 80}, []),  # a 2.2; k05 1.0, k06 2.5 (k07 passed): alert
        ("k09", everyone, {"a": 100, "b": 400, "c": 100}, ["b"]),  # b 2.0 while presenting: no alert; a 0.5
        ("k10", {"a": "absent", "b": "present", "c": "present"}, {"b": 300, "c": 0}, ["b"]),  # b 2.0, presenting
        ("k11", everyone, {"a": 400, "b": 100, "c": 100}, []),  # a 2.0; k08 2.2, k09 0.5 (k10 missed): alert
        ("k12", everyone, {"a": 398, "b": 101, "c": 101}, []),  # a 1.99: below the bar
    ]
    for week, (meeting, attendance, seconds, presenters) in enumerate(weeks):
        held_on = (date(2025, 3, 3) + timedelta(days=7 * week)).isoformat()
        p.meeting("east", meeting, held_on, attendance, seconds, presenters=presenters)
    con = warehouse(p, "2025-06-30")

    alerts = rows(con, "SELECT * FROM dominance_alerts ORDER BY held_on")
    assert [(r["member_id"], r["meeting_id"], r["dominance_ratio"], r["dominant_of_last_3"]) for r in alerts] == [
        ("a", "k03", 2.0, 2),
        ("a", "k06", 2.5, 2),
        ("a", "k08", approx(2.2), 2),
        ("a", "k11", 2.0, 2),
    ]
    # before issue 12, k07 (a presenting, after 2.5 at k06) and b at k10 (presenting twice) alerted too
    # the group's last three airtime meetings are k10, k11, k12 (k04 recorded none): only k11's alert is recent
    assert [(r["meeting_id"], r["recent"]) for r in alerts] == [
        ("k03", False),
        ("k06", False),
        ("k08", False),
        ("k11", True),
    ]
    assert alerts[0]["group_id"] == "east" and alerts[0]["held_on"] == D("2025-03-17")


def test_three_of_three_and_a_presenter_corrected_out_of_attendance(warehouse):
    p = Programme().group("west", "2025-02-01", cadence="weekly")
    for member in ("a", "b", "c"):
        p.join("west", member, "2025-02-01")
    everyone = {"a": "present", "b": "present", "c": "present"}
    loud = {"a": 400, "b": 100, "c": 100}
    p.meeting("west", "w1", "2025-03-03", everyone, loud)
    p.meeting("west", "w2", "2025-03-10", everyone, loud)
    # listed as presenting, but corrected to absent: not a presenter, and not a participant either
    p.meeting("west", "w3", "2025-03-17", everyone, {"a": 0, "b": 300, "c": 0}, presenters=["b"])
    p.correct("w3", "b", "absent")
    p.meeting("west", "w4", "2025-03-24", everyone, loud)
    con = warehouse(p, "2025-06-30")

    alerts = rows(con, "SELECT member_id, meeting_id, dominant_of_last_3 FROM dominance_alerts ORDER BY meeting_id")
    # a: w1 2.0 (alone), w2 2.0 (2 of 2), w3 0 (S = 0 with b out: no ratio, skipped), w4 2.0 (3 of 3)
    assert alerts == [
        {"member_id": "a", "meeting_id": "w2", "dominant_of_last_3": 2},
        {"member_id": "a", "meeting_id": "w4", "dominant_of_last_3": 3},
    ]


# -- commitments -----------------------------------------------------------------------------------------


def commitments_programme() -> Programme:
    p = Programme().group("south", "2025-01-01")
    for member in ("a", "b", "c"):
        p.join("south", member, "2025-01-01")
    everyone = {"a": "present", "b": "present", "c": "present"}
    p.meeting("south", "m1", "2025-01-13", everyone)
    p.commit("c1", "a", "m1", "2025-02-05").commit("c2", "a", "m1", "2025-02-01")
    p.meeting("south", "m2", "2025-02-10", everyone)
    p.follow_up("c1", "m2", "carried_forward", "2025-03-05")
    p.commit("c3", "b", "m2", "2025-03-01").commit("c8", "a", "m2", "2025-03-05")
    p.meeting("south", "m3", "2025-03-10", everyone)
    p.follow_up("c1", "m3", "carried_forward", "2025-04-10")
    p.follow_up("c3", "m3", "dropped").follow_up("c8", "m3", "done")
    p.commit("c4", "b", "m3", "2025-04-01")
    p.leave("south", "c", "2025-04-01", "dropped_out")
    p.join("south", "d", "2025-04-02")
    p.meeting("south", "m4", "2025-04-14", {"a": "present", "b": "present", "d": "present"})
    p.follow_up("c1", "m4", "done").follow_up("c4", "m4", "partial")
    p.commit("c6", "b", "m4", "2025-05-01").commit("c5", "a", "m4", "2025-07-15")
    p.meeting("south", "m5", "2025-05-12", {"a": "present", "b": "present", "d": "present"})
    p.follow_up("c6", "m5", "not_done")
    p.meeting("south", "m6", "2025-06-09", {"a": "present", "b": "present", "d": "present"})
    p.commit("c10", "b", "m6", "2025-06-15").commit("c11", "a", "m6", "2025-06-12").commit(
        "c7", "a", "m6", "2025-06-30"
    )
    p.meeting("south", "m7", "2025-06-16", {"a": "present", "b": "present", "d": "present"})
    p.follow_up("c11", "m7", "done")
    return p


def test_commitments_status_score_due_date_and_overdue(warehouse):
    con = warehouse(commitments_programme(), "2025-06-20")

    c = by(con, "SELECT * FROM member_commitments", "commitment_id")
    # carried forward twice, then done
    assert {
        k: c["c1"][k]
        for k in (
            "member_id",
            "group_id",
            "made_on",
            "due_on",
            "status",
            "outcome_score",
            "closed_on",
            "times_carried_forward",
            "overdue",
        )
    } == {
        "member_id": "a",
        "group_id": "south",
        "made_on": D("2025-01-13"),
        "due_on": D("2025-04-10"),
        "status": "done",
        "outcome_score": 1.0,
        "closed_on": D("2025-04-14"),
        "times_carried_forward": 2,
        "overdue": False,
    }
    # never followed up, due before the as-of date: open and overdue, no score
    assert (c["c2"]["status"], c["c2"]["outcome_score"], c["c2"]["closed_on"], c["c2"]["overdue"]) == (
        "open",
        None,
        None,
        True,
    )
    assert (c["c3"]["status"], c["c3"]["outcome_score"], c["c3"]["closed_on"]) == ("dropped", 0.0, D("2025-03-10"))
    assert (c["c4"]["status"], c["c4"]["outcome_score"]) == ("partial", 0.5)
    assert (c["c6"]["status"], c["c6"]["outcome_score"]) == ("not_done", 0.0)
    # open, due after the as-of date (c5), or on it (c7): not overdue
    assert (c["c5"]["status"], c["c5"]["overdue"]) == ("open", False)
    assert (c["c7"]["status"], c["c7"]["overdue"]) == ("open", False)
    assert c["c10"]["overdue"] is True


def test_follow_through_rate_per_month_of_the_current_due_date(warehouse):
    con = warehouse(commitments_programme(), "2025-06-20")

    rate = {r["month"]: r["follow_through_rate"] for r in rows(con, "SELECT * FROM group_health")}
    assert rate[D("2025-01-01")] is None  # nothing fell due in January
    assert rate[D("2025-02-01")] == 0.0  # c2 open and overdue counts 0 (c1 moved on to April)
    assert rate[D("2025-03-01")] == approx((0 + 1) / 2)  # c3 dropped, c8 done
    assert rate[D("2025-04-01")] == approx((1 + 0.5) / 2)  # c1 done (its current due date), c4 partial
    assert rate[D("2025-05-01")] == 0.0  # c6 not_done
    assert rate[D("2025-06-01")] == approx((0 + 1) / 2)  # c10 overdue, c11 done; c7 due after the as-of date


def test_avg_rating_is_the_mean_of_all_the_months_ratings(warehouse):
    p = Programme().group("rated", "2025-01-01")
    for member in ("a", "b", "c"):
        p.join("rated", member, "2025-01-01")
    everyone = {"a": "present", "b": "present", "c": "present"}
    p.meeting("rated", "r1", "2025-01-08", everyone).rate("r1", "a", 7).rate("r1", "b", 9).rate("r1", "c", 8)
    p.meeting("rated", "r2", "2025-01-22", everyone).rate("r2", "a", 4)
    p.correct("r2", "a", "absent")  # a correction does not take the rating away
    p.meeting("rated", "r3", "2025-02-05", everyone)  # nobody rated February
    con = warehouse(p, "2025-03-31")

    rating = {r["month"]: r["avg_rating"] for r in rows(con, "SELECT * FROM group_health")}
    assert rating == {D("2025-01-01"): approx((7 + 9 + 8 + 4) / 4), D("2025-02-01"): None}


# -- retention and health --------------------------------------------------------------------------------


def retention_programme() -> Programme:
    p = Programme().group("old", "2024-01-01")
    for member in ("p1", "p2", "p3", "p5", "p6"):
        p.join("old", member, "2024-01-05")
    p.leave("old", "p6", "2024-01-31", "dropped_out")  # left on 31 Jan: not active that day
    p.join("old", "p7", "2024-01-31")  # joined on 31 Jan: active that day
    p.join("old", "p4", "2024-02-15")
    p.meeting("old", "o1", "2024-06-10", {m: "present" for m in ("p1", "p2", "p3", "p4", "p5", "p7")})
    p.leave("old", "p3", "2024-08-01", "moved")  # censored: left out of both counts
    p.leave("old", "p2", "2024-09-10", "dropped_out")
    p.meeting("old", "o2", "2025-01-15", {m: "present" for m in ("p1", "p4", "p5", "p7")})
    p.leave("old", "p5", "2025-01-31", "removed")  # a dropout on the last day of January 2025
    p.meeting("old", "o3", "2025-02-12", {m: "present" for m in ("p1", "p4", "p7")})
    return p


def test_retention_12m_leaves_censored_leavers_out_of_both_counts(warehouse):
    con = warehouse(retention_programme(), "2025-03-31")

    retention = {r["month"]: r["retention_12m"] for r in rows(con, "SELECT * FROM group_health")}
    # June 2024: nobody was a member on 30 June 2023
    assert retention[D("2024-06-01")] is None
    # active on 31 Jan 2024: p1 p2 p3 p5 p7 (not p6, who left that day; not p4, not yet); p3 left for a censored
    # reason; still active on 31 Jan 2025: p1 p7; lost to dropouts: p2, p5 (who left on 31 Jan 2025)
    assert retention[D("2025-01-01")] == approx(2 / (2 + 2))
    # active on 29 Feb 2024: p1 p2 p3 p4 p5 p7; p3 left out; retained p1 p4 p7; lost p2 p5
    assert retention[D("2025-02-01")] == approx(3 / (3 + 2))


def test_health_score_rescales_the_weights_of_the_components_it_has(warehouse):
    p = Programme().group("fresh", "2025-01-01")
    for member in ("a", "b", "c", "d"):
        p.join("fresh", member, "2025-01-01")
    p.meeting(
        "fresh",
        "f1",
        "2025-01-15",
        {"a": "present", "b": "present", "c": "late", "d": "absent"},
        seconds={"a": 300, "b": 300, "c": 300},
    )
    p.rate("f1", "a", 8).rate("f1", "b", 9).rate("f1", "c", 7)
    con = warehouse(p, "2025-01-31")

    [month] = rows(con, "SELECT * FROM group_health")
    # attendance 3/4 -> 75; airtime balance 100·(1 - 0) = 100; rating 10·8 = 80;
    # no commitment fell due and nobody was a member a year earlier: those two are NULL and left out
    assert (month["follow_through_rate"], month["retention_12m"]) == (None, None)
    assert month["airtime_gini"] == approx(0, abs=1e-12)
    expected = (0.4 * 75 + 0.1 * 100 + 0.4 * 80) / (0.4 + 0.1 + 0.4)  # = 72 / 0.9 = 80
    assert month["health_score"] == approx(expected) == 80
    assert month["tier"] == "fit"  # 79 <= 80 < 86
    # the components, each 0-100 as the score weighs them; the unknown ones NULL
    assert (month["attendance_component"], month["follow_through_component"], month["retention_component"]) == (
        approx(75),
        None,
        None,
    )
    assert month["airtime_balance_component"] == approx(100) and month["rating_component"] == approx(80)


def test_health_tiers_at_their_boundaries(warehouse):
    # Only attendance is known (no airtime, commitments, ratings, or members a year before), so the
    # health score is 100 · attendance_rate; with 50 members and two meetings a month, a month's rate is
    # in hundredths, and the tiers can be put exactly on their boundaries.
    p = Programme().group("tiers", "2025-01-01")
    fifty = [f"m{i:02d}" for i in range(50)]
    for member in fifty:
        p.join("tiers", member, "2025-01-01")

    def meet(meeting: str, held_on: str, attendees: int) -> None:
        p.meeting(
            "tiers", meeting, held_on, {m: ("present" if i < attendees else "absent") for i, m in enumerate(fifty)}
        )

    months = {1: (43, 43), 2: (43, 42), 3: (40, 39), 4: (39, 39), 5: (37, 36), 6: (36, 36)}
    for month, (first, second) in months.items():
        meet(f"t{month}a", f"2025-{month:02d}-06", first)
        meet(f"t{month}b", f"2025-{month:02d}-20", second)
    p.group("empty", "2025-01-01")
    p.meeting("empty", "x1", "2025-01-20", {})  # nobody on the roster: no figure at all
    con = warehouse(p, "2025-06-30")

    tiers = {
        (r["group_id"], r["month"].month): (r["health_score"], r["tier"])
        for r in rows(con, "SELECT * FROM group_health")
    }
    assert tiers == {
        ("tiers", 1): (86.0, "healthy"),  # 86/100: on the cut
        ("tiers", 2): (85.0, "fit"),
        ("tiers", 3): (79.0, "fit"),  # on the cut
        ("tiers", 4): (78.0, "at_risk"),
        ("tiers", 5): (73.0, "at_risk"),  # on the cut
        ("tiers", 6): (72.0, "high_risk"),
        ("empty", 1): (None, None),
    }
    empty = rows(con, "SELECT * FROM group_health WHERE group_id = 'empty'")[0]
    assert (empty["meetings"], empty["attendance_rate"]) == (1, None)
    # the thresholds and weights are read from health_tiers and health_weights, the one place each is kept
    assert rows(con, "SELECT * FROM health_tiers ORDER BY tier_order") == [
        {"tier": "high_risk", "min_score": 0.0, "tier_order": 1},
        {"tier": "at_risk", "min_score": 73.0, "tier_order": 2},
        {"tier": "fit", "min_score": 79.0, "tier_order": 3},
        {"tier": "healthy", "min_score": 86.0, "tier_order": 4},
    ]
    assert rows(con, "SELECT component, weight FROM health_weights ORDER BY component_order") == [
        {"component": "attendance", "weight": 0.4},
        {"component": "follow_through", "weight": 0.1},
        {"component": "airtime_balance", "weight": 0.1},
        {"component": "retention", "weight": 0.0},
        {"component": "rating", "weight": 0.4},
    ]


def test_a_month_whose_only_known_component_weighs_nothing_has_no_score(warehouse):
    # retention weighs 0: a month where it is the only figure known has no score, not a score of it
    p = Programme().group("gone", "2024-01-01")
    for member in ("a", "b"):
        p.join("gone", member, "2024-01-05")
    p.meeting("gone", "g1", "2024-02-07", {"a": "present", "b": "present"})
    p.leave("gone", "a", "2024-12-01", "dropped_out").leave("gone", "b", "2024-12-02", "moved")
    p.meeting("gone", "g2", "2025-02-05", {})  # nobody left on the roster
    con = warehouse(p, "2025-03-31")

    february = by(con, "SELECT * FROM group_health", "month")[D("2025-02-01")]
    # active on 29 Feb 2024: a and b; b moved (left out), a dropped out: retention 0 / (0 + 1)
    assert (february["attendance_rate"], february["retention_12m"]) == (None, 0.0)
    assert (february["retention_component"], february["health_score"], february["tier"]) == (0.0, None, None)


# -- facilitator figures ---------------------------------------------------------------------------------


def test_meetings_since_presented_counts_the_groups_meetings_since(warehouse):
    p = Programme().group("pres", "2025-01-01").facilitator("pres", "fac1", "2025-01-01")
    for member in ("a", "b", "d", "e", "f"):
        p.join("pres", member, "2025-01-01")
    everyone = {m: "present" for m in ("a", "b", "d", "e", "f")}
    p.meeting("pres", "p1", "2025-01-10", everyone, presenters=["e"])
    p.meeting("pres", "p2", "2025-02-10", everyone, presenters=["a"])
    p.facilitator("pres", "fac2", "2025-03-01")
    p.meeting("pres", "p3", "2025-03-10", everyone)
    p.leave("pres", "f", "2025-03-15", "graduated")
    p.join("pres", "c", "2025-03-20")
    p.join("pres", "g", "2025-04-10")  # joined on the day of p4: p4 counts
    after = {m: "present" for m in ("a", "b", "c", "d", "e", "g")}
    p.meeting("pres", "p4", "2025-04-10", after, presenters=["d"])
    p.correct("p4", "d", "absent")  # recorded as presenting, but was not there: not a presentation
    p.meeting("pres", "p5", "2025-05-12", after, presenters=["e"])
    p.facilitator("pres", "fac3", "2025-07-01")  # after the as-of date
    con = warehouse(p, "2025-05-31")

    presenting = {
        r["member_id"]: (r["meetings_since_presented"], r["last_presented_on"])
        for r in rows(con, "SELECT * FROM member_presenting")
    }
    assert presenting == {
        "a": (3, D("2025-02-10")),  # p3, p4, p5
        "b": (5, None),  # never: p1..p5 since joining
        "c": (2, None),  # joined after p3: p4, p5
        "d": (5, None),  # the corrected-out presentation does not count
        "e": (0, D("2025-05-12")),
        "g": (2, None),  # joined on p4's day: p4, p5
    }  # f has left: not listed
    facilitators = {
        (r["member_id"], r["assigned_on"], r["current"]) for r in rows(con, "SELECT * FROM group_facilitators")
    }
    assert facilitators == {("fac1", D("2025-01-01"), False), ("fac2", D("2025-03-01"), True)}
    [group] = rows(con, "SELECT * FROM groups")
    assert group == {
        "group_id": "pres",
        "cadence": "monthly",
        "formed_on": D("2025-01-01"),
        "active_members": 6,
        "last_held_on": D("2025-05-12"),
        "next_meeting_on": D("2025-06-12"),
    }


def test_next_meeting_is_the_last_one_plus_the_cadence(warehouse):
    p = Programme()
    last = {
        "wk": ("weekly", "2025-03-03"),
        "bi": ("biweekly", "2025-03-03"),
        "mo": ("monthly", "2025-01-31"),
        "qu": ("quarterly", "2024-11-30"),
    }
    for group, (cadence, held_on) in last.items():
        p.group(group, "2024-10-01", cadence=cadence).join(group, f"{group}1", "2024-10-01")
        p.meeting(group, f"{group}-old", "2024-10-15", {f"{group}1": "present"})
        p.meeting(group, f"{group}-last", held_on, {f"{group}1": "present"})
    p.group("new", "2025-03-01", cadence="weekly")  # has not met
    con = warehouse(p, "2025-03-31")

    next_meeting = {r["group_id"]: r["next_meeting_on"] for r in rows(con, "SELECT * FROM groups")}
    assert next_meeting == {
        "wk": D("2025-03-10"),
        "bi": D("2025-03-17"),
        "mo": D("2025-02-28"),  # a month on from 31 January is the last day of February
        "qu": D("2025-02-28"),  # three months on from 30 November
        "new": None,
    }


# -- as of an earlier date -------------------------------------------------------------------------------


def test_as_of_shows_the_programme_as_it_stood_that_day(warehouse, tmp_path):
    settings = commitments_programme().store(tmp_path)

    con = warehouse(settings, "2025-03-01")
    # m3 (10 March) has not happened: no meeting, no follow-ups at it, no leave of c on 1 April, no join of d
    assert [r["meeting_id"] for r in rows(con, "SELECT * FROM meeting_summary ORDER BY held_on")] == ["m1", "m2"]
    assert rows(con, "SELECT * FROM meeting_attendance WHERE held_on > '2025-03-01'") == []
    c = by(con, "SELECT * FROM member_commitments", "commitment_id")
    assert sorted(c) == ["c1", "c2", "c3", "c8"]  # made at m1 and m2 only
    assert (c["c1"]["status"], c["c1"]["due_on"], c["c1"]["times_carried_forward"], c["c1"]["overdue"]) == (
        "open",
        D("2025-03-05"),
        1,
        False,
    )
    assert (c["c3"]["status"], c["c3"]["closed_on"], c["c3"]["overdue"]) == ("open", None, False)
    assert c["c2"]["overdue"] is True
    members = {r["member_id"]: (r["active"], r["left_on"]) for r in rows(con, "SELECT * FROM group_members")}
    assert members == {"a": (True, None), "b": (True, None), "c": (True, None)}
    assert {r["member_id"]: r["as_of"] for r in rows(con, "SELECT * FROM dropout_risk")} == {
        "a": D("2025-02-10"),
        "b": D("2025-02-10"),
        "c": D("2025-02-10"),
    }
    assert [r["month"] for r in rows(con, "SELECT * FROM group_health ORDER BY month")] == [
        D("2025-01-01"),
        D("2025-02-01"),
    ]
    # the spell of c is still running on 1 March: censored at 59 days, not a dropout
    [spell_end] = rows(
        con,
        "SELECT max(month) AS k, sum(dropouts) AS dropouts FROM retention_curve "
        "WHERE scope = 'programme' AND cohort = 'all'",
    )
    assert (spell_end["k"], spell_end["dropouts"]) == (2, 0)  # ceil(59 / 30.4375) = 2

    con = warehouse(settings, "2025-06-20")
    members = {
        r["member_id"]: (r["active"], r["left_on"], r["leave_reason"]) for r in rows(con, "SELECT * FROM group_members")
    }
    assert members["c"] == (False, D("2025-04-01"), "dropped_out") and members["d"] == (True, None, None)
    assert by(con, "SELECT * FROM member_commitments", "commitment_id")["c1"]["status"] == "done"
    assert len(rows(con, "SELECT * FROM meeting_summary")) == 7


def test_member_engagement_is_each_members_own_attendance_and_follow_through(warehouse):
    p = commitments_programme()
    p.correct("m2", "b", "absent")  # b attended 6 of the 7 meetings on their roster
    con = warehouse(p, "2025-06-20")

    e = by(con, "SELECT * FROM member_engagement", "member_id")
    # a: on the roster of m1..m7 and present at each
    assert (e["a"]["roster_meetings"], e["a"]["attended"], e["a"]["attendance_rate"]) == (7, 7, 1.0)
    assert (e["b"]["roster_meetings"], e["b"]["attended"]) == (7, 6)
    assert e["b"]["attendance_rate"] == approx(6 / 7)
    assert (e["c"]["roster_meetings"], e["c"]["attended"], e["c"]["recent_roster_meetings"]) == (3, 3, 3)  # left 1 Apr
    # a's commitments: c1 done, c2 open and overdue (0), c8 done, c11 done; c5 and c7 not yet due: left out
    assert e["a"]["follow_through_rate"] == approx((1 + 0 + 1 + 1) / 4)
    assert (
        e["a"]["commitments"],
        e["a"]["commitments_counted"],
        e["a"]["open_commitments"],
        e["a"]["overdue_commitments"],
        e["a"]["carried_forward_commitments"],
    ) == (6, 4, 3, 1, 1)
    # b: c3 dropped (0), c4 partial (0.5), c6 not_done (0), c10 open and overdue (0)
    assert e["b"]["follow_through_rate"] == approx((0 + 0.5 + 0 + 0) / 4)
    # c made no commitment: no rate, not 0
    assert (e["c"]["commitments"], e["c"]["follow_through_rate"]) == (0, None)
