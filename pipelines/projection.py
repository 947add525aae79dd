"""The catch-up: events after the last processed position become fact rows, exactly once.

Each page of events is read and decrypted here, handed to DuckDB as columns (the JSON text of each
event), and turned into rows for the fact tables there (warehouse/facts.py), together with the page's
last position, in a single DuckDB transaction. A crash at any instant leaves either the whole page or
none of it, and the next run starts after the last page that committed, so the facts always equal a
clean rebuild up to `projection_state.last_position`.

Reading and writing overlap: while DuckDB lands one page (its own threads, without the GIL), this
thread reads and decrypts the next, so the catch-up runs at about the pace of the slower of the two.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import polars as pl

from domain.store.log import EventLog, PlainPage, bulk_decoding
from warehouse import facts
from warehouse.db import crash_if_asked, scalar

# Events per page: each page is one DuckDB transaction, and fewer, larger ones (each table's rows of a page
# written in a few big appends, one commit) roughly double the rate of 50,000-event pages. Two pages are
# in memory at once (one read, one landing): about 150 MB.
PAGE_SIZE = 200_000


def last_position(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "SELECT last_position FROM projection_state WHERE id = 1") or 0


def as_frame(page: PlainPage) -> pl.DataFrame:
    """The page as DuckDB scans it: one column each (each event's JSON as bytes, decoded there)."""
    return pl.DataFrame(
        {
            "position": pl.Series(page.positions, dtype=pl.Int64),
            "stream_id": pl.Series(page.stream_ids, dtype=pl.Utf8),
            "topic": pl.Series(page.topics, dtype=pl.Utf8),
            "payload": pl.Series(page.payloads, dtype=pl.Binary),
        }
    )


def write_page(con: duckdb.DuckDBPyConnection, page: pl.DataFrame, position: int) -> None:
    """Land a page's events in the fact tables and move the position, atomically."""
    topics = set(page.get_column("topic").unique().to_list())
    con.register("page", page)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(facts.LOG_SQL)
            crash_if_asked(f"page-{position}-after-{facts.EVENT_LOG.name}")
            for lands in facts.LANDINGS:
                if lands.event in topics:
                    con.execute(lands.insert_sql("page"))
                    crash_if_asked(f"page-{position}-after-{lands.table.name}")
            con.execute("INSERT OR REPLACE INTO projection_state VALUES (1, ?, now()::TIMESTAMP)", [position])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("page")


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

    def landed(page: PlainPage, writing: Future) -> None:
        writing.result()  # a failed page stops the catch-up here, with the pages before it kept
        result.end_position = page.last_position
        result.events += len(page)
        result.pages += 1
        if on_page:
            on_page(result)

    with bulk_decoding(), ThreadPoolExecutor(1, thread_name_prefix="catch-up") as writer:
        pending: tuple[PlainPage, Future] | None = None
        for page in log.plain_pages(after=start, up_to=target, limit=page_size):
            table = as_frame(page)
            if pending is not None:
                landed(*pending)
            pending = (page, writer.submit(write_page, con, table, page.last_position))
        if pending is not None:
            landed(*pending)
    return result
