"""What a programme lead reads (the Programme pages, the weekly digest): every group, never a person."""

from __future__ import annotations

import polars as pl

from warehouse.queries import Reader


def portfolio(reader: Reader) -> pl.DataFrame:
    """Each group's latest month of health, the tier of the month before, its 12-month health trend, and
    how many of its members are at medium or high dropout risk (counts only); the groups needing
    attention first."""
    return reader.query("SELECT * FROM group_portfolio ORDER BY attention_rank")


def health_tiers(reader: Reader) -> pl.DataFrame:
    """The tiers and the score each starts at, lowest first."""
    return reader.query("SELECT tier, min_score, tier_order FROM health_tiers ORDER BY tier_order")


def tier_mix(reader: Reader) -> pl.DataFrame:
    """How many groups were in each tier, month by month."""
    return reader.query(
        "SELECT p.month, p.tier, p.groups FROM programme_tiers p JOIN health_tiers t USING (tier) "
        "ORDER BY p.month, t.tier_order"
    )


def retention(reader: Reader, scope: str = "programme") -> pl.DataFrame:
    """Kaplan–Meier retention by cohort, for the programme or one group."""
    return reader.query(
        "SELECT scope, cohort, month, at_risk, dropouts, survival::DOUBLE AS survival FROM retention_curve "
        "WHERE scope = ? ORDER BY cohort = 'all' DESC, cohort, month",
        [scope],
    )


def check_in_counts(reader: Reader) -> pl.DataFrame:
    """Each group's open commitments and how their members' latest check-ins stand: counts only."""
    return reader.query("SELECT * FROM group_check_ins ORDER BY group_id")
