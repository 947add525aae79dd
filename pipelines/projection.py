"""The catch-up: events after the last processed position become fact rows, exactly once.

Each page of events is decoded, turned into rows for the fact tables (warehouse/facts.py), and written
together with the page's last position in a single DuckDB transaction. A crash at any instant leaves
either the whole page or none of it, and the next run starts after the last page that committed, so
the facts always equal a clean rebuild up to `projection_state.last_position`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from domain.store.log import PAGE_SIZE, EventLog, bulk_decoding
from warehouse import facts
from warehouse.db import crash_if_asked, scalar


def last_position(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "SELECT last_position FROM projection_state WHERE id = 1") or 0


def write_page(con: duckdb.DuckDBPyConnection, rows: dict[facts.FactTable, list[tuple]], position: int) -> None:
    """Append a page's rows and move the position, atomically."""
    con.execute("BEGIN TRANSACTION")
    try:
        for fact, data in rows.items():
            if not data:
                continue
            con.register("page_rows", pl.DataFrame(data, schema=fact.frame_schema(), orient="row"))
            columns = ", ".join(fact.column_names)
            con.execute(f"INSERT INTO {fact.name} ({columns}) SELECT {columns} FROM page_rows")
            con.unregister("page_rows")
            crash_if_asked(f"page-{position}-after-{fact.name}")
        con.execute("INSERT OR REPLACE INTO projection_state VALUES (1, ?, now()::TIMESTAMP)", [position])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@dataclass
class CatchUp:
    start_position: int
    end_position: int
    events: int = 0
    pages: int = 0


def catch_up(
    con: duckdb.DuckDBPyConnection,
    log: EventLog,
    page_size: int | None = None,
    on_page: Callable[[CatchUp], None] | None = None,
) -> CatchUp:
    """Project every event after the last processed position, page by page."""
    page_size = page_size or int(os.environ.get("PEERPULSE_PAGE_SIZE") or PAGE_SIZE)
    start = last_position(con)
    target = log.max_position()
    result = CatchUp(start_position=start, end_position=start)
    with bulk_decoding():
        for page in log.pages(after=start, up_to=target, limit=page_size):
            write_page(con, facts.page_rows(log.decode(page)), page[-1].position)
            result.end_position = page[-1].position
            result.events += len(page)
            result.pages += 1
            if on_page:
                on_page(result)
    return result
