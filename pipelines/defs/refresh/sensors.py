"""Start a refresh when new events arrive. The cursor is the last log position seen.

Each tick is one indexed query on the event log (its last position); the sensor asks for the whole
refresh (catch-up, models, checks, publication) in one run when the log has grown past its cursor. It
asks every second, but the daemon evaluates sensors at most every 5 s (its loop).
"""

import dagster as dg

from domain.errors import PeerPulseError
from pipelines.defs.refresh.assets import refresh_asset
from pipelines.defs.resources import Warehouse

materialize_all = dg.define_asset_job(
    "materialize_all",
    selection=dg.AssetSelection.assets(refresh_asset),
    description="Catch up on events, refresh the models (by partition, or whole), run the checks, publish.",
)


@dg.sensor(
    job=materialize_all,
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes the figures when the event log has grown past the cursor.",
)
def new_events(context: dg.SensorEvaluationContext, warehouse: Warehouse):
    seen = int(context.cursor or 0)
    try:
        with warehouse.event_log() as log:
            newest = log.max_position()
    except PeerPulseError as e:  # no store yet, no key: the tick says so plainly (no traceback) and looks again
        return dg.SkipReason(str(e))
    if newest <= seen:
        return dg.SkipReason(f"no new events after position {seen}")
    context.update_cursor(str(newest))
    return dg.RunRequest(run_key=f"events-up-to-{newest}", tags={"peerpulse/position": str(newest)})
