"""Every figure a page shows, read from the serving file and scoped to the viewer.

- Each function takes the `Viewer` and refuses what they are not entitled to (`NotEntitled`), then
  filters in SQL, with parameters, to the ids they may see: a lead's queries span the programme, a
  facilitator's name one of their groups, a member's name themselves.
- Results are cached by those ids *and* by the serving file's identity (`warehouse.db.file_identity`),
  so a new publication by `peerpulse materialize` is read on the next page load, without a restart.
- Figures come from the warehouse (docs/metrics.md); the SQL here selects, filters, counts and rescales. A
  member's own attendance and follow-through come from the `member_engagement` table.
- The warehouse is pseudonymous: names and commitment texts come from `dashboards.people`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from dashboards.viewer import Viewer
from domain.config import Settings
from warehouse.db import ServingReader, file_identity

CACHE = {"show_spinner": False, "max_entries": 2000, "ttl": 3600}
RECENT_MEETINGS = 12  # the meetings a facilitator's charts cover


class NothingPublished(Exception):
    """There is no serving file yet: `peerpulse materialize` has not run."""


class WarehouseIncomplete(Exception):
    """The serving file lacks a table or column the dashboards read: it predates this version."""


@dataclass(frozen=True)
class Publication:
    key: str  # changes with every publication (warehouse.db.file_identity): part of every cache key
    published_at: datetime


# -- the serving file ----------------------------------------------------------------------------
def serving_path() -> Path:
    return Settings.from_env().serving_path


def publication() -> Publication | None:
    path = serving_path()
    try:
        identity = file_identity(path)
        published_at = datetime.fromtimestamp(os.stat(path).st_mtime)
    except FileNotFoundError:
        return None
    return Publication(":".join(map(str, identity)), published_at)


def _current() -> str:
    found = publication()
    if found is None:
        raise NothingPublished("nothing has been published yet: run `peerpulse materialize`")
    return found.key


@st.cache_resource(show_spinner=False, on_release=ServingReader.close)
def _reader(path: str) -> ServingReader:
    return ServingReader(Path(path))


def _query(sql: str, *params: object) -> pl.DataFrame:
    reader = _reader(str(serving_path()))
    try:
        return reader.query(sql, params)
    except FileNotFoundError:
        raise NothingPublished("nothing has been published yet: run `peerpulse materialize`") from None
    except duckdb.CatalogException as e:
        raise WarehouseIncomplete(
            "the serving file lacks a table the dashboards read; run `peerpulse materialize` to rebuild it"
        ) from e


# -- who the viewer is (dashboards.identity) -----------------------------------------------------
@st.cache_data(**CACHE)
def _roles(member_id: str, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    facilitates = _query(
        "SELECT DISTINCT member_id, group_id FROM group_facilitators WHERE member_id = ? AND current ORDER BY group_id",
        member_id,
    )
    member_of = _query(
        "SELECT DISTINCT member_id, group_id FROM group_members WHERE member_id = ? ORDER BY group_id", member_id
    )
    return tuple(facilitates["group_id"]), tuple(member_of["group_id"])


def roles(member_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(groups the person facilitates now, groups they are or were a member of)."""
    return _roles(member_id, _current())


@st.cache_data(**CACHE)
def _demo_people(key: str) -> dict[str, str]:
    """Member ids for the demo personas: a facilitator of several groups, a member who also facilitates,
    and an active member with a good history of commitments."""
    facilitator = _query(
        "SELECT member_id FROM group_facilitators WHERE current GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT 1"
    )
    both = _query(
        "SELECT f.member_id FROM group_facilitators f JOIN group_members m USING (member_id) "
        "WHERE f.current AND m.active AND f.member_id NOT IN (SELECT unnest(?::VARCHAR[])) ORDER BY f.member_id LIMIT 1",
        facilitator["member_id"].to_list(),
    )
    member = _query(
        "SELECT c.member_id FROM member_commitments c JOIN group_members m USING (member_id, group_id) "
        "WHERE m.active AND c.member_id NOT IN (SELECT member_id FROM group_facilitators) "
        "GROUP BY c.member_id ORDER BY count(*) DESC, c.member_id LIMIT 1"
    )
    found = {"facilitator": facilitator, "facilitator_and_member": both, "member": member}
    return {role: frame["member_id"][0] for role, frame in found.items() if not frame.is_empty()}


