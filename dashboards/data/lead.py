"""What a programme lead's pages read: every group, never a person. Each query is for leads only."""

from __future__ import annotations

import polars as pl

from dashboards.data.serving import PAGES, figures, programme_lead, query
from warehouse.queries import lead as shared

COMPONENTS = {  # group_health's 0-100 components (health_weights weighs them), with the score itself
    "health_score": "Health score",
    "attendance_component": "Attendance",
    "follow_through_component": "Follow-through",
    "airtime_balance_component": "Airtime balance",
    "retention_component": "Retention",
    "rating_component": "Rating",
}


@figures(programme_lead)
def portfolio(publication: str) -> pl.DataFrame:
    """Each group's latest month of health, its 12-month health trend, and how many of its members are at
    medium or high dropout risk (counts only); the groups needing attention first."""
    return shared.portfolio(PAGES)


@figures(programme_lead)
def health_components(publication: str, group_ids: tuple[str, ...]) -> pl.DataFrame:
    """These groups' health score and its components, month by month, one row per component."""
    parts = " UNION ALL ".join(
        f"SELECT group_id, month, '{label}' AS component, {column}::DOUBLE AS score FROM group_health "
        "WHERE group_id IN (SELECT unnest(?::VARCHAR[]))"
        for column, label in COMPONENTS.items()
    )
    return query(f"SELECT * FROM ({parts}) ORDER BY group_id, month", *([list(group_ids)] * len(COMPONENTS)))


@figures(programme_lead)
def health_tiers(publication: str) -> pl.DataFrame:
    """The tiers and the score each starts at, lowest first."""
    return shared.health_tiers(PAGES)


@figures(programme_lead)
def programme_trends(publication: str) -> pl.DataFrame:
    """The median group's monthly attendance and follow-through, with the middle half of the groups."""
    return query("SELECT * FROM programme_trends ORDER BY figure, month")


@figures(programme_lead)
def tier_mix(publication: str) -> pl.DataFrame:
    """How many groups were in each tier, month by month."""
    return shared.tier_mix(PAGES)


@figures(programme_lead)
def retention(publication: str, scope: str = "programme") -> pl.DataFrame:
    """Kaplan–Meier retention by cohort, for the programme or one group."""
    return shared.retention(PAGES, scope)


@figures(programme_lead)
def dropout_evaluation(publication: str) -> pl.DataFrame:
    """How well the dropout warning and its baselines foresaw dropouts on history they were not fitted
    on: this programme's own (`programme`), and synthetic programmes' (`synthetic_<precursor>`), best first."""
    return query(
        "SELECT * FROM dropout_evaluation ORDER BY source, cadence <> 'all', cadence, auc DESC NULLS LAST, model"
    )


@figures(programme_lead)
def dropout_model(publication: str) -> pl.DataFrame:
    """The score in use, term by term, the figures that weigh most first (the intercept last)."""
    return query("SELECT * FROM dropout_model ORDER BY term = 'intercept', abs(coefficient) DESC, term")


@figures(programme_lead)
def dropout_levels(publication: str) -> pl.DataFrame:
    """Where each dropout-risk level starts, high first."""
    return query("SELECT * FROM dropout_levels ORDER BY level_order")


@figures(programme_lead)
def health_validation(publication: str) -> pl.DataFrame:
    """How well the health score and its components foretold later losses, and each tier's loss rate."""
    return query(
        "SELECT v.* FROM health_validation v LEFT JOIN health_tiers t ON v.kind = 'tier' AND t.tier = v.figure "
        "ORDER BY v.source, v.kind = 'tier', v.kind = 'component', t.tier_order, v.auc DESC NULLS LAST"
    )


@figures(programme_lead)
def all_groups(publication: str) -> pl.DataFrame:
    return query("SELECT group_id FROM groups ORDER BY group_id")


@figures(programme_lead)
def check_in_counts(publication: str) -> pl.DataFrame:
    """Each group's open commitments and how their members' latest check-ins stand: counts only."""
    return shared.check_in_counts(PAGES)
