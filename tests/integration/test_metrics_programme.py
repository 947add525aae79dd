"""The programme lead's figures, on a small hand-built programme: the portfolio (each group's latest
month, its 12-month trend, its members at risk, and the order groups need attention in), the spread of
the groups' monthly figures, and the tier mix.

Only attendance is known in most of these groups (no airtime, commitments or ratings, and retention weighs
nothing), so a group's health score is 100 · its attendance rate and is worked out by hand; the tiers
start at 73, 79 and 86 (health_tiers). Each group's history is too short to fit a dropout model, so a
member's risk is the share of their last 6 meetings missed: medium from 0.5, high from 0.8.
"""

from __future__ import annotations

import pytest

from tests.integration.programmes import D, Programme, approx, by, rows


def five(p: Programme, group: str, formed_on: str, joined_on: str) -> list[str]:
    members = [f"{group[0]}{i}" for i in range(1, 6)]
    p.group(group, formed_on)
    for member in members:
        p.join(group, member, joined_on)
    return members


def present(members: list[str], *absent: str) -> dict[str, str]:
    return {m: ("absent" if m in absent else "present") for m in members}


def programme() -> Programme:
    p = Programme()
    a = five(p, "alpha", "2025-01-01", "2025-01-01")
    p.meeting("alpha", "al1", "2025-01-08", present(a, "a5"))  # Jan 4/5 -> 80 fit
    p.meeting("alpha", "al2", "2025-02-05", present(a, "a4", "a5"))  # Feb 3/5 -> 60 high_risk
    b = five(p, "bravo", "2025-01-01", "2025-01-01")
    p.meeting("bravo", "br1", "2025-01-08", present(b, "b3", "b4", "b5"))
    p.meeting("bravo", "br2", "2025-01-22", present(b, "b3", "b4", "b5"))  # Jan 4/10 -> 40 high_risk
    p.group("charlie", "2025-01-01")
    p.meeting("charlie", "ch1", "2025-02-10", {})  # nobody on the roster: no score, no tier
    d = five(p, "delta", "2024-01-01", "2024-01-01")
    p.meeting("delta", "de1", "2025-02-05", present(d, "d5"))
    p.meeting("delta", "de2", "2025-02-19", present(d, "d5"))  # Feb 8/10 and all 5 retained a year on
    e = five(p, "echo", "2025-01-01", "2025-01-01")
    p.meeting("echo", "ec1", "2025-02-12", present(e, "e4", "e5"))  # Feb 3/5 -> 60 high_risk
    f = five(p, "foxtrot", "2024-01-01", "2024-01-01")
    p.meeting("foxtrot", "fo1", "2024-02-07", present(f, "f5"))  # Feb 2024 4/5 -> 80 fit
    p.meeting("foxtrot", "fo2", "2024-03-06", present(f))  # Mar 2024 5/5 -> 100, its latest month
    return p


@pytest.fixture
def con(warehouse):
    return warehouse(programme(), "2025-02-28")


def test_the_portfolio_is_each_groups_latest_month_its_trend_and_its_members_at_risk(con):
    portfolio = by(con, "SELECT * FROM group_portfolio", "group_id")
    assert {g: (r["month"], r["tier"], r["health_score"]) for g, r in portfolio.items()} == {
        "alpha": (D("2025-02-01"), "high_risk", approx(60)),
        "bravo": (D("2025-01-01"), "high_risk", approx(40)),
        "charlie": (D("2025-02-01"), None, None),
        # delta: attendance 80, and retention 100, which weighs nothing
        "delta": (D("2025-02-01"), "fit", approx(80)),
        "echo": (D("2025-02-01"), "high_risk", approx(60)),
        "foxtrot": (D("2024-03-01"), "healthy", approx(100)),
    }
    assert portfolio["delta"]["attendance_rate"] == approx(0.8) and portfolio["delta"]["retention_12m"] == 1.0
    # the trend runs over the 12 months up to the programme's latest month (February 2025): foxtrot's
    # February 2024 is the thirteenth month back and is left out; a month with no score is a NULL in the list
    assert {g: r["health_trend"] for g, r in portfolio.items()} == {
        "alpha": [80.0, 60.0],
        "bravo": [40.0],
        "charlie": [None],
        "delta": [80.0],
        "echo": [60.0],
        "foxtrot": [100.0],
    }
    # at risk as of each group's latest meeting, by the share of their meetings missed: bravo's b3-b5,
    # alpha's a5, delta's d5, echo's e4 and e5 missed all theirs (1.0: high); alpha's a4 and foxtrot's f5
    # one of two (0.5: medium)
    assert {
        g: (r["high_risk_members"], r["medium_risk_members"], r["active_members"]) for g, r in portfolio.items()
    } == {
        "alpha": (1, 1, 5),
        "bravo": (3, 0, 5),
        "charlie": (0, 0, 0),
        "delta": (1, 0, 5),
        "echo": (2, 0, 5),
        "foxtrot": (0, 1, 5),
    }