def demo_people() -> dict[str, str]:
    return _demo_people(_current())


# -- programme lead ------------------------------------------------------------------------------
TIER_RANK = "array_position(['high_risk', 'at_risk', 'fit', 'healthy'], tier)"


@st.cache_data(**CACHE)
def _portfolio(key: str) -> pl.DataFrame:
    return _query(
        f"""
        WITH latest AS (
            SELECT * FROM group_health
            QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY month DESC) = 1
        ),
        trend AS (
            SELECT group_id, list(round(health_score, 1) ORDER BY month) AS health_trend
            FROM group_health
            WHERE month > (SELECT max(month) FROM group_health) - INTERVAL 12 MONTH
            GROUP BY group_id
        ),
        risk AS (
            SELECT group_id,
                   count(*) FILTER (WHERE level = 'high') AS high_risk_members,
                   count(*) FILTER (WHERE level = 'medium') AS medium_risk_members
            FROM dropout_risk GROUP BY group_id
        )
        SELECT l.group_id, l.month, l.tier, l.health_score::DOUBLE AS health_score,
               l.attendance_rate::DOUBLE AS attendance_rate, l.follow_through_rate::DOUBLE AS follow_through_rate,
               l.airtime_gini::DOUBLE AS airtime_gini, l.retention_12m::DOUBLE AS retention_12m,
               l.avg_rating::DOUBLE AS avg_rating, t.health_trend,
               coalesce(r.high_risk_members, 0) AS high_risk_members,
               coalesce(r.medium_risk_members, 0) AS medium_risk_members,
               coalesce(g.active_members, 0) AS active_members
        FROM latest l
        LEFT JOIN trend t USING (group_id)
        LEFT JOIN risk r USING (group_id)
        LEFT JOIN groups g USING (group_id)
        ORDER BY {TIER_RANK} NULLS FIRST, l.health_score NULLS FIRST, l.group_id
        """
    )


def portfolio(viewer: Viewer) -> pl.DataFrame:
    """Each group's latest month of health, its 12-month health trend, and how many of its members are
    at medium or high dropout risk (counts only); groups at risk first."""
    viewer.require_lead()
    return _portfolio(_current())


@st.cache_data(**CACHE)
def _health_components(group_ids: tuple[str, ...], key: str) -> pl.DataFrame:
    # The 0–100 components of docs/metrics.md ("Group health"), each as the health score weighs it.
    return _query(
        """
        SELECT group_id, month, component, score::DOUBLE AS score FROM (
            SELECT group_id, month,
                   100 * attendance_rate AS "Attendance",
                   100 * follow_through_rate AS "Follow-through",
                   100 * (1 - airtime_gini) AS "Airtime balance",
                   100 * retention_12m AS "Retention",
                   10 * avg_rating AS "Rating",
                   health_score AS "Health score"
            FROM group_health WHERE group_id IN (SELECT unnest(?::VARCHAR[]))
        ) UNPIVOT (score FOR component IN ("Attendance", "Follow-through", "Airtime balance", "Retention", "Rating", "Health score"))
        ORDER BY group_id, month
        """,
        list(group_ids),
    )


def health_components(viewer: Viewer, group_ids: list[str]) -> pl.DataFrame:
    """The health score and its components, month by month, of these groups."""
    viewer.require_lead()
    return _health_components(tuple(group_ids), _current())


@st.cache_data(**CACHE)
def _programme_trends(key: str) -> pl.DataFrame:
    # The spread of the groups' monthly figures: the median group and the middle half of them.
    return _query(
        """
        SELECT month, figure,
               quantile_cont(value, 0.25) AS lower_quartile, median(value) AS median,
               quantile_cont(value, 0.75) AS upper_quartile, count(value) AS groups
        FROM (
            SELECT month, 'Attendance' AS figure, attendance_rate::DOUBLE AS value FROM group_health
            UNION ALL
            SELECT month, 'Follow-through', follow_through_rate::DOUBLE FROM group_health
        )
        GROUP BY ALL HAVING count(value) > 0
        ORDER BY figure, month
        """
    )


def programme_trends(viewer: Viewer) -> pl.DataFrame:
    viewer.require_lead()
    return _programme_trends(_current())


