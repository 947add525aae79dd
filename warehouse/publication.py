"""Publication: the serving file the dashboards and BI tools read, updated by partition, swapped atomically.

`serving.duckdb` is a hard link to one of a few generation files, `.serving-<epoch>-<n>.duckdb`, each a
complete, checkpointed DuckDB file of every published table. To publish, the pipeline brings a
generation nobody reads up to date and then points the link at it with one `os.replace`:

- a generation of the current epoch that no reader holds (DuckDB locks a file a reader has open, so
  trying to open it for writing says whether anyone does) gets only what changed since the position it
  holds (`warehouse.incremental` records which partitions of which table changed at each refresh): the
  rows of those partitions deleted and copied again, the unpartitioned tables that changed copied whole,
  all in one transaction;
- otherwise (the first publications of an epoch, every reader still on an older generation) a new
  generation is built whole, each table in the order the warehouse keeps it (a model built whole is
  ordered by its partition column), so the rows one group's page reads sit together.

A reader never sees a half-built file (the link only ever names a finished one), never blocks the
pipeline (it holds the generation it opened; the pipeline writes another), and follows the link on its
next query. A full refresh starts a new epoch: its first publication is a new file and the generations
of older epochs are removed (a reader still holding one keeps reading it until it lets go).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import crash_if_asked, generations, scalar, sql_string
from warehouse.models import Model, published

KEEP = 3  # generations of an epoch kept: the one published, and two for the next publications to update
# a generation some reader holds: locked by another process, or attached in this one
BUSY = (duckdb.IOException, duckdb.ResourceInUseException)
NAME = re.compile(r"^\.serving-(?P<epoch>[0-9a-z]+)-(?P<n>\d+)\.duckdb$")


@dataclass
class Published:
    path: Path  # the generation now linked as serving.duckdb
    whole: bool  # built whole, rather than updated by partition
    tables: int  # tables copied (whole or in part)
    rows: int  # rows copied


def publish(con: duckdb.DuckDBPyConnection, serving_path: Path, epoch: str, position: int) -> Published:
    """Bring a generation of `epoch` to the warehouse's models (at `position`) and link it as the serving
    file: by partition when a generation of this epoch is free, whole otherwise."""
    active = _inode(serving_path)
    ours = [g for g in generations(serving_path) if epoch_of(g) == epoch and _inode(g) != active]
    for generation in sorted(ours, key=lambda g: g.stat().st_mtime_ns, reverse=True):
        try:
            con.execute(f"ATTACH {sql_string(generation)} AS serving_next")
        except BUSY:
            continue  # a reader still holds it
        try:
            held = _held_position(con)
            if held is None or held > position:
                done = _copy_whole(con, replace=True)
            else:
                done = _copy_changes(con, held)
            con.execute("CHECKPOINT serving_next")
        except BaseException:
            _drop(con, generation)
            raise
        con.execute("DETACH serving_next")
        return _link(serving_path, generation, epoch, done)
    return publish_whole(con, serving_path, epoch)


def publish_whole(con: duckdb.DuckDBPyConnection, serving_path: Path, epoch: str) -> Published:
    """A new generation of `epoch`, every published table copied whole, linked as the serving file."""
    numbers = [int(m["n"]) for g in generations(serving_path) if (m := NAME.match(g.name))]
    generation = serving_path.with_name(f".serving-{epoch}-{max(numbers, default=0) + 1}.duckdb")
    for leftover in (generation, generation.with_name(generation.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        con.execute(f"ATTACH {sql_string(generation)} AS serving_next")
        done = _copy_whole(con, replace=False)
        con.execute("CHECKPOINT serving_next")
    except BaseException:
        _drop(con, generation)
        raise
    con.execute("DETACH serving_next")
    return _link(serving_path, generation, epoch, done)


def _drop(con: duckdb.DuckDBPyConnection, generation: Path) -> None:
    """A generation whose copy failed (a full disk, a crash of DuckDB): nobody reads it, as it was never
    linked; removed, so that no half-written file is left, or taken up again by the next publication."""
    try:
        con.execute("DETACH DATABASE IF EXISTS serving_next")
    except duckdb.Error:
        pass  # DuckDB let go of it when it invalidated it
    for path in (generation, generation.with_name(generation.name + ".wal")):
        path.unlink(missing_ok=True)


def _copy_whole(con: duckdb.DuckDBPyConnection, replace: bool) -> tuple[bool, int, int]:
    rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for name in published():
            # in the warehouse table's order: a model built whole is kept in the order of its partition
            create = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE"
            con.execute(f"{create} serving_next.{name} AS SELECT * FROM main.{name}")
            rows += scalar(con, f"SELECT count(*) FROM serving_next.{name}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True, len(published()), rows


def _copy_changes(con: duckdb.DuckDBPyConnection, since: int) -> tuple[bool, int, int]:
    """What changed after position `since`, copied into the attached generation, in one transaction."""
    changes = con.execute(
        "SELECT model, bool_or(partition_value IS NULL) FROM model_changes WHERE position > ? GROUP BY model",
        [since],
    ).fetchall()
    if any(model == "*" for model, _ in changes):
        return _copy_whole(con, replace=True)
    tables = rows = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for name, whole in changes:
            model = published().get(name)
            if model is None:
                continue
            rows += _copy_table(con, model, since, whole)
            tables += 1
        crash_if_asked("publish-changes-before-commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return False, tables, rows


def _copy_table(con: duckdb.DuckDBPyConnection, model: Model, since: int, whole: bool) -> int:
    name = model.name
    if whole or model.partition is None:
        con.execute(f"DELETE FROM serving_next.{name}")
        con.execute(f"INSERT INTO serving_next.{name} SELECT * FROM main.{name}")
        return scalar(con, f"SELECT count(*) FROM serving_next.{name}")
    changed = (
        f'"{model.partition}" IN (SELECT partition_value FROM main.model_changes '
        f"WHERE model = {sql_string(name)} AND position > {int(since)})"
    )
    con.execute(f"DELETE FROM serving_next.{name} WHERE {changed}")
    con.execute(f"INSERT INTO serving_next.{name} SELECT * FROM main.{name} WHERE {changed}")
    return scalar(con, f"SELECT count(*) FROM main.{name} WHERE {changed}")


def _held_position(con: duckdb.DuckDBPyConnection) -> int | None:
    """The event-log position the attached generation's figures include, if it says."""
    try:
        return scalar(con, "SELECT last_position FROM serving_next.publication_state")
    except duckdb.CatalogException:
        return None


