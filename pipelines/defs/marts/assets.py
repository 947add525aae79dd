"""The warehouse's models as Dagster assets: one asset per model (warehouse/<layer>/<name>.sql), all
refreshed by one step that calls the same code as `peerpulse materialize` and the dashboards' follower
(warehouse.incremental.refresh_models): by partition when it can, whole when it must.

The assets are made from the models' own declarations (`warehouse.models`): the group is the layer,
the description and column schema come from the header, and the deps are what the SQL reads (or what a
Python model's header declares it reads). Adding a model is adding its .sql (or .py) file. Each run
materializes every model; its metadata says whether the refresh rebuilt it whole, by partition, or left
it unchanged.
"""

from collections.abc import Iterator

import dagster as dg

from pipelines.defs.marts.checks import check_results, check_specs
from pipelines.defs.resources import Warehouse
from pipelines.metadata import column_schema, preview
from warehouse import incremental
from warehouse.models import Model, models

FACTS = dg.AssetKey("event_facts")


def model_spec(model: Model) -> dg.AssetSpec:
    # A model that reads no other model (staging, and the constant tables) is rebuilt with the facts.
    return dg.AssetSpec(
        key=model.name,
        group_name=model.layer,
        kinds={"duckdb", "python"} if model.kind == "python" else {"duckdb"},
        deps=[dg.AssetKey(name) for name in model.depends_on] or [FACTS],
        description=model.description,
        metadata={
            "path": dg.MetadataValue.path(model.file),
            "published": model.published,
            "grain": model.grain,
            "partition": model.partition or "none (rebuilt whole)",
            "dagster/column_schema": column_schema(model),
        },
        automation_condition=dg.AutomationCondition.eager(),
    )


@dg.multi_asset(
    name="warehouse_models",
    specs=[model_spec(model) for model in models().values()],
    check_specs=[spec for model in models().values() for spec in check_specs(model)],
    can_subset=False,  # one transaction: the models and their checks commit together, or not at all
    description="Every model brought up to the facts, by partition or whole, with the checks its header declares.",
)
def warehouse_models(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator:
    as_of = warehouse.as_of_date()
    with warehouse.connect() as con:
        done = incremental.refresh_models(con, as_of)
        heads = {
            name: con.sql(f"SELECT * FROM {name} LIMIT 5").pl()
            for name, rebuilt in done.models.items()
            if rebuilt.how != "unchanged" and done.committed
        }
    how = "whole" if done.full else f"by partition ({done.groups} groups touched)"
    context.log.info(f"models as of {as_of}: {how}{f', {done.reason}' if done.reason else ''}")
    if done.committed or done.nothing_to_do:
        for name, rebuilt in (done.models or {n: incremental.Rebuilt("unchanged") for n in models()}).items():
            yield dg.MaterializeResult(
                asset_key=name,
                metadata={
                    "rows": rebuilt.rows,
                    "rebuilt": rebuilt.how,
                    "partitions": rebuilt.partitions,
                    "as_of": as_of.isoformat(),
                    "log_position": done.to_position,
                    "preview": preview(heads[name]) if name in heads else "unchanged",
                },
            )
    yield from check_results(done.outcomes)