@st.cache_data(**CACHE)
def _tier_mix(key: str) -> pl.DataFrame:
    return _query(f"SELECT month, tier, count(*) AS groups FROM group_health WHERE tier IS NOT NULL GROUP BY month, tier ORDER BY month, {TIER_RANK}")


def tier_mix(viewer: Viewer) -> pl.DataFrame:
    viewer.require_lead()
    return _tier_mix(_current())


@st.cache_data(**CACHE)
def _retention(scope: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT scope, cohort, month, at_risk, dropouts, survival::DOUBLE AS survival FROM retention_curve "
        "WHERE scope = ? ORDER BY cohort = 'all' DESC, cohort, month",
        scope,
    )


def retention(viewer: Viewer, scope: str = "programme") -> pl.DataFrame:
    """Kaplan–Meier retention by cohort, for the programme or one group."""
    viewer.require_lead()
    return _retention(scope, _current())


@st.cache_data(**CACHE)
def _dropout_model(key: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return _query("SELECT * FROM dropout_backtest"), _query("SELECT * FROM dropout_weights")


def dropout_model(viewer: Viewer) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the risk score's backtest, with its ROC AUC; the weights in use)."""
    viewer.require_lead()
    return _dropout_model(_current())


def all_groups(viewer: Viewer) -> list[str]:
    viewer.require_lead()
    return list(_all_groups(_current()))


@st.cache_data(**CACHE)
def _all_groups(key: str) -> tuple[str, ...]:
    return tuple(_query("SELECT group_id FROM groups ORDER BY group_id")["group_id"])


# -- facilitator: one of their groups ------------------------------------------------------------
NEXT_MEETING = """
    CASE g.cadence WHEN 'weekly' THEN INTERVAL 7 DAY WHEN 'biweekly' THEN INTERVAL 14 DAY
                   WHEN 'monthly' THEN INTERVAL 1 MONTH WHEN 'quarterly' THEN INTERVAL 3 MONTH END
"""


@st.cache_data(**CACHE)
def _group_overviews(group_ids: tuple[str, ...], key: str) -> pl.DataFrame:
    return _query(
        f"""
        SELECT g.group_id, g.cadence, g.formed_on, g.active_members, g.last_held_on,
               s.roster_size AS last_roster_size, s.attended AS last_attended,
               CAST(g.last_held_on + {NEXT_MEETING} AS DATE) AS next_meeting_on
        FROM groups g
        LEFT JOIN meeting_summary s ON s.group_id = g.group_id AND s.held_on = g.last_held_on
        WHERE g.group_id IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY g.group_id ORDER BY s.meeting_id DESC) = 1
        ORDER BY next_meeting_on NULLS LAST, g.group_id
        """,
        list(group_ids),
    )


def group_overviews(viewer: Viewer) -> pl.DataFrame:
    """The groups the viewer facilitates, soonest expected meeting first: cadence, last meeting and the
    next one it implies."""
    return _group_overviews(tuple(viewer.facilitates), _current())


@st.cache_data(**CACHE)
def _commitments_due(group_id: str, by: date, key: str) -> pl.DataFrame:
    return _query(
        """
        SELECT c.member_id, c.group_id, c.commitment_id, c.made_on, c.due_on, c.times_carried_forward, c.overdue
        FROM member_commitments c
        WHERE c.group_id = ? AND c.status = 'open' AND c.due_on <= ?
          AND EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = c.group_id AND m.member_id = c.member_id AND m.active)
        ORDER BY c.due_on, c.made_on, c.commitment_id
        """,
        group_id,
        by,
    )


def commitments_due(viewer: Viewer, group_id: str, by: date) -> pl.DataFrame:
    """Open commitments of the group's current members that fall due by `by` (overdue ones included)."""
    viewer.require_facilitator_of(group_id)
    return _commitments_due(group_id, by, _current())


@st.cache_data(**CACHE)
def _drifting_members(group_id: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT member_id, group_id, as_of, risk_score::DOUBLE AS risk_score, level, reasons FROM dropout_risk "
        "WHERE group_id = ? AND level IN ('high', 'medium') ORDER BY risk_score DESC, member_id",
        group_id,
    )


def drifting_members(viewer: Viewer, group_id: str) -> pl.DataFrame:
    """Members at medium or high dropout risk, with the reasons, highest risk first."""
    viewer.require_facilitator_of(group_id)
    return _drifting_members(group_id, _current())


@st.cache_data(**CACHE)
def _presenting(group_id: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT member_id, group_id, meetings_since_presented, last_presented_on FROM member_presenting "
        "WHERE group_id = ? ORDER BY meetings_since_presented DESC, last_presented_on NULLS FIRST, member_id",
        group_id,
    )


def presenting(viewer: Viewer, group_id: str) -> pl.DataFrame:
    """Current members by how long it is since they presented, longest first."""
    viewer.require_facilitator_of(group_id)
    return _presenting(group_id, _current())


@st.cache_data(**CACHE)
def _dominance_alerts(group_id: str, key: str) -> pl.DataFrame:
    return _query(
        """
        WITH airtime_meetings AS (
            SELECT DISTINCT meeting_id, held_on FROM meeting_airtime WHERE group_id = ?
        ),
        recent AS (SELECT meeting_id FROM airtime_meetings ORDER BY held_on DESC LIMIT 3)
        SELECT a.member_id, a.group_id, a.meeting_id, a.held_on, a.dominance_ratio::DOUBLE AS dominance_ratio,
               a.meeting_id IN (SELECT meeting_id FROM recent) AS recent
        FROM dominance_alerts a WHERE a.group_id = ?
        ORDER BY a.held_on DESC, a.dominance_ratio DESC
        """,
        group_id,
        group_id,
    )


def dominance_alerts(viewer: Viewer, group_id: str) -> pl.DataFrame:
    """Every dominance alert of the group, latest first; `recent` marks the last three airtime meetings."""
    viewer.require_facilitator_of(group_id)
    return _dominance_alerts(group_id, _current())


@st.cache_data(**CACHE)
def _attendance_grid(group_id: str, meetings: int, key: str) -> pl.DataFrame:
    return _query(
        """
        WITH recent AS (
            SELECT meeting_id FROM meeting_summary WHERE group_id = ? ORDER BY held_on DESC LIMIT ?
        )
        SELECT member_id, group_id, meeting_id, held_on, status FROM meeting_attendance
        WHERE group_id = ? AND meeting_id IN (SELECT meeting_id FROM recent)
        ORDER BY held_on, member_id
        """,
        group_id,
        meetings,
        group_id,
    )


def attendance_grid(viewer: Viewer, group_id: str, meetings: int = RECENT_MEETINGS) -> pl.DataFrame:
    """Attendance status of each roster member at the group's last `meetings` meetings."""
    viewer.require_facilitator_of(group_id)
    return _attendance_grid(group_id, meetings, _current())


@st.cache_data(**CACHE)
def _meetings(group_id: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT group_id, meeting_id, held_on, roster_size, attended, attendance_rate::DOUBLE AS attendance_rate, "
        "airtime_gini::DOUBLE AS airtime_gini, top_speaker_share::DOUBLE AS top_speaker_share "
        "FROM meeting_summary WHERE group_id = ? ORDER BY held_on",
        group_id,
    )


def meetings(viewer: Viewer, group_id: str) -> pl.DataFrame:
    """Every meeting of the group with its attendance and airtime summary, oldest first."""
    viewer.require_facilitator_of(group_id)
    return _meetings(group_id, _current())


@st.cache_data(**CACHE)
def _airtime(group_id: str, meetings: int, key: str) -> pl.DataFrame:
    return _query(
        """
        WITH recent AS (
            SELECT DISTINCT meeting_id, held_on FROM meeting_airtime WHERE group_id = ? ORDER BY held_on DESC LIMIT ?
        )
        SELECT member_id, group_id, meeting_id, held_on, seconds::DOUBLE AS seconds, share::DOUBLE AS share,
               dominance_ratio::DOUBLE AS dominance_ratio
        FROM meeting_airtime
        WHERE group_id = ? AND meeting_id IN (SELECT meeting_id FROM recent)
        ORDER BY held_on, member_id
        """,
        group_id,
        meetings,
        group_id,
    )


def airtime(viewer: Viewer, group_id: str, meetings: int = RECENT_MEETINGS) -> pl.DataFrame:
    """Each participant's share of the airtime at the group's last `meetings` meetings that recorded it."""
    viewer.require_facilitator_of(group_id)
    return _airtime(group_id, meetings, _current())


# -- member: themselves only ---------------------------------------------------------------------
@st.cache_data(**CACHE)
def _my_memberships(member_id: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT member_id, group_id, joined_on, left_on, active FROM group_members WHERE member_id = ? "
        "ORDER BY active DESC, joined_on DESC",
        member_id,
    )


def my_memberships(viewer: Viewer) -> pl.DataFrame:
    """The viewer's spells in groups, current ones first."""
    return _my_memberships(viewer.require_member(), _current())


@st.cache_data(**CACHE)
def _my_commitments(member_id: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT member_id, group_id, commitment_id, made_on, due_on, status, outcome_score::DOUBLE AS outcome_score, "
        "closed_on, times_carried_forward, overdue FROM member_commitments WHERE member_id = ? "
        "ORDER BY made_on DESC, commitment_id",
        member_id,
    )


def my_commitments(viewer: Viewer) -> pl.DataFrame:
    return _my_commitments(viewer.require_member(), _current())


@st.cache_data(**CACHE)
def _my_follow_through(member_id: str, key: str) -> pl.DataFrame:
    # Always one row: a member with no commitments yet gets zero counts and no rate.
    return _query(
        """
        SELECT me.member_id, e.follow_through_rate, coalesce(e.commitments_counted, 0) AS counted,
               coalesce(e.commitments, 0) AS commitments, coalesce(e.open_commitments, 0) AS open,
               coalesce(e.overdue_commitments, 0) AS overdue,
               coalesce(e.carried_forward_commitments, 0) AS carried_forward
        FROM (SELECT ?::VARCHAR AS member_id) me LEFT JOIN member_engagement e USING (member_id)
        """,
        member_id,
    )


def my_follow_through(viewer: Viewer) -> pl.DataFrame:
    return _my_follow_through(viewer.require_member(), _current())


@st.cache_data(**CACHE)
def _my_attendance(member_id: str, key: str) -> pl.DataFrame:
    return _query(
        "SELECT member_id, group_id, meeting_id, held_on, status, status IN ('present', 'late') AS attended "
        "FROM meeting_attendance WHERE member_id = ? ORDER BY held_on",
        member_id,
    )


def my_attendance(viewer: Viewer) -> pl.DataFrame:
    """The viewer's status at every meeting they were on the roster of."""
    return _my_attendance(viewer.require_member(), _current())


@st.cache_data(**CACHE)
def _my_attendance_summary(member_id: str, key: str) -> pl.DataFrame:
    return _query(
        """
        SELECT me.member_id, coalesce(e.roster_meetings, 0) AS meetings, coalesce(e.attended, 0) AS attended,
               e.attendance_rate, coalesce(e.recent_roster_meetings, 0) AS recent_meetings,
               coalesce(e.recent_attended, 0) AS recent_attended
        FROM (SELECT ?::VARCHAR AS member_id) me LEFT JOIN member_engagement e USING (member_id)
        """,
        member_id,
    )


def my_attendance_summary(viewer: Viewer) -> pl.DataFrame:
    """One row: meetings on the viewer's roster, attended, their attendance rate, and the same for their
    last 12 roster meetings (member_engagement)."""
    return _my_attendance_summary(viewer.require_member(), _current())


@st.cache_data(**CACHE)
def _my_airtime(member_id: str, key: str) -> pl.DataFrame:
    # A fair share is 1/n of the meeting's airtime (docs/metrics.md: dominance_ratio 1.0); n is the number of
    # participants, so only a count of the others is read, never who they are.
    return _query(
        """
        SELECT a.member_id, a.group_id, a.meeting_id, a.held_on, a.seconds::DOUBLE AS seconds,
               a.share::DOUBLE AS share, a.dominance_ratio::DOUBLE AS dominance_ratio,
               1.0 / (SELECT count(*) FROM meeting_airtime o WHERE o.meeting_id = a.meeting_id) AS fair_share
        FROM meeting_airtime a WHERE a.member_id = ? ORDER BY a.held_on
        """,
        member_id,
    )


def my_airtime(viewer: Viewer) -> pl.DataFrame:
    """The viewer's share of the airtime at each meeting that recorded it, beside a fair share."""
    return _my_airtime(viewer.require_member(), _current())


def clear_caches() -> None:
    """For tests and benchmarks: forget cached results (the reader stays)."""
    st.cache_data.clear()

