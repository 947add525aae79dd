"""Start a refresh when new events arrive. The cursor is the last log position seen.

It asks for the whole refresh (catch-up, models, publication) in one run, which is as fresh as Dagster
gets (a sensor tick, then one run); the declared automation on the models and the serving file does the
same for facts caught up any other way.
"""

import dagster as dg

from pipelines.defs.events.assets import event_facts
from pipelines.defs.resources import Warehouse
from pipelines.defs.serving.assets import materialize_all

catch_up_job = dg.define_asset_job(
    "catch_up", selection=dg.AssetSelection.assets(event_facts), description="Append new events to the fact tables."
)


@dg.sensor(
    job=materialize_all,
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes the figures when the event log has grown past the cursor.",
)
def new_events(context: dg.SensorEvaluationContext, warehouse: Warehouse):
    seen = int(context.cursor or 0)
    with warehouse.event_log() as log:
        newest = log.max_position()
    if newest <= seen:
        return dg.SkipReason(f"no new events after position {seen}")
    context.update_cursor(str(newest))
    return dg.RunRequest(run_key=f"events-up-to-{newest}", tags={"peerpulse/position": str(newest)})
