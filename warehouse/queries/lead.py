"""What a programme lead reads (the Programme pages, the weekly digest): every group, never a person."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from warehouse.queries import Reader, Role, reads

COMPONENTS = {  # group_health's 0-100 components (health_weights weighs them), with the score itself
    "health_score": "Health score",
    "attendance_component": "Attendance",
    "follow_through_component": "Follow-through",
    "airtime_balance_component": "Airtime balance",
    "retention_component": "Retention",
    "rating_component": "Rating",
}


@reads(Role.LEAD, "group_portfolio")
def portfolio(reader: Reader) -> pl.DataFrame:
    """Each group's latest month of health, the tier of the month before, its 12-month health trend, and
    how many of its members are at medium or high dropout risk (counts only); the groups needing
    attention first."""
    return reader.query("SELECT * FROM group_portfolio ORDER BY attention_rank")


@reads(Role.LEAD, "group_health")
def health_components(reader: Reader, group_ids: Sequence[str]) -> pl.DataFrame:
    """These groups' health score and its components, month by month, one row per component."""
    parts = " UNION ALL ".join(
        f"SELECT group_id, month, '{label}' AS component, {column}::DOUBLE AS score FROM group_health "
        "WHERE group_id IN (SELECT unnest(?::VARCHAR[]))"
        for column, label in COMPONENTS.items()
    )
    return reader.query(f"SELECT * FROM ({parts}) ORDER BY group_id, month", [list(group_ids)] * len(COMPONENTS))


@reads(Role.LEAD, "health_tiers")
def health_tiers(reader: Reader) -> pl.DataFrame:
    """The tiers and the score each starts at, lowest first."""
    return reader.query("SELECT tier, min_score, tier_order FROM health_tiers ORDER BY tier_order")


@reads(Role.LEAD, "programme_trends")
def programme_trends(reader: Reader) -> pl.DataFrame:
    """The median group's monthly attendance and follow-through, with the middle half of the groups."""
    return reader.query("SELECT * FROM programme_trends ORDER BY figure, month")


@reads(Role.LEAD, "programme_tiers", "health_tiers")
def tier_mix(reader: Reader) -> pl.DataFrame:
    """How many groups were in each tier, month by month."""
    return reader.query(
        "SELECT p.month, p.tier, p.groups FROM programme_tiers p JOIN health_tiers t USING (tier) "
        "ORDER BY p.month, t.tier_order"
    )


@reads(Role.LEAD, "retention_curve")
def retention(reader: Reader, scope: str = "programme") -> pl.DataFrame:
    """Kaplan–Meier retention by cohort, for the programme or one group."""
    return reader.query(
        "SELECT scope, cohort, month, at_risk, dropouts, survival::DOUBLE AS survival FROM retention_curve "
        "WHERE scope = ? ORDER BY cohort = 'all' DESC, cohort, month",
        [scope],
    )


@reads(Role.LEAD, "group_check_ins")
def check_in_counts(reader: Reader) -> pl.DataFrame:
    """Each group's open commitments and how their members' latest check-ins stand: counts only."""
    return reader.query("SELECT * FROM group_check_ins ORDER BY group_id")


@reads(Role.LEAD, "dropout_evaluation")
def dropout_evaluation(reader: Reader) -> pl.DataFrame:
    """How well the dropout warning and its baselines foresaw dropouts on history they were not fitted
    on: this programme's own (`programme`), and synthetic programmes' (`synthetic_<precursor>`), best first."""
    return reader.query(
        "SELECT * FROM dropout_evaluation ORDER BY source, cadence <> 'all', cadence, auc DESC NULLS LAST, model"
    )


@reads(Role.LEAD, "dropout_model")
def dropout_model(reader: Reader) -> pl.DataFrame:
    """The score in use, term by term, the figures that weigh most first (the intercept last)."""
    return reader.query("SELECT * FROM dropout_model ORDER BY term = 'intercept', abs(coefficient) DESC, term")


@reads(Role.LEAD, "dropout_levels")
def dropout_levels(reader: Reader) -> pl.DataFrame:
    """Where each dropout-risk level starts, high first."""
    return reader.query("SELECT * FROM dropout_levels ORDER BY level_order")


@reads(Role.LEAD, "health_validation", "health_tiers")
def health_validation(reader: Reader) -> pl.DataFrame:
    """How well the health score and its components foretold later losses, and each tier's loss rate."""
    return reader.query(
        "SELECT v.* FROM health_validation v LEFT JOIN health_tiers t ON v.kind = 'tier' AND t.tier = v.figure "
        "ORDER BY v.source, v.kind = 'tier', v.kind = 'component', t.tier_order, v.auc DESC NULLS LAST"
    )


@reads(Role.LEAD, "groups")
def all_groups(reader: Reader) -> pl.DataFrame:
    return reader.query("SELECT group_id FROM groups ORDER BY group_id")
