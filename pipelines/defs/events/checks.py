"""Checks on the facts: the warehouse holds exactly the store's events, type by type."""

import dagster as dg

from pipelines.defs.events.assets import event_facts
from pipelines.defs.resources import Warehouse
from pipelines.projection import last_position


@dg.asset_check(
    asset=event_facts, blocking=True, description="The warehouse's count of events per type equals the store's."
)
def event_counts_match_store(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con, warehouse.event_log() as log:
        position = last_position(con)
        ours = dict(con.execute("SELECT topic, count(*)::BIGINT FROM event_log GROUP BY topic").fetchall())
        theirs = log.counts_by_topic(up_to=position)
    differences = {
        t: {"warehouse": ours.get(t, 0), "store": theirs.get(t, 0)}
        for t in set(ours) | set(theirs)
        if ours.get(t, 0) != theirs.get(t, 0)
    }
    return dg.AssetCheckResult(
        passed=not differences,
        metadata={
            "position": position,
            "event_types": len(theirs),
            "events": sum(theirs.values()),
            "differences": dg.MetadataValue.json(differences),
        },
    )
