"""Publication: the serving file the dashboards and BI tools read, swapped in atomically."""

import os

import dagster as dg

from pipelines.defs.resources import Warehouse
from warehouse import db
from warehouse.models import LAYERS, published


@dg.asset(
    group_name="serving",
    kinds={"duckdb"},
    deps=[dg.AssetKey(name) for name in published()],
    automation_condition=dg.AutomationCondition.eager(),
    description="$PEERPULSE_HOME/serving.duckdb: the published tables (the models whose header says published: "
    "true), built as a new file and swapped in with os.replace, so readers never see a half-built or locked file. "
    "Failing checks upstream block it.",
)
def serving_file(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        path = db.publish(con, warehouse.settings)
        rows = {t: db.scalar(con, f"SELECT count(*) FROM {t}") for t in published()}
    context.log.info(f"published {len(rows)} tables")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "bytes": os.path.getsize(path),
            "tables": dg.MetadataValue.json(rows),
            "as_of": warehouse.as_of_date().isoformat(),
        }
    )


materialize_all = dg.define_asset_job(
    "materialize_all",
    selection=dg.AssetSelection.all(),
    description="Catch up on events, rebuild every model, run the checks, publish.",
)

marts_follow_inputs = dg.AutomationConditionSensorDefinition(
    "marts_follow_inputs",
    target=dg.AssetSelection.groups(*LAYERS, "serving"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Rebuilds the models and republishes when the facts they read change (declared automation).",
)
