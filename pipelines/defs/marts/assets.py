"""One asset per warehouse model: the table built by warehouse/<name>.sql, as of the run's day.

The assets are made from `warehouse.db.MODELS`, so adding a model is adding a .sql file and a line
there; each asset is named for the table it produces and reads what that SQL reads.
"""


import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.metadata import preview
from warehouse import db

FACTS = dg.AssetKey("event_facts")


def describe(name: str) -> str:
    """The model's header comment, as the asset's description."""
    lines = []
    for line in db.model_sql(name).splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines) or f"The {name} table."


def model_asset(name: str, reads: tuple[str, ...]) -> dg.AssetsDefinition:
    deps = sorted({dg.AssetKey(r) if r in db.MODELS else FACTS for r in reads} or {FACTS}, key=str)

    @dg.asset(name=name, group_name="marts", kinds={"duckdb"}, deps=deps, description=describe(name),
              automation_condition=dg.AutomationCondition.eager())
    def build(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        as_of = warehouse.as_of_date()
        with warehouse.connect() as con:
            rows = db.build_model(con, name, as_of)
            head = con.sql(f"SELECT * FROM {name} LIMIT 5").pl()
        context.log.info(f"{name}: {rows} rows as of {as_of}")
        return dg.MaterializeResult(metadata={"rows": rows, "as_of": as_of.isoformat(), "preview": preview(head)})

    return build


model_assets = [model_asset(name, reads) for name, reads in db.MODELS.items()]
