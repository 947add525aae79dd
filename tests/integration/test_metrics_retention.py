"""The retention curve (docs/metrics.md, "Retention and dropout") against lifelines' KaplanMeierFitter on the
same spells, and at_risk / dropouts against counts made here from the spell list."""

from __future__ import annotations

import math
from datetime import date

import pytest
from lifelines import KaplanMeierFitter

from tests.integration.programmes import Programme, rows

AS_OF = "2025-06-30"
MONTH = 30.4375
DROPOUTS = {"dropped_out", "removed"}
# (group, member, joined_on, left_on or None, reason): ties, an event and a censoring on the same day,
# a spell of 0 days, a rejoin, durations either side of a month mark (30 < 30.4375 < 31), and a mark hit
# exactly (487 days = 16 marks).
SPELLS = [
    ("ga", "a1", "2024-01-01", "2024-03-01", "dropped_out"),  # 60 days
    ("ga", "a2", "2024-01-01", "2024-03-01", "moved"),  # 60, censored the same day
    ("ga", "a3", "2024-01-01", None, None),  # active: 546
    ("ga", "a4", "2024-02-15", "2024-08-15", "removed"),  # 182
    ("ga", "a5", "2024-04-10", "2024-04-10", "dropped_out"),  # 0
    ("ga", "a6", "2024-04-10", "2025-01-10", "graduated"),  # 275
    ("ga", "a1", "2024-06-01", "2025-06-01", "dropped_out"),  # 365: a1 again
    ("ga", "a7", "2024-07-01", "2024-10-01", "dropped_out"),  # 92
    ("ga", "a8", "2024-02-01", "2025-06-02", "dropped_out"),  # 487
    ("gb", "b1", "2024-01-15", "2024-04-14", "dropped_out"),  # 90
    ("gb", "b2", "2024-01-15", None, None),  # 532
    ("gb", "b3", "2024-05-01", "2024-07-31", "dropped_out"),  # 91
    ("gb", "b4", "2024-05-01", "2024-11-01", "group_closed"),  # 184
    ("gb", "b5", "2024-10-01", "2025-03-01", "dropped_out"),  # 151
    ("gb", "b6", "2025-01-02", None, None),  # 179
    ("gb", "b7", "2024-01-15", "2024-02-14", "removed"),  # 30
    ("gb", "b8", "2024-01-15", "2024-02-15", "dropped_out"),  # 31
]


def retention_programme() -> Programme:
    p = Programme().group("ga", "2024-01-01").group("gb", "2024-01-01")
    changes = [(joined, 0, "join", g, m, None) for g, m, joined, _, _ in SPELLS]
    changes += [(left, 1, "leave", g, m, reason) for g, m, _, left, reason in SPELLS if left]
    for day, _, change, group, member, reason in sorted(changes, key=lambda c: (c[0], c[1])):
        if change == "join":
            p.join(group, member, day)
        else:
            p.leave(group, member, day, reason)
    return p


def quarter(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def spells_in(scope: str, cohort: str) -> list[tuple[int, bool]]:
    """(duration in days, dropped out) of the spells in a scope and cohort, straight from SPELLS."""
    chosen = []
    for group, _, joined, left, reason in SPELLS:
        if scope not in ("programme", group) or cohort not in ("all", quarter(joined)):
            continue
        end = date.fromisoformat(left or AS_OF)
        chosen.append(((end - date.fromisoformat(joined)).days, reason in DROPOUTS))
    return chosen


@pytest.mark.parametrize(
    "scope, cohort",
    [
        ("programme", "all"),
        ("ga", "all"),
        ("gb", "all"),
        ("programme", "2024Q1"),
        ("ga", "2024Q2"),
        ("programme", "2025Q1"),
    ],
)
def test_retention_curve_agrees_with_lifelines(warehouse, scope, cohort):
    con = warehouse(retention_programme(), AS_OF)
    spells = spells_in(scope, cohort)
    durations = [days for days, _ in spells]
    events = [dropped for _, dropped in spells]

    curve = rows(con, "SELECT * FROM retention_curve WHERE scope = ? AND cohort = ? ORDER BY month", scope, cohort)
    last_mark = math.ceil(max(durations) / MONTH)  # the first mark at or beyond the longest spell
    assert [r["month"] for r in curve] == list(range(last_mark + 1))

    marks = [k * MONTH for k in range(last_mark + 1)]
    kmf = KaplanMeierFitter().fit(durations, event_observed=events)
    assert [r["survival"] for r in curve] == pytest.approx(list(kmf.survival_function_at_times(marks)), abs=1e-12)
    assert [r["at_risk"] for r in curve] == [sum(days >= mark for days in durations) for mark in marks]
    assert [r["dropouts"] for r in curve] == [
        sum(1 for days, dropped in spells if dropped and (k - 1) * MONTH < days <= k * MONTH)
        for k in range(last_mark + 1)
    ]
    assert [r["mark_days"] for r in curve] == pytest.approx(marks)


def test_retention_curve_has_every_scope_and_cohort(warehouse):
    con = warehouse(retention_programme(), AS_OF)

    pairs = {(r["scope"], r["cohort"]) for r in rows(con, "SELECT DISTINCT scope, cohort FROM retention_curve")}
    quarters = {quarter(joined) for _, _, joined, _, _ in SPELLS}
    expected = {
        (scope, cohort)
        for scope in ("programme", "ga", "gb")
        for cohort in quarters | {"all"}
        if spells_in(scope, cohort)
    }
    assert pairs == expected
    # every dropout falls in exactly one reported interval
    totals = rows(
        con, "SELECT sum(dropouts) AS dropouts FROM retention_curve WHERE scope = 'programme' AND cohort = 'all'"
    )
    assert totals[0]["dropouts"] == sum(reason in DROPOUTS for *_, reason in SPELLS)
