"""The event log into the warehouse's fact tables: an incremental, exactly-once catch-up."""

import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.metadata import preview
from pipelines.projection import catch_up


@dg.asset(
    group_name="events",
    kinds={"duckdb"},
    description="Fact tables (warehouse/facts.py) holding every event up to the last processed position. "
    "Each run appends only the events after that position, page by page, each page in one transaction.",
)
def event_facts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    def report(progress) -> None:
        context.log.info(f"page {progress.pages}: {progress.events} events, now at position {progress.end_position}")

    with warehouse.connect() as con, warehouse.event_log() as log:
        result = catch_up(con, log, on_page=report)
        by_type = con.sql("SELECT topic, count(*)::BIGINT AS events FROM event_log GROUP BY topic ORDER BY topic").pl()
    return dg.MaterializeResult(
        metadata={
            "events_appended": result.events,
            "pages": result.pages,
            "last_position": result.end_position,
            "previous_position": result.start_position,
            "events_by_type": preview(by_type, rows=50),
        }
    )
