"""One asset per warehouse model: the table built by warehouse/<layer>/<name>.sql, as of the run's day.

The assets are made from the models' own declarations (`warehouse.models`): the group is the layer,
the description and column schema come from the header, and the deps are what the SQL reads (or what a
Python model's header declares it reads). Adding a model is adding its .sql (or .py) file.
"""

import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.metadata import column_schema, preview
from warehouse import db
from warehouse.models import Model, models

FACTS = dg.AssetKey("event_facts")


def model_asset(model: Model) -> dg.AssetsDefinition:
    # A model that reads no other model (staging, and the constant tables) is rebuilt with the facts.
    deps = [dg.AssetKey(name) for name in model.depends_on] or [FACTS]

    @dg.asset(
        name=model.name,
        group_name=model.layer,
        kinds={"duckdb", "python"} if model.kind == "python" else {"duckdb"},
        deps=deps,
        description=model.description,
        metadata={
            "path": dg.MetadataValue.path(model.file),
            "published": model.published,
            "grain": model.grain,
            "dagster/column_schema": column_schema(model),
        },
        automation_condition=dg.AutomationCondition.eager(),
    )
    def build(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        as_of = warehouse.as_of_date()
        with warehouse.connect() as con:
            rows = db.build_model(con, model.name, as_of)
            head = con.sql(f"SELECT * FROM {model.name} LIMIT 5").pl()
        context.log.info(f"{model.name}: {rows} rows as of {as_of}")
        return dg.MaterializeResult(metadata={"rows": rows, "as_of": as_of.isoformat(), "preview": preview(head)})

    return build


model_assets = [model_asset(model) for model in models().values()]
