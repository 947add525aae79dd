"""Checks that block publication: figures in range, facts that point at things that exist.

Each check is declared as data (which table, which columns, what must hold) and only for the
tables the warehouse builds, so the checks follow the models as they are added.
"""


import dagster as dg

from pipelines.defs.resources import Warehouse
from warehouse import db
from warehouse.models import models

# table -> columns that are rates: each must lie in [0, 1] (NULL allowed: no data)
RATES = {
    "meeting_summary": ("attendance_rate", "airtime_gini", "top_speaker_share"),
    "meeting_airtime": ("share",),
    "group_health": ("attendance_rate", "airtime_gini", "follow_through_rate", "retention_12m"),
    "member_commitments": ("outcome_score",),
    "retention_curve": ("survival",),
    "dropout_risk": ("risk_score",),
    "member_engagement": ("attendance_rate", "follow_through_rate"),
}
# table -> columns that are ratings on the 0-10 scale
RATINGS = {"group_health": ("avg_rating",)}
# table -> (column, the fact table and column it must be found in)
REFERENCES = {
    "meeting_attendance": (("meeting_id", "fact_meeting_held", "meeting_id"), ("member_id", "fact_member_registered", "member_id"),
                           ("group_id", "fact_group_formed", "group_id")),
    "meeting_airtime": (("meeting_id", "fact_meeting_held", "meeting_id"), ("member_id", "fact_member_registered", "member_id")),
    "member_commitments": (("commitment_id", "fact_commitment_made", "commitment_id"),
                           ("member_id", "fact_member_registered", "member_id"), ("group_id", "fact_group_formed", "group_id")),
    "group_health": (("group_id", "fact_group_formed", "group_id"),),
    "dropout_risk": (("member_id", "fact_member_registered", "member_id"), ("group_id", "fact_group_formed", "group_id")),
    "dominance_alerts": (("meeting_id", "fact_meeting_held", "meeting_id"), ("member_id", "fact_member_registered", "member_id")),
}


def _range_check(table: str, columns: tuple[str, ...], low: float, high: float, what: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(table), name=f"{what}_in_range", blocking=True,
                    description=f"{', '.join(columns)} of {table} lie in [{low:g}, {high:g}].")
    def check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            outside = {c: db.scalar(con, f"SELECT count(*) FROM {table} WHERE {c} < ? OR {c} > ? OR isnan({c})",
                                    [low, high]) for c in columns}
        return dg.AssetCheckResult(passed=not any(outside.values()), metadata={"rows_out_of_range": dg.MetadataValue.json(outside)})

    return check


def _reference_check(table: str, references: tuple[tuple[str, str, str], ...]) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(table), name="references_exist", blocking=True,
                    description=f"Every id in {table} names something recorded in the event log.")
    def check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            dangling = {
                column: db.scalar(
                    con,
                    f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {fact} f WHERE f.{fact_column} = t.{column})",
                )
                for column, fact, fact_column in references
            }
        return dg.AssetCheckResult(passed=not any(dangling.values()), metadata={"dangling_ids": dg.MetadataValue.json(dangling)})

    return check


mart_checks = (
    [_range_check(t, cols, 0, 1, "rates") for t, cols in RATES.items() if t in models()]
    + [_range_check(t, cols, 0, 10, "ratings") for t, cols in RATINGS.items() if t in models()]
    + [_reference_check(t, refs) for t, refs in REFERENCES.items() if t in models()]
)
