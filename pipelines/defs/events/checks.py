"""Checks on the facts: the warehouse holds exactly the store's events, type by type."""

import dagster as dg

from pipelines.defs.events.assets import event_facts
from pipelines.defs.resources import Warehouse
from pipelines.projection import last_position
from pipelines.refresh import count_events


@dg.asset_check(
    asset=event_facts, blocking=True, description="The warehouse's count of events per type equals the store's."
)
def event_counts_match_store(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con, warehouse.event_log() as log:
        position = last_position(con)
        counted = count_events(con, log, 0, position)
    return dg.AssetCheckResult(
        passed=counted.passed,
        metadata={"position": position, "differences": dg.MetadataValue.json(counted.differences)},
    )