def test_the_portfolio_names_the_tier_of_each_groups_month_before_so_a_change_of_tier_shows(con):
    portfolio = by(con, "SELECT * FROM group_portfolio", "group_id")
    assert {g: (r["previous_month"], r["previous_tier"]) for g, r in portfolio.items()} == {
        "alpha": (D("2025-01-01"), "fit"),  # fit in January (80), high risk in February (60): it slipped
        "bravo": (None, None),  # one month only
        "charlie": (None, None),
        "delta": (None, None),
        "echo": (None, None),
        "foxtrot": (D("2024-02-01"), "fit"),  # fit in February 2024 (80), healthy in March (100): it rose
    }


def test_attention_rank_puts_no_tier_first_then_the_tiers_worst_first_then_the_lowest_scores(con):
    ranked = [r["group_id"] for r in rows(con, "SELECT group_id FROM group_portfolio ORDER BY attention_rank")]
    # charlie has no tier; bravo (40), alpha and echo (60, a tie group_id decides) are high_risk;
    # then delta (fit, 80) and foxtrot (healthy, 100)
    assert ranked == ["charlie", "bravo", "alpha", "echo", "delta", "foxtrot"]
    assert [r["attention_rank"] for r in rows(con, "SELECT attention_rank FROM group_portfolio ORDER BY 1")] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_the_programme_trends_are_the_quartiles_of_the_groups_monthly_figures(con):
    trends = {(r["figure"], r["month"]): r for r in rows(con, "SELECT * FROM programme_trends")}
    # no commitment fell due anywhere: follow-through has no value, so no rows (not zeros)
    assert {figure for figure, _ in trends} == {"attendance_rate"}
    assert sorted(month for _, month in trends) == [D("2024-02-01"), D("2024-03-01"), D("2025-01-01"), D("2025-02-01")]
    one = trends[("attendance_rate", D("2024-02-01"))]  # foxtrot alone
    assert (one["lower_quartile"], one["median"], one["upper_quartile"], one["groups"]) == (
        approx(0.8),
        approx(0.8),
        approx(0.8),
        1,
    )
    jan = trends[("attendance_rate", D("2025-01-01"))]  # bravo 0.4, alpha 0.8: interpolated quartiles
    assert (jan["lower_quartile"], jan["median"], jan["upper_quartile"], jan["groups"]) == (
        approx(0.5),
        approx(0.6),
        approx(0.7),
        2,
    )
    feb = trends[("attendance_rate", D("2025-02-01"))]  # alpha 0.6, echo 0.6, delta 0.8; charlie has no rate
    assert (feb["lower_quartile"], feb["median"], feb["upper_quartile"], feb["groups"]) == (
        approx(0.6),
        approx(0.6),
        approx(0.7),
        3,
    )


def test_the_tier_mix_counts_the_groups_in_each_tier_each_month(con):
    mix = {(r["month"], r["tier"]): r["groups"] for r in rows(con, "SELECT * FROM programme_tiers")}
    assert mix == {
        (D("2024-02-01"), "fit"): 1,
        (D("2024-03-01"), "healthy"): 1,
        (D("2025-01-01"), "fit"): 1,
        (D("2025-01-01"), "high_risk"): 1,
        (D("2025-02-01"), "high_risk"): 2,
        (D("2025-02-01"), "fit"): 1,  # charlie, with no score, in none
    }
