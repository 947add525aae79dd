"""Start a catch-up when new events arrive. The cursor is the last log position seen."""

import dagster as dg

from pipelines.defs.events.assets import event_facts
from pipelines.defs.resources import Warehouse

catch_up_job = dg.define_asset_job(
    "catch_up", selection=dg.AssetSelection.assets(event_facts), description="Append new events to the fact tables."
)


@dg.sensor(
    job=catch_up_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the catch-up when the event log has grown past the cursor.",
)
def new_events(context: dg.SensorEvaluationContext, warehouse: Warehouse):
    seen = int(context.cursor or 0)
    with warehouse.event_log() as log:
        newest = log.max_position()
    if newest <= seen:
        return dg.SkipReason(f"no new events after position {seen}")
    context.update_cursor(str(newest))
    return dg.RunRequest(run_key=f"events-up-to-{newest}", tags={"peerpulse/position": str(newest)})
