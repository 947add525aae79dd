"""Publication: the serving file the dashboards and BI tools read (warehouse.publication), updated by
partition and linked in atomically, by the same code as `peerpulse materialize` and the follower."""

import os

import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.refresh import publish_if_needed
from warehouse import db
from warehouse.models import LAYERS, published


@dg.asset(
    group_name="serving",
    kinds={"duckdb"},
    deps=[dg.AssetKey(name) for name in published()],
    automation_condition=dg.AutomationCondition.eager(),
    description="$PEERPULSE_HOME/serving.duckdb: the published tables (the models whose header says published: "
    "true). A serving generation nobody reads gets what changed and is linked in atomically, so readers never "
    "see a half-built or locked file. Failing checks upstream block it.",
)
def serving_file(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings
    with warehouse.connect() as con:
        done = publish_if_needed(con, settings)
        position = db.scalar(con, "SELECT published_position FROM model_state WHERE id = 1")
    context.log.info(f"published up to log position {position}" if done else "the serving file was up to date")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.serving_path)),
            "bytes": os.path.getsize(settings.serving_path),
            "log_position": position,
            "copied": "nothing (up to date)" if done is None else ("every table" if done.whole else "what changed"),
            "tables": 0 if done is None else done.tables,
            "rows": 0 if done is None else done.rows,
            "as_of": warehouse.as_of_date().isoformat(),
        }
    )


materialize_all = dg.define_asset_job(
    "materialize_all",
    selection=dg.AssetSelection.all(),
    description="Catch up on events, refresh the models (by partition, or whole), run the checks, publish.",
)

marts_follow_inputs = dg.AutomationConditionSensorDefinition(
    "marts_follow_inputs",
    target=dg.AssetSelection.groups(*LAYERS, "serving"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=5,
    description="Refreshes the models and republishes when the facts they read change (declared automation).",
)