def _link(serving_path: Path, generation: Path, epoch: str, done: tuple[bool, int, int]) -> Published:
    os.chmod(generation, 0o600)
    crash_if_asked("publish-before-replace")
    following = serving_path.with_name(f".{serving_path.name}.next")
    following.unlink(missing_ok=True)
    os.link(generation, following)
    os.replace(following, serving_path)
    _tidy(serving_path, generation, epoch)
    whole, tables, rows = done
    return Published(generation, whole, tables, rows)


def _tidy(serving_path: Path, linked: Path, epoch: str) -> None:
    """Remove the generations of older epochs and all but the newest few of this one. A reader still
    holding one keeps it (the file goes when it lets go); it will not be written again."""
    ours = sorted(
        (g for g in generations(serving_path) if epoch_of(g) == epoch and g != linked),
        key=lambda g: g.stat().st_mtime_ns,
        reverse=True,
    )
    for generation in [g for g in generations(serving_path) if epoch_of(g) != epoch] + ours[KEEP - 1 :]:
        for path in (generation, generation.with_name(generation.name + ".wal")):
            path.unlink(missing_ok=True)


def epoch_of(path: Path) -> str | None:
    """The epoch a generation file belongs to, from its name (None: not a generation file)."""
    match = NAME.match(path.name)
    return match["epoch"] if match else None


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None
