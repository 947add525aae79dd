"""The refresh as Dagster sees it: one step that runs `pipelines.refresh.refresh()`, the very refresh of
`peerpulse materialize` and of the dashboards' follower, under the same lock (`only_one_at_a_time`) and
with the same recovery of a damaged warehouse, and reports what it did.

The asset graph is made from the models' own declarations (`warehouse.models`): `event_facts`, one asset
per model (grouped by layer; its description, column schema and checks from its header; its deps what
its SQL reads), and `serving_file`. They are one step (one transaction: the models and their checks
commit together, or not at all), and each run records a materialization only for what it changed: the
facts when events were appended, each model the refresh rebuilt (whole or by partition), the serving
file when it was published. A model left unchanged keeps its last materialization. Its checks' results
come from the refresh (warehouse/checks.py); a failing one rolls the refresh back and fails the step, so
the previous figures stay published.
"""

from collections.abc import Iterator

import dagster as dg

from domain.errors import PeerPulseError
from pipelines.defs.refresh.checks import check_results, check_specs
from pipelines.defs.resources import Warehouse
from pipelines.follower import describe
from pipelines.metadata import column_schema
from pipelines.projection import CatchUp
from pipelines.refresh import Refresh, only_one_at_a_time, refresh
from warehouse.incremental import How
from warehouse.models import Model, ModelKind, models, published

FACTS = dg.AssetKey("event_facts")
SERVING = dg.AssetKey("serving_file")


def facts_spec() -> dg.AssetSpec:
    return dg.AssetSpec(
        key=FACTS,
        group_name="events",
        kinds={"duckdb"},
        skippable=True,
        description="Fact tables (warehouse/facts.py) holding every event up to the last processed position. "
        "Each refresh appends only the events after that position, page by page, each page in one transaction.",
    )


def model_spec(model: Model) -> dg.AssetSpec:
    # A model that reads no other model (staging, and the constant tables) is rebuilt with the facts.
    return dg.AssetSpec(
        key=model.name,
        group_name=model.layer,
        kinds={"duckdb", "python"} if model.kind is ModelKind.PYTHON else {"duckdb"},
        deps=[dg.AssetKey(name) for name in model.depends_on] or [FACTS],
        description=model.description,
        skippable=True,
        metadata={
            "path": dg.MetadataValue.path(model.file),
            "published": model.published,
            "grain": model.grain,
            "partition": model.partition or "none (rebuilt whole)",
            "dagster/column_schema": column_schema(model),
        },
    )


def serving_spec() -> dg.AssetSpec:
    return dg.AssetSpec(
        key=SERVING,
        group_name="serving",
        kinds={"duckdb"},
        deps=[dg.AssetKey(name) for name in published()],
        skippable=True,
        description="$PEERPULSE_HOME/serving.duckdb: the published tables (the models whose header says published: "
        "true). A serving generation nobody reads gets what changed and is linked in atomically, so readers never "
        "see a half-built or locked file. Failing checks upstream block it.",
    )


@dg.multi_asset(
    name="refresh",
    specs=[facts_spec(), *(model_spec(model) for model in models().values()), serving_spec()],
    check_specs=check_specs(),
    # One refresh, whatever is selected: the catch-up, the models with their checks, the publication. A
    # subset selected in the UI runs it all and records only the selected part. (Subsetting is also what
    # lets a run record no result for a check the refresh did not run again.)
    can_subset=True,
    description="pipelines/refresh.refresh(): catch up on events, refresh the models (by partition, or whole), "
    "run their checks, publish. The same refresh as `peerpulse materialize` and `peerpulse serve`'s follower.",
)
def refresh_asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator:
    settings = warehouse.settings

    def report(progress: CatchUp) -> None:
        context.log.info(f"page {progress.pages}: {progress.events} events, now at position {progress.end_position}")

    try:
        with only_one_at_a_time(settings, wait=warehouse.wait_seconds):
            done = refresh(settings, as_of=warehouse.as_of_date(), say=context.log.info, on_page=report)
    except PeerPulseError as e:  # busy past the wait, no key, a wrong one: the plain message, no traceback
        raise dg.Failure(description=str(e)) from None
    context.log.info(describe(done))
    assets, checks = context.selected_asset_keys, context.selected_asset_check_keys
    yield from (m for m in materializations(done) if m.asset_key in assets)
    yield from (c for c in check_results(done) if dg.AssetCheckKey(c.asset_key, c.check_name) in checks)
    if not done.passed:
        raise dg.Failure(description=describe(done))


def materializations(done: Refresh) -> Iterator[dg.MaterializeResult]:
    """One per asset the refresh changed (counts and positions: the warehouse is pseudonymous anyway)."""
    caught = done.caught_up
    if caught.events:
        yield dg.MaterializeResult(
            asset_key=FACTS,
            metadata={
                "events_appended": caught.events,
                "pages": caught.pages,
                "last_position": caught.end_position,
                "previous_position": caught.start_position,
            },
        )
    refreshed = done.models
    if refreshed is not None and refreshed.committed:
        for name, rebuilt in refreshed.models.items():
            if rebuilt.how is How.UNCHANGED:
                continue
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(name),
                metadata={
                    "rows": rebuilt.rows,
                    "rebuilt": rebuilt.how.value,  # Dagster stores plain values, not our enums
                    "partitions": rebuilt.partitions,
                    "as_of": refreshed.as_of.isoformat(),
                    "log_position": refreshed.to_position,
                },
            )
    if done.published is not None:
        yield dg.MaterializeResult(
            asset_key=SERVING,
            metadata={
                "path": dg.MetadataValue.path(str(done.published.path)),
                "log_position": caught.end_position,
                "copied": "every table" if done.published.whole else "what changed",
                "tables": done.published.tables,
                "rows": done.published.rows,
                "seconds": round(done.seconds, 2),
            },
        )
