"""Opening the warehouse files, building a model, reading the serving file.

- The models, what they read and which are published come from their .sql (and .py) files
  (`warehouse.models`); a Python model reads its declared inputs through `Inputs`.

- `warehouse.duckdb` is the pipeline's own file (one writer: the pipeline). `warehouse.incremental`
  refreshes its models; `warehouse.publication` publishes them.
- `serving.duckdb` is what everybody else reads: always a complete, checkpointed file, swapped in
  atomically (warehouse.publication), so a reader never sees a half-built or locked file and never blocks
  the pipeline. Readers attach it read-only into a private in-memory connection and reattach when it
  changes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse import facts
from warehouse.models import Model, ModelError, tables_read

HERE = Path(__file__).resolve().parent


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> object:
    """The single value a query returns (fetched to the end: DuckDB 2 wants every result finished)."""
    rows = con.execute(sql, list(params)).fetchall()
    return rows[0][0] if rows else None


def crash_if_asked(point: str) -> None:
    """Fault injection for the crash-safety tests: `PEERPULSE_CRASH_AT=<point>` kills the process there,
    as abruptly as a power cut (no cleanup, no rollback)."""
    if os.environ.get("PEERPULSE_CRASH_AT") == point:
        os._exit(137)


def sql_string(value: object) -> str:
    """A string literal for SQL that takes no parameters there (ATTACH): quotes doubled, so a data folder
    such as /srv/o'brien/peerpulse is a path, not the end of the statement."""
    return "'" + str(value).replace("'", "''") + "'"


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """The pipeline's read-write connection to its warehouse file, its fact tables created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # Fewer, larger checkpoints while pages stream in; a crash replays the WAL, so nothing is at risk.
    con.execute("SET checkpoint_threshold = '1GB'")
    con.execute(facts.DDL)
    return con


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: date, at: datetime | None = None) -> None:
    """What the models read besides tables: the as-of day, and what `publication_state` says (the facts'
    position, and when this build ran, in UTC)."""
    at = at or datetime.now(UTC).replace(tzinfo=None)
    position = scalar(con, "SELECT last_position FROM projection_state WHERE id = 1") or 0
    con.execute(f"SET VARIABLE as_of = DATE '{as_of.isoformat()}'")
    con.execute(f"SET VARIABLE last_position = {int(position)}::BIGINT")
    con.execute(f"SET VARIABLE published_at = TIMESTAMP '{at.isoformat(sep=' ')}'")


class Inputs:
    """What a Python model may read: the tables its header declares (`reads:`), as polars frames, and the
    as-of date it is built for."""

    def __init__(self, con: duckdb.DuckDBPyConnection, model: Model, as_of: date):
        self._con, self.model, self.as_of = con, model, as_of

    def query(self, sql: str, *params: object) -> pl.DataFrame:
        undeclared = sorted(tables_read(sql, self.model.file) - set(self.model.reads))
        if undeclared:
            raise ModelError(
                f"{self.model.file}: reads {', '.join(undeclared)}, which its header does not declare in reads:"
            )
        return self._con.sql(sql, params=list(params)).pl() if params else self._con.sql(sql).pl()


def python_rows(con: duckdb.DuckDBPyConnection, model: Model, as_of: date) -> pl.DataFrame:
    """What a Python model's build() makes, checked to be its declared columns."""
    frame = model.build_function()(Inputs(con, model, as_of))
    if not isinstance(frame, pl.DataFrame) or frame.columns != list(model.column_names):
        found = frame.columns if isinstance(frame, pl.DataFrame) else type(frame).__name__
        raise ModelError(f"{model.file}: build() returns the declared columns {list(model.column_names)}, not {found}")
    return frame


def generations(serving_path: Path) -> list[Path]:
    """The generation files beside the serving file (warehouse.publication): `.serving-<epoch>-<n>.duckdb`."""
    return sorted(serving_path.parent.glob(f".{serving_path.stem}-*-*{serving_path.suffix}"))


def linked_generation(serving_path: Path) -> Path:
    """The generation file the serving file is a link to (itself if none is: a file of an older version).
    A reader attaches it by that name, which DuckDB also uses to keep this process's own writer off it."""
    inode = os.stat(serving_path).st_ino
    for generation in generations(serving_path):
        try:
            if generation.stat().st_ino == inode:
                return generation
        except FileNotFoundError:
            continue
    return serving_path


def file_identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when a new serving file is swapped in. The inode alone is not enough: a file
    system may give the next file the inode the replaced one just freed; the change time moves."""
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_ctime_ns, st.st_size)


class ServingReader:
    """Read-only access to the serving file that follows each new publication without a restart."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int, int, int] | None = None

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for this query, on the newest publication. Taken under the lock: DuckDB
        refuses two threads taking cursors from one connection at the same instant."""
        identity = file_identity(self.path)  # FileNotFoundError until the first publication
        with self._lock:
            if self._con is None or identity != self._identity:
                con, identity = self._attach()
                # The previous connection is not closed here: queries still running on its cursors
                # finish on the file they started with, and it goes when the last of them does.
                self._con, self._identity = con, identity
            return self._con.cursor()

    def _attach(self) -> tuple[duckdb.DuckDBPyConnection, tuple[int, int, int, int]]:
        """The newest publication, attached read-only. The link may move on between looking it up and
        opening the file, and the generation it named may by then be taken by the pipeline to update
        (it is no longer published): look again."""
        for attempt in range(50):
            identity = file_identity(self.path)
            generation = linked_generation(self.path)
            con = duckdb.connect(":memory:")
            try:
                con.execute(f"ATTACH {sql_string(generation)} AS serving (READ_ONLY)")
                return con, identity
            except (duckdb.IOException, duckdb.ResourceInUseException, FileNotFoundError):
                con.close()
                if attempt == 49:
                    raise
                time.sleep(0.01)
        raise AssertionError("unreachable")

    def query(self, sql: str, params: Sequence[object] = ()) -> pl.DataFrame:
        cursor = self._cursor()
        try:
            cursor.execute("USE serving")  # each cursor starts in the in-memory catalog
            return cursor.sql(sql, params=list(params)).pl() if params else cursor.sql(sql).pl()
        finally:
            cursor.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
