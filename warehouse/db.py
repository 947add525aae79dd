"""The one module that touches the warehouse files: open, build models, publish, read.

- `warehouse.duckdb` is the pipeline's own file (one writer: the pipeline).
- `serving.duckdb` is what everybody else reads. It is built as a new file, closed, then swapped in
  with `os.replace`, so a reader never sees a half-built or locked file and never blocks the pipeline.
  Readers attach it read-only into a private in-memory connection and reattach when it changes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from domain.config import Settings

HERE = Path(__file__).resolve().parent

# Each model is warehouse/<layer>/<name>.sql: one SELECT, built as a table of that name, in this order.
# Staging models read only the fact tables, one per kind of fact; the others read only models.
# name -> the models (or fact tables) it reads, for the asset graph.
MODELS: dict[str, tuple[str, ...]] = {
    "group_formations": ("fact_group_formed",),
    "memberships": ("fact_membership", "fact_group_formed"),
    "meetings": ("fact_meeting_held",),
    "roster_entries": ("fact_meeting_roster", "fact_meeting_held"),
    "attendance_corrections": ("fact_attendance_corrected", "fact_meeting_held"),
    "meeting_ratings": ("fact_meeting_rated", "fact_meeting_held"),
    "facilitator_assignments": ("fact_facilitator_assigned", "fact_group_formed"),
    "commitments": ("fact_commitment_made",),
    "commitment_follow_ups": ("fact_commitment_made", "fact_commitment_followed_up"),
    "groups": ("group_formations", "memberships", "meetings"),
    "group_members": ("memberships",),
    "group_facilitators": ("facilitator_assignments",),
    "meeting_attendance": ("meetings", "roster_entries", "attendance_corrections"),
    "meeting_airtime": ("meetings", "meeting_attendance", "roster_entries"),
    "meeting_summary": ("meetings", "meeting_attendance", "meeting_airtime"),
    "dominance_alerts": ("meetings", "meeting_airtime"),
    "member_presenting": ("memberships", "meetings", "meeting_attendance"),
    "member_commitments": ("commitments", "commitment_follow_ups"),
    "group_health": ("meeting_summary", "member_commitments", "meeting_ratings", "memberships"),
    "retention_curve": ("memberships",),
    "dropout_weights": (),
    "member_risk_signals": ("dropout_weights", "meetings", "meeting_attendance", "memberships", "meeting_airtime",
                            "meeting_ratings", "commitment_follow_ups", "commitments"),
    "dropout_risk": ("memberships", "meetings", "member_risk_signals", "dropout_weights"),
    "dropout_backtest": ("member_risk_signals", "memberships"),
    "member_engagement": ("meeting_attendance", "member_commitments"),
}

# Tables published in the serving file: the warehouse contract (PRODUCT.md) and the extras documented
# in warehouse/README.md.
PUBLISHED: tuple[str, ...] = (
    # the warehouse contract (PRODUCT.md)
    "meeting_summary",
    "meeting_attendance",
    "meeting_airtime",
    "group_health",
    "member_commitments",
    "dominance_alerts",
    "dropout_risk",
    "retention_curve",
    # published beside the risk table, and the extras the dashboards read
    "dropout_backtest",
    "dropout_weights",
    "groups",
    "group_members",
    "group_facilitators",
    "member_presenting",
    "member_engagement",
)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> object:
    """The single value a query returns (fetched to the end: DuckDB 2 wants every result finished)."""
    rows = con.execute(sql, list(params)).fetchall()
    return rows[0][0] if rows else None


def crash_if_asked(point: str) -> None:
    """Fault injection for the crash-safety tests: `PEERPULSE_CRASH_AT=<point>` kills the process there,
    as abruptly as a power cut (no cleanup, no rollback)."""
    if os.environ.get("PEERPULSE_CRASH_AT") == point:
        os._exit(137)


def model_sql(name: str) -> str:
    [path] = HERE.glob(f"*/{name}.sql")
    return path.read_text()


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """The pipeline's read-write connection to its warehouse file, schema applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # Fewer, larger checkpoints while pages stream in; a crash replays the WAL, so nothing is at risk.
    con.execute("SET checkpoint_threshold = '1GB'")
    con.execute((HERE / "schema.sql").read_text())
    return con


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    con.execute(f"SET VARIABLE as_of = DATE '{as_of.isoformat()}'")


def build_model(con: duckdb.DuckDBPyConnection, name: str, as_of: date) -> int:
    """(Re)build one model table from its SQL, in one transaction; returns its row count."""
    set_as_of(con, as_of)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {model_sql(name)}")
        crash_if_asked(f"model-{name}-before-commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return scalar(con, f"SELECT COUNT(*) FROM {name}")


def build_all(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, int]:
    return {name: build_model(con, name, as_of) for name in MODELS}


def publish(con: duckdb.DuckDBPyConnection, settings: Settings, tables: Sequence[str] = PUBLISHED) -> Path:
    """Copy the published tables into a new serving file and swap it in atomically."""
    target = settings.serving_path
    building = target.with_name(f".{target.name}.building")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con.execute(f"ATTACH '{building}' AS serving_next")
    try:
        for table in tables:
            con.execute(f"CREATE TABLE serving_next.{table} AS SELECT * FROM {table}")
        con.execute("CHECKPOINT serving_next")
    finally:
        con.execute("DETACH serving_next")
    os.chmod(building, 0o600)
    crash_if_asked("publish-before-replace")
    os.replace(building, target)
    return target


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
                con = duckdb.connect(":memory:")
                con.execute(f"ATTACH '{self.path}' AS serving (READ_ONLY)")
                # The previous connection is not closed here: queries still running on its cursors
                # finish on the file they started with, and it goes when the last of them does.
                self._con, self._identity = con, identity
            return self._con.cursor()

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
