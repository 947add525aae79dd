"""Reading a published serving file in tests: attached read-only as `s` to an in-memory DuckDB.

It imports nothing of PeerPulse but `warehouse.db.sql_string` (there since the old store fixture's
commit), so tests/support/old_store.py can use it when it runs against an older commit's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.db import sql_string


@contextmanager
def attached(serving_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with the serving file attached read-only as `s`, closed afterwards."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {sql_string(serving_path)} AS s (READ_ONLY)")
        yield con
    finally:
        con.close()


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the attached serving file `s`, by name."""
    query = "SELECT table_name FROM information_schema.tables WHERE table_catalog = 's' ORDER BY 1"
    return [t for (t,) in con.execute(query).fetchall()]
